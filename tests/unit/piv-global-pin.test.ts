/**
 * PIV with the global PIN primary (SP 800-73-4 Part 1 §3.3.2 Discovery object; OpenSC
 * card-piv.c uses reference 00 then), PIN characters as the card takes them, and the APDU
 * budget of a cold status (issue 11). In-process: CardService + InProcessReaders, and the
 * virtual card's own counters and values read from the card object, never from Pinwarden.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CardService } from "../../native-bridge/service/card-service.js";
import { DEFAULT_RULES } from "../../contract/rules.js";
import { createCard } from "../../native-bridge/simulator/cards.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { PivCard } from "../../native-bridge/simulator/piv-card.js";
import { s, tries } from "../shared/family-scenarios.js";

const GLOBAL = 0x00;
const PIV_PIN = 0x80;
const READER = "R";

let readers: InProcessReaders;
let service: CardService;
let sent: string[];

beforeEach(() => {
  readers = new InProcessReaders([READER]);
  sent = [];
  service = new CardService(readers, { trace: (line) => sent.push(line) });
});
afterEach(() => service.close());

/** The card's own counters: global PIN, PIV PIN, PUK. */
const counters = (card: PivCard) => ({ global: card.globalPin!.triesLeft, pin: card.pin.triesLeft, puk: card.puk.triesLeft });
const commands = () => sent.filter((l) => l.startsWith(">"));

describe("a PIV card whose Discovery object makes the global PIN primary", () => {
  it("shows the global PIN with its own counter, read with reference 00, and the PUK as unknown", async () => {
    const card = new PivCard({ globalPin: true });
    // Two wrong global PINs typed elsewhere: the card's counter, not a default, must show.
    card.globalPin!.triesLeft = 3;
    readers.insert(card);
    const r = await service.status();
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    expect(r.value.card.profile).toBe("piv");
    const auth = r.value.codes.find((c) => c.id === "auth")!;
    expect(auth).toMatchObject({ label: "Global PIN", triesLeft: 3, triesKnown: true, canChange: true, canUnblock: false });
    expect(auth.unblockedBy).toBeUndefined();
    // No GET METADATA on this card and the PUK is never VERIFYed: its count is unknown.
    expect(r.value.codes.find((c) => c.id === "puk")).toMatchObject({ triesLeft: null, triesKnown: false });
    expect(commands()).toContain("> 00200000");
    expect(commands().some((l) => l.startsWith("> 00200080"))).toBe(false);
    expect(counters(card)).toEqual({ global: 3, pin: 3, puk: 3 });
  });

  it("changes the global PIN: the card's global PIN holds the new one, the PIV PIN is untouched", async () => {
    const card = new PivCard({ globalPin: true });
    readers.insert(card);
    const before = card.codeOf(PIV_PIN);
    const r = await service.changePin("auth", s("123456"), s("246810"));
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(card.codeOf(GLOBAL)).toBe("246810");
    expect(card.codeOf(PIV_PIN)).toBe(before);
    expect(counters(card)).toEqual({ global: 5, pin: 3, puk: 3 });
    // The command went to reference 00.
    expect(commands().some((l) => l.startsWith("> 00240000"))).toBe(true);
    expect(commands().some((l) => l.startsWith("> 00240080"))).toBe(false);
  });

  it("leaves the card's true counters where they were after 20 status reads", async () => {
    const card = new PivCard({ globalPin: true });
    readers.insert(card);
    const wrong = await service.changePin("auth", s("999999"), s("246810"));
    expect(!wrong.ok && wrong.error).toMatchObject({ code: "PIN_WRONG", triesLeft: 4 });
    const before = counters(card);
    expect(before).toEqual({ global: 4, pin: 3, puk: 3 });
    for (let i = 0; i < 20; i++) expect(tries(await service.status(), "auth")).toBe(4);
    expect(counters(card)).toEqual(before);
  });

  it("counts a wrong global PIN down to blocked, and refuses to unblock it before any APDU", async () => {
    const card = new PivCard({ globalPin: true, globalTries: 2 });
    readers.insert(card);
    await service.changePin("auth", s("999999"), s("246810"));
    const last = await service.changePin("auth", s("999999"), s("246810"));
    expect(!last.ok && last.error.code).toBe("PIN_BLOCKED");
    const blocked = await service.status();
    expect(blocked.ok && blocked.value.codes.find((c) => c.id === "auth")).toMatchObject({ blocked: true, triesLeft: 0 });
    const sentBefore = card.apduCount;
    // SP 800-73-4 Part 2 §3.2.3: RESET RETRY COUNTER only resets the PIV PIN (80).
    const u = await service.unblockPin("auth", s("12345678"), s("246810"));
    expect(!u.ok && u.error.code).toBe("OPERATION_NOT_ALLOWED");
    expect(card.apduCount).toBe(sentBefore);
    expect(counters(card)).toEqual({ global: 0, pin: 3, puk: 3 });
  });

  it("agrees with the card that RESET RETRY COUNTER on the global PIN is not found (6A88)", () => {
    const card = new PivCard({ globalPin: true });
    card.reset();
    card.transmit(Buffer.from("00A4040005A000000308", "hex"));
    const data = Buffer.concat([Buffer.from("3132333435363738", "hex"), Buffer.from("323436383130FFFF", "hex")]);
    const r = card.transmit(Buffer.concat([Buffer.from("002C000010", "hex"), data]));
    expect(r.toString("hex")).toBe("6a88");
    expect(counters(card)).toEqual({ global: 5, pin: 3, puk: 3 });
  });
});

describe("PIV PIN characters", () => {
  it("sends a non-digit current PIN to the card as typed (padded with FF), on the global-PIN card", async () => {
    const card = new PivCard({ globalPin: true, global: "12ab56" });
    readers.insert(card);
    const r = await service.changePin("auth", s("12ab56"), s("246810"));
    // The card compares all 8 bytes with 12ab56‖FFFF: a dropped or changed character
    // would be a wrong PIN and a spent try.
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(card.codeOf(GLOBAL)).toBe("246810");
    expect(counters(card).global).toBe(5);
  });

  it("sends a non-ASCII current PIN as its UTF-8 bytes, on the YubiKey model (any bytes, 6–8)", async () => {
    const card = new PivCard({ pin: "pä55w" }); // 6 bytes in UTF-8
    readers.insert(card);
    const r = await service.changePin("auth", s("pä55w"), s("246810"));
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(card.codeOf(PIV_PIN)).toBe("246810");
  });

  it("takes a PUK of any 8 bytes on the YubiKey model", async () => {
    const card = new PivCard({ puk: "k3y!PUK#" });
    card.pin.triesLeft = 0;
    readers.insert(card);
    const r = await service.unblockPin("auth", s("k3y!PUK#"), s("246810"));
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(card.codeOf(PIV_PIN)).toBe("246810");
    expect(card.puk.triesLeft).toBe(3);
  });

  it("refuses a code longer than 8 bytes with CODE_LENGTH before any APDU", async () => {
    for (const card of [new PivCard({ globalPin: true }), new PivCard()]) {
      readers.insert(card);
      await service.status(); // the layout is known, as in the app
      const sentBefore = card.apduCount;
      const before = { pin: card.pin.triesLeft, puk: card.puk.triesLeft, global: card.globalPin?.triesLeft };
      const cases = [
        await service.changePin("auth", s("123456789"), s("246810")), // 9 characters
        await service.changePin("auth", s("12345ää"), s("246810")), // 7 characters, 9 bytes
        await service.changePin("auth", s("123456"), s("135792468")),
        await service.changePin("puk", s("123456789"), s("80357162")),
        await service.unblockPin("auth", s("123456789"), s("246810")),
      ];
      for (const r of cases) expect(!r.ok && r.error.code, JSON.stringify(r)).toMatch(/^(CODE_LENGTH|OPERATION_NOT_ALLOWED)$/);
      // The global PIN cannot be unblocked at all; elsewhere the PUK's length is the reason.
      expect(!cases[4]!.ok && cases[4]!.error.code).toBe(card.globalPin ? "OPERATION_NOT_ALLOWED" : "CODE_LENGTH");
      expect(cases.slice(0, 4).map((r) => !r.ok && r.error.code)).toEqual(["CODE_LENGTH", "CODE_LENGTH", "CODE_LENGTH", "CODE_LENGTH"]);
      expect(card.apduCount).toBe(sentBefore);
      expect({ pin: card.pin.triesLeft, puk: card.puk.triesLeft, global: card.globalPin?.triesLeft }).toEqual(before);
    }
  });

  it("holds a new PIN to digits (SP 800-73-4), and refuses rather than drops a non-digit", async () => {
    const card = new PivCard({ globalPin: true });
    readers.insert(card);
    await service.status();
    const sentBefore = card.apduCount;
    // Even with a policy that allows letters, the PIV PIN is digits by the spec.
    service.configure({ rules: { ...DEFAULT_RULES, digitsOnly: false } });
    const r = await service.changePin("auth", s("123456"), s("24681a"));
    expect(!r.ok && r.error.code).toBe("CODE_NOT_DIGITS");
    expect(card.apduCount).toBe(sentBefore);
    expect(card.codeOf(GLOBAL)).toBe("123456");
  });
});

describe("APDUs of a cold status on PIV (issue 11: at most 5 with the SELECT)", () => {
  const cold = async (card: PivCard) => {
    readers.insert(card);
    const r = await service.status();
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const all = commands();
    const start = all.findIndex((l) => l.startsWith("> 00A40400 A000000308"));
    const end = all.findIndex((l, i) => i > start && l.startsWith("> 00A4"));
    const piv = all.slice(start, end === -1 ? undefined : end);
    const others = all.filter((_, i) => i < start || (end !== -1 && i >= end));
    return { total: card.apduCount, piv, others };
  };

  it("default (YubiKey model): at most 5 in all, counted by the card", async () => {
    const card = createCard("piv") as PivCard;
    const { total, piv, others } = await cold(card);
    expect(total, commands().join("\n")).toBeLessThanOrEqual(5);
    expect(piv.map((l) => l.slice(2, 10))).toEqual(["00A40400", "00CB3FFF", "00F70080", "00F70081"]);
    // The one other APDU is the missed SELECT of OpenPGP (the ATR says PIV and OpenPGP).
    expect(others.length).toBeLessThanOrEqual(1);
    expect(others.every((l) => l.startsWith("> 00A4"))).toBe(true);
  });

  it("global PIN: the PIV application costs at most 5 (no GET METADATA), the others one SELECT each", async () => {
    const card = createCard("piv", {}, { globalPin: true }) as PivCard;
    const { total, piv, others } = await cold(card);
    expect(piv.map((l) => l.slice(2, 10))).toEqual(["00A40400", "00CB3FFF", "00CB3FFF", "00200000"]);
    expect(piv.length).toBeLessThanOrEqual(5);
    // Its ATR is in no row of card-knowledge.ts, so every other family is probed: one
    // missed SELECT each. (A row with apps ["piv"] for this ATR would make the total 4.)
    expect(others.every((l) => l.startsWith("> 00A4"))).toBe(true);
    expect(others.length).toBeLessThanOrEqual(2);
    expect(total).toBe(piv.length + others.length);
  });

  it("a non-YubiKey card without a global PIN: Discovery, then GET METADATA (6D00), then the empty VERIFY of 80", async () => {
    const card = new PivCard({ metadata: false });
    const { piv } = await cold(card);
    expect(piv.map((l) => l.slice(2, 10))).toEqual(["00A40400", "00CB3FFF", "00CB3FFF", "00F70080", "00200080"]);
  });
});
