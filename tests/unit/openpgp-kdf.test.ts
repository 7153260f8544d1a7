/**
 * OpenPGP cards with a KDF-DO (F9), the two ways to unblock PW1, and the answers older
 * cards give to a wrong PIN. In-process, through CardService; every claim about what the
 * card holds or counted is read from the virtual card itself.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { tlv } from "../../native-bridge/apdu/tlv.js";
import { parseKdf, s2kItersalted } from "../../native-bridge/profiles/openpgp.js";
import { CardService } from "../../native-bridge/service/card-service.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { OpenPgpCard, type OpenPgpCardOptions } from "../../native-bridge/simulator/openpgp-card.js";
import { familyScenarios, s, tries, type Rig } from "../shared/family-scenarios.js";
import { OPENPGP_VARIANTS } from "../shared/variants-openpgp.js";

const READER = "Test Reader";
const RC = "reset-code-1";

let readers: InProcessReaders;
let service: CardService;
let rig: Rig;

beforeEach(() => {
  readers = new InProcessReaders([READER]);
  service = new CardService(readers);
  rig = { service, reader: READER, insert: async (card) => readers.insert(card), remove: async () => readers.remove() };
});
afterEach(() => service.close());

/** A card that logs each APDU's header (codes are masked by the card's log). */
function card(options: OpenPgpCardOptions) {
  const headers: string[] = [];
  const c = new OpenPgpCard({
    ...options,
    apduLog: (line) => {
      if (line.startsWith("> ")) headers.push(line.slice(2, 10));
    },
  });
  readers.insert(c);
  return { card: c, headers };
}

const PIN_INS = new Set(["20", "24", "2C"]);
const pinCommands = (headers: string[]) => headers.filter((h) => PIN_INS.has(h.slice(2, 4)));

describe.each(["sha256", "sha512"] as const)("KDF %s", (hash) => {
  const hashLength = hash === "sha256" ? 32 : 64;

  it("the card reads a raw PIN as wrong, as a real KDF card does (the witness is faithful)", () => {
    const c = new OpenPgpCard({ kdf: hash });
    c.transmit(Buffer.from("00A4040006D27600012401", "hex"));
    const r = c.transmit(Buffer.concat([Buffer.from("0020008106", "hex"), Buffer.from("123456")]));
    expect(r.toString("hex")).toBe("63c2");
    expect(c.pw1.triesLeft).toBe(2);
    expect(c.pw1.value.length).toBe(hashLength);
  });

  it("status shows the codes from 6E alone; F9 is not read without a PIN command", async () => {
    const { headers } = card({ kdf: hash });
    const r = await service.status({ reader: READER });
    expect(r.ok).toBe(true);
    expect(headers.length).toBeLessThanOrEqual(5);
    expect(headers.filter((h) => h === "00CA00F9")).toEqual([]);
    // Nothing but SELECT is sent twice.
    const repeated = headers.filter((h, i) => headers.indexOf(h) !== i && h.slice(2, 4) !== "A4" && h.slice(2, 4) !== "B0");
    expect(repeated).toEqual([]);
    expect(tries(r, "user")).toBe(3);
  });

  it("changes PW1: the card then holds the hash of the new PIN", async () => {
    const { card: c, headers } = card({ kdf: hash });
    const r = await service.changePin("user", s("123456"), s("246810"), { reader: READER });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(c.holds("user", "246810")).toBe(true);
    expect(c.pw1.value.length).toBe(hashLength);
    expect(c.pw1.triesLeft).toBe(3);
    // F9 was read before the CHANGE, in the same session.
    const f9 = headers.lastIndexOf("00CA00F9");
    const change = headers.findIndex((h) => h.startsWith("0024"));
    expect(f9).toBeGreaterThanOrEqual(0);
    expect(f9).toBeLessThan(change);
  });

  it("changes the admin PIN (PW3) under KDF", async () => {
    const { card: c } = card({ kdf: hash });
    const admins = new CardService(readers, { allowChangePuk: true });
    await admins.status({ reader: READER });
    const r = await admins.changePin("admin", s("12345678"), s("80451937"), { reader: READER });
    admins.close();
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(c.holds("admin", "80451937")).toBe(true);
    expect(c.pw3.value.length).toBe(hashLength);
  });

  it("unblocks PW1 with the resetting code (00 2C 00 81), the RC hashed with its own salt", async () => {
    const { card: c, headers } = card({ kdf: hash, resetCode: RC });
    c.pw1.triesLeft = 0;
    const r = await service.unblockPin("user", s(RC), s("246810"), { reader: READER, using: "reset" });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(c.holds("user", "246810")).toBe(true);
    expect(c.pw1.triesLeft).toBe(3);
    expect(c.rc.triesLeft).toBe(3);
    expect(c.pw3.triesLeft).toBe(3);
    expect(pinCommands(headers)).toEqual(["002C0081"]);
  });

  it("unblocks PW1 with the admin PIN (VERIFY 83, then 00 2C 02 81)", async () => {
    const { card: c, headers } = card({ kdf: hash, resetCode: RC });
    c.pw1.triesLeft = 0;
    const r = await service.unblockPin("user", s("12345678"), s("246810"), { reader: READER, using: "admin" });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(c.holds("user", "246810")).toBe(true);
    expect(c.rc.triesLeft).toBe(3);
    expect(pinCommands(headers)).toEqual(["00200083", "002C0281"]);
  });

  it("counts each wrong code down on its own counter, and names it", async () => {
    const { card: c } = card({ kdf: hash, resetCode: RC });
    const reader = READER;

    const pin = await service.changePin("user", s("999999"), s("246810"), { reader });
    expect(!pin.ok && pin.error).toMatchObject({ code: "PIN_WRONG", triesLeft: 2 });
    expect([c.pw1.triesLeft, c.rc.triesLeft, c.pw3.triesLeft]).toEqual([2, 3, 3]);

    const rc = await service.unblockPin("user", s("wrong-code-1"), s("246810"), { reader, using: "reset" });
    expect(!rc.ok && rc.error).toMatchObject({ code: "RESET_CODE_WRONG", triesLeft: 2 });
    expect([c.pw1.triesLeft, c.rc.triesLeft, c.pw3.triesLeft]).toEqual([2, 2, 3]);

    const admin = await service.unblockPin("user", s("87654321"), s("246810"), { reader, using: "admin" });
    expect(!admin.ok && admin.error).toMatchObject({ code: "ADMIN_PIN_WRONG", triesLeft: 2 });
    expect([c.pw1.triesLeft, c.rc.triesLeft, c.pw3.triesLeft]).toEqual([2, 2, 2]);

    for (const left of [1, 0]) {
      const r = await service.unblockPin("user", s("wrong-code-1"), s("246810"), { reader, using: "reset" });
      expect(!r.ok && r.error.code).toBe(left ? "RESET_CODE_WRONG" : "RESET_CODE_BLOCKED");
    }
    expect(c.rc.triesLeft).toBe(0);
    const right = await service.unblockPin("user", s(RC), s("246810"), { reader, using: "reset" });
    expect(!right.ok && right.error.code).toBe("RESET_CODE_BLOCKED");
    expect(c.holds("user", "123456")).toBe(true);
  });
});

describe("KDF-DO Pinwarden does not know", () => {
  const salt = Buffer.from("0102030405060708", "hex");
  const count = Buffer.from("00000400", "hex");
  const cases: [string, Buffer][] = [
    ["algorithm 04", Buffer.concat([tlv(0x81, Buffer.from([0x04])), tlv(0x84, salt)])],
    ["hash 09", Buffer.concat([tlv(0x81, Buffer.from([0x03])), tlv(0x82, Buffer.from([0x09])), tlv(0x83, count), tlv(0x84, salt)])],
  ];
  it.each(cases)("%s: CARD_KDF_UNSUPPORTED, no PIN command sent, no counter touched", async (_name, kdfDo) => {
    const { card: c, headers } = card({ kdfDo, resetCode: RC });
    const change = await service.changePin("user", s("123456"), s("246810"), { reader: READER });
    expect(!change.ok && change.error.code).toBe("CARD_KDF_UNSUPPORTED");
    const viaRc = await service.unblockPin("user", s(RC), s("246810"), { reader: READER, using: "reset" });
    expect(!viaRc.ok && viaRc.error.code).toBe("CARD_KDF_UNSUPPORTED");
    const viaAdmin = await service.unblockPin("user", s("12345678"), s("246810"), { reader: READER, using: "admin" });
    expect(!viaAdmin.ok && viaAdmin.error.code).toBe("CARD_KDF_UNSUPPORTED");
    expect(pinCommands(headers)).toEqual([]);
    expect([c.pw1.triesLeft, c.rc.triesLeft, c.pw3.triesLeft]).toEqual([3, 3, 3]);
  });
});

describe("F9 parsing and the S2K", () => {
  it("reads KDF none (81 01 00) and an absent algorithm as no KDF", () => {
    expect(parseKdf(tlv(0x81, Buffer.from([0x00])))).toBeNull();
    expect(parseKdf(Buffer.alloc(0))).toBeNull();
  });

  it("the virtual card's F9 has GnuPG's fixed layout: 110 bytes (three salts) or 90 (one)", () => {
    expect(new OpenPgpCard({ kdf: "sha256" }).kdfDo?.length).toBe(110);
    expect(new OpenPgpCard({ kdf: "sha256", kdfSingleSalt: true }).kdfDo?.length).toBe(90);
    const kdf = parseKdf(new OpenPgpCard({ kdf: "sha256", kdfSingleSalt: true }).kdfDo!)!;
    expect(kdf.salts.reset).toBeUndefined();
    expect(kdf).toMatchObject({ hash: "sha256", count: 0x780000 });
  });

  it("hashes salt‖code repeated to `count` bytes, once (RFC 4880 §3.7.1.3)", () => {
    const salt = Buffer.from("a1b2c3d4e5f60718", "hex");
    const code = Buffer.from("123456");
    // 14-byte unit, count 100: 7 whole copies and 2 bytes of the next.
    const unit = Buffer.concat([salt, code]);
    const expected = createHash("sha256")
      .update(Buffer.concat([...Array<Buffer>(7).fill(unit), unit.subarray(0, 2)]))
      .digest();
    expect(s2kItersalted("sha256", salt, code, 100).equals(expected)).toBe(true);
    // A count below one copy still hashes the whole of salt‖code (libgcrypt does).
    expect(s2kItersalted("sha512", salt, code, 4).equals(createHash("sha512").update(unit).digest())).toBe(true);
  });
});

describe("detection", () => {
  it("reads 6E wrapped in its tag (YubiKeys) as well as bare", async () => {
    const { card: c, headers } = card({ kdf: "sha256", wrapAppData: true });
    const r = await service.status({ reader: READER });
    expect(r.ok && r.value.card.serial).toBe("00004242");
    expect(headers).toEqual(["00A40400", "00CA006E"]);
    const change = await service.changePin("user", s("123456"), s("246810"), { reader: READER });
    expect(change.ok, JSON.stringify(change)).toBe(true);
    expect(c.holds("user", "246810")).toBe(true);
  });

  it("falls back to 4F, C4 and C0 where 6E cannot be read, and still finds the KDF-DO", async () => {
    const { card: c } = card({ kdf: "sha256" });
    // APDU 1 is the SELECT, 2 the GET DATA 6E (the ATR's row names OpenPGP only).
    c.setFaults([{ at: 2, kind: "sw", value: 0x6a88 }]);
    const r = await service.status({ reader: READER });
    expect(r.ok && r.value.card.serial, JSON.stringify(r)).toBe("00004242");
    expect(tries(r, "admin")).toBe(3);
    const change = await service.changePin("user", s("123456"), s("246810"), { reader: READER });
    expect(change.ok, JSON.stringify(change)).toBe(true);
    expect(c.holds("user", "246810")).toBe(true);
  });
});

describe("the resetting code and older cards' answers", () => {
  it("offers the resetting code only where one is set; an unset one is refused by the card, nothing counted", async () => {
    const { card: unset } = card({});
    const none = await service.status({ reader: READER });
    expect(none.ok && none.value.codes.find((c) => c.id === "user")).toMatchObject({ unblockedBy: "admin" });
    expect(none.ok && none.value.codes.find((c) => c.id === "user")?.alsoUnblockedBy).toBeUndefined();
    const r = await service.unblockPin("user", s(RC), s("246810"), { reader: READER, using: "reset" });
    // C4 reads 0 for a resetting code never set; the card answers 6983, as for a blocked one.
    expect(!r.ok && r.error.code).toBe("RESET_CODE_BLOCKED");
    expect([unset.pw1.triesLeft, unset.rc.triesLeft, unset.pw3.triesLeft]).toEqual([3, 0, 3]);
    expect(unset.holds("user", "123456")).toBe(true);

    readers.remove();
    card({ resetCode: RC });
    const set = await service.status({ reader: READER });
    expect(set.ok && set.value.codes.find((c) => c.id === "user")?.alsoUnblockedBy).toEqual(["reset"]);
  });

  it("never calls an OpenPGP code a PUK", async () => {
    card({ resetCode: RC });
    const r = await service.status({ reader: READER });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    for (const c of r.value.codes) expect(c.label).not.toMatch(/puk/i);
    expect(r.value.codes.map((c) => c.kind).sort()).toEqual(["admin", "pin", "reset"]);
  });

  it("reads 6985 to a wrong PIN on CHANGE (older YubiKeys) as a wrong PIN, with the count from C4", async () => {
    const { card: c } = card({ wrongSw6985OnChange: true });
    const r = await service.changePin("user", s("999999"), s("246810"), { reader: READER });
    expect(!r.ok && r.error).toMatchObject({ code: "PIN_WRONG", triesLeft: 2 });
    expect(c.pw1.triesLeft).toBe(2);
  });

  it("reads 6982 to a wrong admin PIN as a wrong admin PIN, with the count from C4", async () => {
    const { card: c } = card({ wrongSw6982: true });
    const r = await service.unblockPin("user", s("87654321"), s("246810"), { reader: READER, using: "admin" });
    expect(!r.ok && r.error).toMatchObject({ code: "ADMIN_PIN_WRONG", triesLeft: 2 });
    expect(c.pw3.triesLeft).toBe(2);
  });

  it("maps 6700 to a PIN command (SmartPGP, raw PIN under KDF) to its own error, not a wrong PIN", async () => {
    // A card whose C0 does not announce its KDF-DO: Pinwarden cannot know, sends the PIN
    // as typed, and the card (SmartPGP-like) refuses its size with 6700, counting nothing.
    const { card: c } = card({ kdf: "sha256", rawPin6700: true });
    await service.status({ reader: READER });
    // Make Pinwarden believe no KDF: answer F9 as "not found" once, by a fault on that APDU.
    c.setFaults([{ at: c.apduCount + 2, kind: "sw", value: 0x6a88 }]);
    const r = await service.changePin("user", s("123456"), s("246810"), { reader: READER });
    expect(!r.ok && r.error.code).toBe("CARD_CODE_FORMAT");
    expect(c.pw1.triesLeft).toBe(3);
    expect(c.holds("user", "123456")).toBe(true);
  });
});

// The shared family scenarios on each OpenPGP variant, in-process.
for (const facts of OPENPGP_VARIANTS) familyScenarios(facts, () => rig);
