/**
 * What each PKCS#15 quirk card demands of Pinwarden, read from the virtual card itself
 * (its slots, its APDU log), never through Pinwarden's own status:
 * - status reads spend nothing, and no empty VERIFY reaches a card not known safe;
 * - change and unblock store exactly the bytes OpenSC's sc_build_pin would send (00
 *   padding without padChar, BCD in storedLength/2 bytes);
 * - a PIN's path SELECT that fails stops the operation before any PIN command;
 * - P2 carries bit 8 only where the card's row says so.
 */
import { describe, expect, it } from "vitest";
import { PinType, type PinObject } from "../../native-bridge/apdu/pkcs15.js";
import { UNKNOWN_CARD, knowledgeFor } from "../../native-bridge/profiles/card-knowledge.js";
import { encodeCode, layoutFromObjects } from "../../native-bridge/profiles/pkcs15.js";
import { CardService } from "../../native-bridge/service/card-service.js";
import { checkAgainstCard } from "../../native-bridge/service/rules.js";
import { DEFAULT_RULES } from "../../contract/rules.js";
import { Secret } from "../../native-bridge/core/secret.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { Pkcs15Card, PKCS15_QUIRKS, type Pkcs15Quirk } from "../../native-bridge/simulator/pkcs15-card.js";
import { PKCS15_VARIANT_QUIRKS } from "../shared/variants-pkcs15.js";

const s = (text: string) => Secret.fromString(text);

function setup(quirks: readonly Pkcs15Quirk[]) {
  const log: string[] = [];
  const card = new Pkcs15Card({ quirks, apduLog: (line) => log.push(line) });
  const readers = new InProcessReaders(["R"]);
  readers.insert(card);
  const service = new CardService(readers);
  /** Commands the card received since the last call (CLA INS P1 P2, data masked for codes). */
  const received = () => log.splice(0).filter((l) => l.startsWith(">"));
  const counters = () => [...card.pins.values(), ...(card.appDfPin ? [card.appDfPin] : [])].map((p) => p.triesLeft);
  return { card, service, received, counters };
}

const ins = (line: string) => line.slice(4, 6);
/** An empty VERIFY: header only, no data (log line "> 002000xx"). */
const isEmptyVerify = (line: string) => ins(line) === "20" && line.length === 2 + 8;
const PIN_INS = ["20", "24", "2C"];

const everyCard = [...PKCS15_QUIRKS.map((q) => [q] as const), ...PKCS15_VARIANT_QUIRKS];

describe.each(everyCard.map((q) => [q.join(", "), q] as const))("PKCS#15 card (%s)", (_name, quirks) => {
  it("20 status reads leave the card's own counters unchanged", async () => {
    const { card, service, counters, received } = setup(quirks);
    const before = counters();
    for (let i = 0; i < 20; i++) expect((await service.status()).ok).toBe(true);
    expect(counters()).toEqual(before);
    expect(card.codeOf(0x81)).toBe("123456");
    if (quirks.includes("counts-empty-verify") || quirks.includes("local-refs")) {
      // Not known safe: Pinwarden sends no empty VERIFY at all.
      expect(received().filter(isEmptyVerify)).toEqual([]);
    }
  });

  it("changes the PIN and unblocks it, storing what OpenSC would send", async () => {
    const { card, service } = setup(quirks);
    const changed = await service.changePin("auth", s("123456"), s("246810"));
    expect(changed.ok, JSON.stringify(changed)).toBe(true);
    expect(card.codeOf(0x81)).toBe("246810");
    const bcd = quirks.includes("bcd");
    const pad = quirks.includes("no-pad-char") ? 0x00 : 0xff;
    const expected = bcd ? Buffer.from([0x24, 0x68, 0x10, pad]) : Buffer.concat([Buffer.from("246810"), Buffer.from([pad, pad])]);
    expect(card.storedOf(0x81).toString("hex")).toBe(expected.toString("hex"));

    const unblocked = await service.unblockPin("sign", s("12345678"), s("135792"));
    expect(unblocked.ok, JSON.stringify(unblocked)).toBe(true);
    const expectedSign = bcd ? Buffer.from([0x13, 0x57, 0x92, pad]) : Buffer.concat([Buffer.from("135792"), Buffer.from([pad, pad])]);
    expect(card.storedOf(0x82).toString("hex")).toBe(expectedSign.toString("hex"));
    expect(card.pins.get(0x83)!.triesLeft).toBe(10);
    if (card.appDfPin) expect(card.appDfPin.triesLeft).toBe(3);
  });
});

describe("PKCS#15 card specifics", () => {
  it("never sends an empty VERIFY to the counts-empty-verify card, and its counters stay full", async () => {
    const { card, service, received } = setup(["counts-empty-verify"]);
    expect(knowledgeFor(card.atr).emptyVerifySafe).toBe(false);
    for (let i = 0; i < 5; i++) await service.status();
    const r = await service.changePin("auth", s("123456"), s("246810"));
    expect(r.ok).toBe(true);
    expect(received().filter(isEmptyVerify)).toEqual([]);
    expect([...card.pins.values()].map((p) => p.triesLeft)).toEqual([3, 3, 10]);
    const st = await service.status();
    // The card does not say its limit and no row does: after a success the count is unknown.
    expect(st.ok && st.value.codes.map((c) => c.triesLeft)).toEqual([null, null, null]);
  });

  it("the counts-empty-verify card does count an empty VERIFY (the hazard is real)", () => {
    const card = new Pkcs15Card({ quirks: ["counts-empty-verify"] });
    card.transmit(Buffer.from("00A4040C0CA000000063504B43532D3135", "hex"));
    const sw = card.transmit(Buffer.from("00200081", "hex"));
    expect(sw.toString("hex")).toBe("63c2");
    expect(card.pins.get(0x81)!.triesLeft).toBe(2);
  });

  it("a failed SELECT of the PIN's path sends no PIN command", async () => {
    const { card, service, received, counters } = setup(["pins-in-subdf"]);
    expect((await service.status()).ok).toBe(true);
    received();
    // The change: SELECT of the application, then the SELECT of the PINs' DF, which fails.
    card.setFaults([{ at: card.apduCount + 2, kind: "sw", value: 0x6a82 }]);
    const before = counters();
    const r = await service.changePin("auth", s("123456"), s("246810"));
    expect(!r.ok && r.error).toMatchObject({ code: "CARD_PATH_NOT_FOUND", codeId: "auth" });
    const sent = received();
    expect(sent.filter((l) => PIN_INS.includes(ins(l))).filter((l) => !isEmptyVerify(l))).toEqual([]);
    expect(counters()).toEqual(before);
    expect(card.codeOf(0x81)).toBe("123456");
  });

  it("pins-in-subdf: a status selects the PINs' DF once, not before every code", async () => {
    const { service, received } = setup(["pins-in-subdf"]);
    await service.status();
    received();
    await service.status(); // known card: SELECT app, SELECT sub-DF, three empty VERIFYs
    const sent = received();
    expect(sent.filter((l) => ins(l) === "A4")).toHaveLength(2);
    expect(sent.filter(isEmptyVerify)).toHaveLength(3);
  });

  it("pins-in-subdf: the same reference in the application DF is another PIN", () => {
    const card = new Pkcs15Card({ quirks: ["pins-in-subdf"] });
    card.transmit(Buffer.from("00A4040C0CA000000063504B43532D3135", "hex"));
    const sw = card.transmit(Buffer.from("0020008108313233343536FFFF", "hex"));
    expect(sw.toString("hex")).toBe("63c2");
    expect(card.appDfPin!.triesLeft).toBe(2);
    expect(card.pins.get(0x81)!.triesLeft).toBe(3);
  });

  it("local-refs: AODF 01/02, P2 81/82 on the wire because the card's row says setBit8", async () => {
    const { card, service, received } = setup(["local-refs"]);
    expect(knowledgeFor(card.atr)).toMatchObject({ name: "CardOS 4.4", localReference: "setBit8" });
    await service.status();
    received();
    expect((await service.changePin("sign", s("654321"), s("246810"))).ok).toBe(true);
    expect(received().filter((l) => ins(l) === "24")).toEqual(["> 0024008210 " + "**".repeat(16)]);
  });

  it("a reference stays as stored where no row says setBit8", () => {
    const pin = pinObject({ reference: 0x01 });
    expect(layoutFromObjects([pin], undefined, undefined, undefined, UNKNOWN_CARD).codes[0]!.reference).toBe(0x01);
  });

  it("ef-dir-only: found through EF.DIR's path after the AID fails", async () => {
    const { service, received } = setup(["ef-dir-only"]);
    const r = await service.status();
    expect(r.ok && r.value.card.serial).toBe("9752269000004242");
    const sent = received();
    expect(sent[0]).toBe("> 00A40400" + "0C" + "A000000063504B43532D3135" + "00");
    expect(sent).toContain("> 00A4080C025015");
  });

  it("no-puk-entry: the PUK is offered, its count unknown, its format the PIN's", async () => {
    const { service } = setup(["no-puk-entry"]);
    const r = await service.status();
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const puk = r.value.codes.find((c) => c.id === "puk")!;
    expect(puk).toMatchObject({ kind: "puk", triesLeft: null, maxTries: 10, canChange: false });
    expect(r.value.codes.find((c) => c.id === "auth")).toMatchObject({ unblockedBy: "puk", canUnblock: true });
  });
});

function pinObject(over: Partial<PinObject> = {}): PinObject {
  return {
    label: "PIN",
    authId: Buffer.from([1]),
    flags: {
      local: true,
      changeDisabled: false,
      unblockDisabled: false,
      initialized: true,
      needsPadding: true,
      unblockingPin: false,
      soPin: false,
    },
    pinType: PinType.asciiNumeric,
    minLength: 4,
    storedLength: 8,
    maxLength: 8,
    reference: 0x81,
    ...over,
  };
}

describe("PKCS#15 AODF entries as OpenSC reads them", () => {
  const code = (over: Partial<PinObject>) => layoutFromObjects([pinObject(over)], undefined).codes[0]!;
  const enc = (over: Partial<PinObject>, text: string) => encodeCode(code(over), s(text)).toString("hex");

  it("pads with 00 where the AODF names no padChar, with padChar where it does", () => {
    expect(enc({}, "1234")).toBe("3132333400000000");
    expect(enc({ padChar: 0xff }, "1234")).toBe("31323334ffffffff");
  });

  it("pads only with needsPadding, even where storedLength is given (sec.c)", () => {
    const flags = { ...pinObject().flags, needsPadding: false };
    expect(enc({ flags }, "1234")).toBe("31323334");
  });

  it("BCD: two digits a byte, an odd digit completed with the pad nibble, storedLength/2 bytes", () => {
    expect(enc({ pinType: PinType.bcd, padChar: 0xff }, "12345")).toBe("12345fff");
    expect(enc({ pinType: PinType.bcd }, "123456")).toBe("12345600");
    expect(enc({ pinType: PinType.bcd, storedLength: 12, maxLength: 12 }, "1234")).toBe("123400000000");
  });

  it("ISO 9564-1: a format 2 block (2L, BCD, F fill to 8 bytes)", () => {
    expect(enc({ pinType: PinType.iso9564_1 }, "12345")).toBe("2512345fffffffff".slice(0, 16));
  });

  it("utf8: the typed bytes", () => {
    expect(enc({ pinType: PinType.utf8, padChar: 0xff }, "åb")).toBe("c3a562ffffffffff");
  });

  it("an object without authId is listed but unblocks nothing", () => {
    const noId = pinObject({ label: "Global", authId: undefined, reference: 0x01 });
    const user = pinObject({ label: "User", authId: Buffer.from([2]), unblockedBy: Buffer.from([9]) });
    const layout = layoutFromObjects([noId, user], undefined);
    expect(layout.codes.map((c) => c.label)).toEqual(["Global", "User", "PUK"]);
  });

  it("pads every PIN on a CardOS card, as OpenSC's CardOS driver does, even without needsPadding", () => {
    const flags = { ...pinObject().flags, needsPadding: false };
    const cardos = knowledgeFor(Buffer.from("3BD21802C10A31FE58C80D51", "hex"));
    const onCardOs = layoutFromObjects([pinObject({ flags, storedLength: 8 })], undefined, undefined, undefined, cardos).codes[0]!;
    expect(encodeCode(onCardOs, s("123456")).toString("hex")).toBe("3132333435360000");
    // The same AODF on a card the table does not know: sent as typed (sec.c pads only on request).
    expect(enc({ flags, storedLength: 8 }, "123456")).toBe("313233343536");
  });

  it("offers no change or unblock where the PIN format is a guess (STARCOS, ISO 9564-1)", () => {
    const starcos = knowledgeFor(Buffer.from("3BD996FF8131FE458031B8738601C0810502", "hex"));
    const onStarcos = layoutFromObjects([pinObject({ unblockedBy: Buffer.from([3]) })], undefined, undefined, undefined, starcos).codes;
    expect(onStarcos.every((c) => !c.canChange && !c.canUnblock)).toBe(true);
    const iso = layoutFromObjects([pinObject({ pinType: PinType.iso9564_1 })], undefined).codes[0]!;
    expect(iso).toMatchObject({ canChange: false, canUnblock: false });
  });

  it("offers no unblock where the PIN and its PUK disagree on padding (OpenSC: 'Padding mismatch for PIN/PUK')", () => {
    const flags = pinObject().flags;
    const pin = pinObject({ unblockedBy: Buffer.from([3]) });
    const puk = pinObject({
      label: "PUK",
      authId: Buffer.from([3]),
      reference: 0x83,
      flags: { ...flags, needsPadding: false, unblockingPin: true },
    });
    const codes = layoutFromObjects([pin, puk], undefined).codes;
    expect(codes.find((c) => c.id === "auth")).toMatchObject({ unblockedBy: "puk", canUnblock: false, canChange: true });
    const agreeing = layoutFromObjects([pin, pinObject({ ...puk, flags: { ...puk.flags, needsPadding: true } })], undefined).codes;
    expect(agreeing.find((c) => c.id === "auth")).toMatchObject({ canUnblock: true });
  });

  it("a PIN not initialized cannot be changed", () => {
    const flags = { ...pinObject().flags, initialized: false };
    expect(code({ flags })).toMatchObject({ canChange: false, initialized: false });
  });

  it("a current 16-character PUK is held to the card's lengths, not to digits", () => {
    const puk = layoutFromObjects(
      [
        pinObject({ unblockedBy: Buffer.from([3]) }),
        pinObject({
          label: "PUK",
          authId: Buffer.from([3]),
          storedLength: 16,
          maxLength: 16,
          flags: { ...pinObject().flags, unblockingPin: true },
        }),
      ],
      undefined,
    ).codes.find((c) => c.id === "puk")!;
    expect(puk.charset).toBe("any");
    expect(() => checkAgainstCard(puk, s("AbCdEfGh12345678"), false, DEFAULT_RULES)).not.toThrow();
  });
});
