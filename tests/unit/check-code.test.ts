/**
 * CardService.checkCode (issue 12): the current code is checked on the card before a new
 * one is typed, at the cost of the one try the change would have cost, and no more. Every
 * count is read from the virtual card's own counters; every APDU from its own log.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createHandlers } from "../../host/handlers.js";
import { fromHex } from "../../native-bridge/core/bytes.js";
import { INS } from "../../native-bridge/apdu/command.js";
import { CardService } from "../../native-bridge/service/card-service.js";
import { Secret } from "../../native-bridge/core/secret.js";
import type { CardStatus } from "../../native-bridge/service/types.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { OpenPgpCard } from "../../native-bridge/simulator/openpgp-card.js";
import { PivCard } from "../../native-bridge/simulator/piv-card.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import type { PinSlot, VirtualCard, VirtualCardOptions } from "../../native-bridge/simulator/virtual-card.js";
import type { AppInfo } from "../../contract/api.js";

const s = (t: string) => Secret.fromString(t);

/** The INS of every APDU the card received since `from`, from its own log. */
function cardLog() {
  const lines: string[] = [];
  return {
    apduLog: (line: string) => lines.push(line),
    mark: () => lines.length,
    ins: (from = 0) =>
      lines
        .slice(from)
        .filter((l) => l.startsWith("> "))
        .map((l) => parseInt(l.slice(4, 6), 16)),
  };
}

interface Family {
  name: string;
  make: (o: VirtualCardOptions) => VirtualCard;
  /** The code checked, its slot on the card, the right value, a wrong one and a new one. */
  id: string;
  slot: (card: VirtualCard) => PinSlot;
  right: string;
  wrong: string;
  next: string;
  /** The card holds `code` for it now (read from the card's own store). */
  holds: (card: VirtualCard, code: string) => boolean;
  /**
   * What another program sends after us: SELECT, then an empty VERIFY of the code. Left out
   * where an empty VERIFY would itself count a try, or would land on another PIN.
   */
  probe?: string[];
}

const pkcs15Holds = (card: VirtualCard, code: string) => (card as Pkcs15Card).codeOf(0x81) === code;
const PKCS15_PROBE = ["00A404000CA000000063504B43532D3135", "0020008100"];

/** PKCS#15 cards whose encoding or layout differ: the check must encode as the change does. */
const PKCS15_VARIANTS: Family[] = (
  [
    [["bcd"], true],
    [["no-pad-char"], true],
    [["local-refs"], false], // CardOS 4.4: no empty VERIFY is safe
    [["pins-in-subdf"], false], // 81 in the application DF is another PIN
    [["counts-empty-verify"], false],
  ] as const
).map(([quirks, probe]) => ({
  name: `PKCS#15 (${quirks.join(", ")})`,
  make: (o: VirtualCardOptions) => new Pkcs15Card({ ...o, quirks }),
  id: "auth",
  slot: (c: VirtualCard) => (c as Pkcs15Card).pins.get(0x81)!,
  right: "123456",
  wrong: "999999",
  next: "246810",
  holds: pkcs15Holds,
  ...(probe ? { probe: PKCS15_PROBE } : {}),
}));

const FAMILIES: Family[] = [
  {
    name: "PKCS#15",
    make: (o) => new Pkcs15Card(o),
    id: "auth",
    slot: (c) => (c as Pkcs15Card).pins.get(0x81)!,
    right: "123456",
    wrong: "999999",
    next: "246810",
    holds: pkcs15Holds,
    probe: PKCS15_PROBE,
  },
  ...PKCS15_VARIANTS,
  {
    name: "PIV",
    make: (o) => new PivCard(o),
    id: "auth",
    slot: (c) => (c as PivCard).pin,
    right: "123456",
    wrong: "999999",
    next: "246810",
    holds: (c, code) => (c as PivCard).codeOf(0x80) === code,
    probe: ["00A4040005A000000308", "0020008000"],
  },
  {
    // Discovery makes the global PIN primary: VERIFY 00, not 80 (SP 800-73-4 Part 2 §3.2.1).
    name: "PIV (global PIN)",
    make: (o) => new PivCard({ ...o, globalPin: true }),
    id: "auth",
    slot: (c) => (c as PivCard).globalPin!,
    right: "123456",
    wrong: "999999",
    next: "246810",
    holds: (c, code) => (c as PivCard).codeOf(0x00) === code,
    probe: ["00A4040005A000000308", "0020000000"],
  },
  {
    name: "OpenPGP PW1",
    make: (o) => new OpenPgpCard(o),
    id: "user",
    slot: (c) => (c as OpenPgpCard).pw1,
    right: "123456",
    wrong: "999999",
    next: "246810",
    holds: (c, code) => (c as OpenPgpCard).holds("user", code),
    // GnuPG verifies PW1 through 82: the state another program would find.
    probe: ["00A4040006D27600012401", "0020008200"],
  },
  {
    // KDF-DO on: the card compares the salted S2K hash, so a raw PIN would read as wrong.
    name: "OpenPGP PW1 (KDF, SHA-256)",
    make: (o) => new OpenPgpCard({ ...o, kdf: "sha256" }),
    id: "user",
    slot: (c) => (c as OpenPgpCard).pw1,
    right: "123456",
    wrong: "999999",
    next: "246810",
    holds: (c, code) => (c as OpenPgpCard).holds("user", code),
    probe: ["00A4040006D27600012401", "0020008200"],
  },
  {
    name: "OpenPGP PW3",
    make: (o) => new OpenPgpCard(o),
    id: "admin",
    slot: (c) => (c as OpenPgpCard).pw3,
    right: "12345678",
    wrong: "87654321",
    next: "24681357",
    holds: (c, code) => (c as OpenPgpCard).holds("admin", code),
    probe: ["00A4040006D27600012401", "0020008300"],
  },
];

let service: CardService | undefined;
afterEach(() => service?.close());

function rig(f: Family) {
  const log = cardLog();
  const card = f.make({ apduLog: log.apduLog });
  const readers = new InProcessReaders(["R"]);
  readers.insert(card);
  service = new CardService(readers);
  return { card, log, service, slot: f.slot(card) };
}

const codeOf = (status: CardStatus | undefined, id: string) => status?.codes.find((c) => c.id === id);

/** Raw bytes the way another program would send them, straight to the card. */
const answer = (card: VirtualCard, hex: string) => card.transmit(fromHex(hex)).subarray(-2).toString("hex").toUpperCase();

describe.each(FAMILIES)("checkCode on the $name virtual card", (f) => {
  it("says canCheck in the status", async () => {
    const { service } = rig(f);
    const status = await service.status();
    expect(status.ok && codeOf(status.value, f.id)?.canCheck).toBe(true);
  });

  it("a wrong code spends exactly one try on the card's own counter and sends no CHANGE", async () => {
    const { service, log, slot } = rig(f);
    await service.status();
    const before = slot.triesLeft;
    const at = log.mark();
    const r = await service.checkCode(f.id, s(f.wrong));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(f.id === "admin" ? "ADMIN_PIN_WRONG" : "PIN_WRONG");
    expect(r.error.triesLeft).toBe(before - 1);
    expect(slot.triesLeft).toBe(before - 1);
    // What the wizard shows next: the count learned, from this answer.
    expect(codeOf(r.status, f.id)).toMatchObject({ triesLeft: before - 1, triesKnown: true });
    const sent = log.ins(at);
    expect(sent.filter((i) => i === INS.VERIFY).length).toBeGreaterThanOrEqual(1);
    expect(sent).not.toContain(INS.CHANGE_REFERENCE_DATA);
    expect(sent).not.toContain(INS.RESET_RETRY_COUNTER);
  });

  it("a right code, then the change, spend no try; the new code is the card's", async () => {
    const { service, log, slot, card } = rig(f);
    await service.status();
    const max = slot.maxTries;
    const at = log.mark();
    const checked = await service.checkCode(f.id, s(f.right));
    expect(checked.ok).toBe(true);
    expect(slot.triesLeft).toBe(max);
    expect(log.ins(at)).not.toContain(INS.CHANGE_REFERENCE_DATA);
    const changed = await service.changePin(f.id, s(f.right), s(f.next));
    expect(changed.ok).toBe(true);
    expect(slot.triesLeft).toBe(max);
    expect(f.holds(card, f.next)).toBe(true);
  });

  it("sends nothing for a code that breaks the card's length rule", async () => {
    const { service, log, slot } = rig(f);
    await service.status();
    const before = slot.triesLeft;
    const at = log.mark();
    const r = await service.checkCode(f.id, s("12"));
    expect(!r.ok && r.error.code).toBe("CODE_LENGTH");
    expect(log.ins(at)).toEqual([]);
    expect(slot.triesLeft).toBe(before);
  });

  it("leaves the card not verified: another program after us finds the code unverified", async () => {
    const { service, card, slot } = rig(f);
    await service.status();
    const checked = await service.checkCode(f.id, s(f.right));
    expect(checked.ok).toBe(true);
    expect(slot.verified).toBe(false);
    if (!f.probe) return;
    // SELECT, then an empty VERIFY: 9000 would mean "already verified" (ISO 7816-4 §11.5.6).
    expect(answer(card, f.probe[0]!)).toBe("9000");
    expect(answer(card, f.probe[1]!)).toBe(`63C${slot.maxTries.toString(16).toUpperCase()}`);
  });
});

describe("checkCode where no VERIFY of the code is well defined", () => {
  it("PIV PUK (SP 800-73-4: no VERIFY of 81): canCheck false, refused without an APDU, no try spent", async () => {
    const log = cardLog();
    const card = new PivCard({ apduLog: log.apduLog });
    const readers = new InProcessReaders(["R"]);
    readers.insert(card);
    service = new CardService(readers);
    const status = await service.status();
    expect(status.ok && codeOf(status.value, "puk")?.canCheck).toBe(false);
    const at = log.mark();
    const r = await service.checkCode("puk", s("99999999"));
    expect(!r.ok && r.error.code).toBe("OPERATION_NOT_ALLOWED");
    expect(log.ins(at)).toEqual([]);
    expect(card.puk.triesLeft).toBe(card.puk.maxTries);
  });

  it("PKCS#15 PUK and OpenPGP resetting code: canCheck false, no VERIFY", async () => {
    for (const [card, id] of [
      [new Pkcs15Card(), "puk"],
      [new OpenPgpCard({ resetCode: "87654321" }), "reset"],
    ] as const) {
      const readers = new InProcessReaders(["R"]);
      readers.insert(card);
      service?.close();
      service = new CardService(readers);
      const status = await service.status();
      expect(status.ok && codeOf(status.value, id)?.canCheck).toBe(false);
      const before = card.apduCount;
      const r = await service.checkCode(id, s("99999999"));
      expect(!r.ok && r.error.code).toBe("OPERATION_NOT_ALLOWED");
      expect(card.apduCount).toBe(before);
    }
  });

  it("a STARCOS card (card-knowledge: a PIN format of its own) offers no check at all", async () => {
    class Starcos extends Pkcs15Card {
      override readonly atr = fromHex("3BB79400C02431FE6553504B32339000B4");
    }
    const card = new Starcos();
    const readers = new InProcessReaders(["R"]);
    readers.insert(card);
    service = new CardService(readers);
    const status = await service.status();
    expect(status.ok && status.value.card.knownAs).toBe("STARCOS");
    expect(status.ok && status.value.codes.every((c) => !c.canCheck)).toBe(true);
    const before = card.apduCount;
    const r = await service.checkCode("auth", s("123456"));
    expect(!r.ok && r.error.code).toBe("OPERATION_NOT_ALLOWED");
    expect(card.apduCount).toBe(before);
    expect(card.pins.get(0x81)!.triesLeft).toBe(card.pins.get(0x81)!.maxTries);
  });
});

describe("checkCode through the handlers (IPC and preview bridge)", () => {
  it("checks the payload, never echoes the code, and answers a wrong one with its count", async () => {
    const card = new Pkcs15Card();
    const readers = new InProcessReaders(["R"]);
    readers.insert(card);
    service = new CardService(readers);
    const rejected: string[] = [];
    const support = {} as Parameters<typeof createHandlers>[2];
    const handlers = createHandlers(service, () => ({}) as AppInfo, support, { onRejected: (w) => rejected.push(w) });
    await service.status();

    const stray = await handlers.checkCode({ pinId: "auth", current: "975312", next: "864209" });
    expect(stray).toMatchObject({ ok: false, error: { code: "REQUEST_REJECTED" } });
    expect(rejected).toEqual(["checkCode"]);
    expect(JSON.stringify(stray)).not.toMatch(/975312|864209/);

    const wrong = await handlers.checkCode({ pinId: "auth", current: "975312", app: "pkcs15" });
    expect(wrong).toMatchObject({ ok: false, error: { code: "PIN_WRONG", triesLeft: 2, support: expect.any(String) } });
    expect(JSON.stringify(wrong)).not.toContain("975312");
    expect(card.pins.get(0x81)!.triesLeft).toBe(2);

    const right = await handlers.checkCode({ pinId: "auth", current: "123456" });
    expect(right.ok).toBe(true);
    expect(JSON.stringify(right)).not.toContain("123456");
    expect(card.pins.get(0x81)!.triesLeft).toBe(3);
  });
});
