import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CARD_TABLE, knowledgeFor, UNKNOWN_CARD } from "../../native-bridge/profiles/card-knowledge.js";

const atr = (hex: string) => Buffer.from(hex.replace(/\s/g, ""), "hex");

describe("the card table", () => {
  it("knows CardOS 4.4 as unsafe for an empty VERIFY and CardOS 5 as safe, both wanting P2 bit 8", () => {
    expect(knowledgeFor(atr("3B D2 18 02 C1 0A 31 FE 58 C8 0D 51"))).toMatchObject({
      name: "CardOS 4.4",
      emptyVerifySafe: false,
      localReference: "setBit8",
    });
    expect(knowledgeFor(atr("3B D2 18 00 81 31 FE 58 C9 03 16"))).toMatchObject({
      name: "CardOS 5.3",
      emptyVerifySafe: true,
      localReference: "setBit8",
    });
  });

  it("knows CardOS 5.4 and the CardOS M4 family (OpenSC's masked row and its byte checks), all padded with bit 8", () => {
    expect(knowledgeFor(atr("3B D2 18 00 81 31 FE 58 C9 04 11"))).toMatchObject({
      name: "CardOS 5.4",
      emptyVerifySafe: true,
      alwaysPad: true,
    });
    expect(knowledgeFor(atr("3B F2 18 00 02 C1 0A 31 FE 58 C8 08 75"))).toMatchObject({
      name: "CardOS M4.x",
      emptyVerifySafe: false,
      localReference: "setBit8",
      alwaysPad: true,
    });
    // The mask alone would take this one; OpenSC's byte checks (atr[4], [6], [9]) do not.
    expect(knowledgeFor(atr("3B F2 18 00 11 C1 0A 31 FE 58 C8 08 75")).name).toBe("unknown");
  });

  it("sends no PIN command to a STARCOS card, whose PIN format is its own", () => {
    const starcos = knowledgeFor(atr("3B D9 96 FF 81 31 FE 45 80 31 B8 73 86 01 C0 81 05 02"));
    expect(starcos).toMatchObject({ name: "STARCOS", ownPinFormat: true, emptyVerifySafe: false });
  });

  it("recognises YubiKey 4 and 5 by their historical bytes and probes only PIV and OpenPGP", () => {
    for (const hex of [
      "3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4",
      "3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 40",
    ]) {
      expect(knowledgeFor(atr(hex))).toMatchObject({ name: "YubiKey", apps: ["piv", "openpgp"] });
    }
  });

  it("gives an unknown card the cautious defaults: no empty VERIFY, the reference as stored, no limits", () => {
    const unknown = knowledgeFor(atr("3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A"));
    expect(unknown).toEqual(UNKNOWN_CARD);
    expect(unknown).toMatchObject({ emptyVerifySafe: false, localReference: "asStored" });
    expect(unknown.maxTries).toBeUndefined();
    expect(unknown.apps).toBeUndefined();
  });

  it("names a source for every row, and docs/cards.md lists every row", () => {
    const doc = readFileSync("docs/cards.md", "utf8");
    for (const row of CARD_TABLE) {
      expect(row.source.length, row.name).toBeGreaterThan(20);
      expect(doc.includes(row.name.replace(/ \d\.\d$/, "")), row.name).toBe(true);
    }
  });
});
