/**
 * OpenPGP card 3.4. PW1 (user PIN), PW3 (admin PIN) and the resetting code.
 *
 * Detection reads the Application Related Data (DO 6E, OpenPGP card spec 3.4 §4.4.3.1)
 * once: it carries the AID (4F, with the serial), the extended capabilities (73/C0,
 * whose first byte says whether the card has a KDF-DO) and the PW status bytes (73/C4,
 * the three counters). A cold status is SELECT + GET DATA 6E. Counters come from C4,
 * so reading them never touches a PIN.
 *
 * KDF (DO F9, spec §4.3.2): when set, the card stores an iterated and salted S2K hash
 * (RFC 4880 §3.7.1.3) of each code and compares what it receives against that hash. A
 * raw PIN then reads as wrong. So before every VERIFY, CHANGE REFERENCE DATA and RESET
 * RETRY COUNTER, F9 is read (where C0 says the card has one) and every code is hashed
 * with its own salt, as GnuPG (scd/app-openpgp.c pin2hash_if_kdf) and yubikey-manager
 * (yubikit/openpgp.py KdfIterSaltedS2k) do. An algorithm Pinwarden does not know is
 * refused before any PIN command.
 *
 * PW1 is changed through reference 81 (not 82). It is unblocked either with the
 * resetting code (`00 2C 00 81`, RC‖new PW1) or with the admin PIN (VERIFY PW3, then
 * `00 2C 02 81`, new PW1): the person chooses. Some cards answer 6982, and older
 * YubiKeys 6985 on CHANGE (yubikit/openpgp.py), to a wrong PIN instead of 63Cx: the
 * count is then read back from C4. There is no "PUK" on an OpenPGP card.
 */
import { createHash } from "node:crypto";
import { getData, selectAid } from "../apdu/command.js";
import type { Status } from "../apdu/status.js";
import { swHex } from "../apdu/status.js";
import { findTlv, parseTlvs, ParseError, type Tlv } from "../apdu/tlv.js";
import type { ApduChannel } from "../pcsc/channel.js";
import { wipe } from "../core/bytes.js";
import { PinwardenError } from "../core/errors.js";
import type { Secret } from "../core/secret.js";
import { sendWithCodes } from "./iso.js";
import {
  codeById,
  failWith,
  type CardContext,
  type CardLayout,
  type CardProfile,
  type CardSession,
  type CodeInfo,
  type TriesMap,
} from "./profile.js";

export const OPENPGP_AID = Buffer.from("D27600012401", "hex");
/** VERIFY of PW1 for everything but signing (spec 3.4 §7.2.2, P2 82). */
const VERIFY_PW1 = 0x82;

export type PwId = "user" | "reset" | "admin";

export interface OpenPgpLayout extends CardLayout {
  family: "openpgp";
  /**
   * The card has a KDF-DO (F9): extended capabilities (C0) first byte, bit 0x01, on a
   * version 3 card (spec 3.4 §4.4.3.7; GnuPG reads it the same way, only from v3 on).
   * When true, F9 is read before every PIN command.
   */
  kdfSupported: boolean;
}

export interface PwStatus {
  pw1ValidForSeveral: boolean;
  maxLength: { user: number; reset: number; admin: number };
  triesLeft: { user: number; reset: number; admin: number };
}

/** Parses DO C4 (PW status bytes): 7 bytes, or inside a C4 TLV. */
export function parsePwStatus(data: Buffer): PwStatus | undefined {
  const b = data.length >= 9 && data[0] === 0xc4 ? data.subarray(2) : data;
  if (b.length < 7) return undefined;
  return {
    pw1ValidForSeveral: b[0] !== 0,
    maxLength: { user: b[1]!, reset: b[2]!, admin: b[3]! },
    triesLeft: { user: b[4]!, reset: b[5]!, admin: b[6]! },
  };
}

// --- KDF (DO F9) --------------------------------------------------------------

/** KDF-itersalted-S2K as DO F9 describes it (spec 3.4 §4.3.2). */
export interface KdfItersalted {
  hash: "sha256" | "sha512";
  /** Bytes fed to the hash (RFC 4880 §3.7.1.3 "count"), from tag 83 (4 bytes). */
  count: number;
  /** Tag 84 (PW1), 85 (resetting code), 86 (PW3); 85 and 86 may be absent. */
  salts: { user: Buffer; reset?: Buffer; admin?: Buffer };
}

/** F9's hash algorithm byte (tag 82): OpenPGP hash algorithm ids (RFC 4880 §9.4). */
const KDF_HASHES: Record<number, KdfItersalted["hash"]> = { 0x08: "sha256", 0x0a: "sha512" };

/**
 * Reads F9's content: null = no KDF (absent, or KDF algorithm 00 "none"). Throws
 * CARD_KDF_UNSUPPORTED for an algorithm (tag 81) or hash (tag 82) Pinwarden does not
 * know, and CARD_ERROR for a malformed object, so no PIN is sent in a form the card
 * would read as wrong.
 */
export function parseKdf(data: Buffer): KdfItersalted | null {
  let tlvs: Tlv[];
  try {
    tlvs = parseTlvs(data);
    // Cards answer F9's content (GnuPG reads byte 2 as the algorithm); tolerate a wrapper.
    if (tlvs.length === 1 && tlvs[0]!.tag === 0xf9) tlvs = parseTlvs(tlvs[0]!.value);
  } catch (error) {
    if (error instanceof ParseError) throw new PinwardenError("CARD_ERROR", { technical: "F9 not TLV" });
    throw error;
  }
  const field = (tag: number) => tlvs.find((t) => t.tag === tag)?.value;
  const algorithm = field(0x81);
  if (!algorithm || algorithm.length === 0 || (algorithm.length === 1 && algorithm[0] === 0x00)) return null;
  if (algorithm.length !== 1 || algorithm[0] !== 0x03) {
    throw new PinwardenError("CARD_KDF_UNSUPPORTED", { technical: `F9 81 ${algorithm.toString("hex").toUpperCase()}` });
  }
  const hashId = field(0x82);
  const hash = hashId?.length === 1 ? KDF_HASHES[hashId[0]!] : undefined;
  if (!hash) throw new PinwardenError("CARD_KDF_UNSUPPORTED", { technical: `F9 82 ${hashId?.toString("hex").toUpperCase() ?? "absent"}` });
  const count = field(0x83);
  const user = field(0x84);
  if (count?.length !== 4 || !user || user.length === 0)
    throw new PinwardenError("CARD_ERROR", { technical: "F9 without count or PW1 salt" });
  const reset = field(0x85);
  const admin = field(0x86);
  return {
    hash,
    count: count.readUInt32BE(0),
    salts: {
      user: Buffer.from(user),
      ...(reset?.length ? { reset: Buffer.from(reset) } : {}),
      ...(admin?.length ? { admin: Buffer.from(admin) } : {}),
    },
  };
}

/**
 * The salt for a code. Where F9 has only PW1's salt (GnuPG's 90-byte form), GnuPG uses
 * it for all three codes (app-openpgp.c: salt_index 14 unless the object is 110 bytes)
 * and yubikit likewise falls back to salt_user: so does Pinwarden.
 */
function saltFor(kdf: KdfItersalted, id: PwId): Buffer {
  return (id === "user" ? kdf.salts.user : kdf.salts[id]) ?? kdf.salts.user;
}

/**
 * RFC 4880 §3.7.1.3 iterated and salted S2K: salt‖code repeated to `count` bytes (at
 * least once in full, as libgcrypt does) and hashed once. Every buffer that held the
 * code is zero-filled; the caller wipes the result.
 */
export function s2kItersalted(hash: KdfItersalted["hash"], salt: Buffer, code: Buffer, count: number): Buffer {
  const unit = Buffer.concat([salt, code]);
  const total = Math.max(count, unit.length);
  // Feed a block of whole units at a time: one update per byte-group, not per unit.
  const perBlock = Math.max(1, Math.floor(65536 / unit.length));
  const block = Buffer.alloc(unit.length * perBlock);
  for (let i = 0; i < perBlock; i++) unit.copy(block, i * unit.length);
  try {
    const h = createHash(hash);
    let left = total;
    while (left >= block.length) {
      h.update(block);
      left -= block.length;
    }
    h.update(block.subarray(0, left));
    return h.digest();
  } finally {
    wipe(unit, block);
  }
}

/**
 * What differs from the ISO default: a code goes as typed, never padded (spec 3.4 §7.2.2),
 * or as its KDF hash where F9 says so. A fresh buffer: wipe it.
 */
function wireForm(kdf: KdfItersalted | null, id: PwId, code: Buffer): Buffer {
  return kdf ? s2kItersalted(kdf.hash, saltFor(kdf, id), code, kdf.count) : Buffer.from(code);
}

/** `secret` encoded for the wire as code `id`, later: for sendWithCodes. */
const wired = (kdf: KdfItersalted | null, id: PwId, secret: Secret) => () => wireForm(kdf, id, secret.bytes());

/** A refusal of a command carrying `code` (failPinCommand), for sendWithCodes. */
const failureOf = (channel: ApduChannel, code: CodeInfo) => ({
  blame: code,
  fail: (r: { status: Status; sw: number }) => failPinCommand(channel, code, r.status, r.sw),
});

/**
 * F9 as the card holds it now, read just before a PIN command (another program may have
 * switched KDF on since detection: GnuPG's kdf-setup). Cards without a KDF-DO: null.
 */
async function readKdf(channel: ApduChannel, layout: OpenPgpLayout): Promise<KdfItersalted | null> {
  if (!layout.kdfSupported) return null;
  const r = await channel.send(getData(0x00f9));
  // 6A88 / 6A82: the card has no KDF object set, so PINs go as typed.
  if (r.status.kind === "notFound" || r.status.kind === "fileNotFound") return null;
  if (r.status.kind !== "ok") throw new PinwardenError("CARD_ERROR", { technical: `F9 ${swHex(r.sw)}` });
  return parseKdf(r.data);
}

// --- counters and failures ----------------------------------------------------

async function readPwStatus(channel: ApduChannel): Promise<PwStatus> {
  const r = await channel.send(getData(0xc4));
  const pw = r.status.kind === "ok" ? parsePwStatus(r.data) : undefined;
  if (!pw) throw new PinwardenError("CARD_ERROR", { technical: `C4 ${swHex(r.sw)}` });
  return pw;
}

/**
 * Throws the error for a failed VERIFY / CHANGE / RESET(RC) of `code`. 6982 (some cards)
 * and 6985 (older YubiKeys on CHANGE, yubikit/openpgp.py) answer a wrong code without a
 * count: it is read back from C4. 6700 to a code is a format the card did not take
 * (SmartPGP answers it to a raw PIN when KDF is on): its own error, not a wrong PIN.
 */
async function failPinCommand(channel: ApduChannel, code: CodeInfo, status: Status, sw: number): Promise<never> {
  if (status.kind === "securityStatus" || status.kind === "conditions") {
    const pw = await readPwStatus(channel);
    failWith(code, { kind: "wrongCode", triesLeft: pw.triesLeft[code.id as PwId] }, sw);
  }
  if (status.kind === "wrongLength") throw new PinwardenError("CARD_CODE_FORMAT", { codeId: code.id, technical: swHex(sw) });
  failWith(code, status, sw);
}

// --- layout -------------------------------------------------------------------

function code(id: PwId, maxLength: number, resetUsable: boolean): CodeInfo {
  // DO C4 gives tries left, not the limit (3 by default, but a card can be set to more):
  // the limit is not stated.
  const common = { maxLength, numeric: false, charset: "any" as const, maxTries: null };
  if (id === "user") {
    return {
      id,
      label: "PW1 (user PIN)",
      kind: "pin",
      reference: 0x81,
      minLength: 6,
      // The admin PIN always can (spec 3.4 §7.2.7, P1 = 02); the resetting code only
      // where one is set, i.e. its counter was above 0 when the card was read.
      unblockedBy: "admin",
      ...(resetUsable ? { alsoUnblockedBy: ["reset"] } : {}),
      canChange: true,
      canUnblock: true,
      // VERIFY 82 (spec 3.4 §7.2.2): GnuPG checks PW1 so (scd/app-openpgp.c do_check_pin →
      // verify_chv2); PW1's one counter serves 81 and 82.
      verifiable: true,
      ...common,
    };
  }
  if (id === "admin") {
    // VERIFY 83 (spec 3.4 §7.2.2): GnuPG's verify_chv3, yubikit openpgp.py verify_admin.
    return {
      id,
      label: "PW3 (admin PIN)",
      kind: "admin",
      reference: 0x83,
      minLength: 8,
      canChange: true,
      canUnblock: false,
      verifiable: true,
      ...common,
    };
  }
  // The resetting code is set with PUT DATA D3 after PW3, not changed: offer no change.
  return { id, label: "Resetting code", kind: "reset", reference: 0x81, minLength: 8, canChange: false, canUnblock: false, ...common };
}

function layoutOf(pw: PwStatus, kdfSupported: boolean, serial: string | undefined): OpenPgpLayout {
  const resetUsable = pw.triesLeft.reset > 0;
  const layout: OpenPgpLayout = {
    family: "openpgp",
    kdfSupported,
    codes: [
      code("user", pw.maxLength.user, resetUsable),
      code("admin", pw.maxLength.admin, false),
      code("reset", pw.maxLength.reset, false),
    ],
  };
  if (serial) layout.serial = serial;
  return layout;
}

/** AID: D2 76 00 01 24 01 | version(2) | manufacturer(2) | serial(4) | RFU(2). */
function serialOf(aid: Buffer | undefined): string | undefined {
  return aid && aid.length >= 14 ? aid.subarray(10, 14).toString("hex").toUpperCase() : undefined;
}

/** KDF-DO present: C0 byte 1 bit 0x01, on version 3 and later (AID byte 6 = major). */
function kdfBit(aid: Buffer | undefined, extCaps: Buffer | undefined): boolean {
  return !!aid && aid.length >= 8 && aid[6]! >= 3 && !!extCaps && extCaps.length > 0 && (extCaps[0]! & 0x01) !== 0;
}

function triesOf(pw: PwStatus, layout: CardLayout, ids?: readonly string[]): TriesMap {
  const wanted = ids ? layout.codes.filter((c) => ids.includes(c.id)) : layout.codes;
  return new Map(wanted.map((c) => [c.id, pw.triesLeft[c.id as PwId]]));
}

/** The parts of DO 6E that detection needs; undefined where 6E cannot be parsed. */
function parseAppData(data: Buffer): { aid?: Buffer; extCaps?: Buffer; pw?: PwStatus } | undefined {
  try {
    let tlvs = parseTlvs(data);
    if (tlvs.length === 1 && tlvs[0]!.tag === 0x6e && tlvs[0]!.constructed) tlvs = parseTlvs(tlvs[0]!.value);
    const value = (tag: number) => findTlv(tlvs, tag)?.value;
    const c4 = value(0xc4);
    const pw = c4 ? parsePwStatus(c4) : undefined;
    const aid = value(0x4f);
    const extCaps = value(0xc0);
    return { ...(aid ? { aid } : {}), ...(extCaps ? { extCaps } : {}), ...(pw ? { pw } : {}) };
  } catch (error) {
    if (error instanceof ParseError) return undefined;
    throw error;
  }
}

/** The OpenPGP application of one card: its layout (KDF-DO present) and its PIN commands. */
export class OpenPgpSession implements CardSession<OpenPgpLayout> {
  constructor(readonly layout: OpenPgpLayout) {}

  async select(channel: ApduChannel) {
    return (await channel.send(selectAid(OPENPGP_AID))).status.kind === "ok";
  }

  async readTries(channel: ApduChannel, _card: CardContext, ids?: readonly string[]) {
    return triesOf(await readPwStatus(channel), this.layout, ids);
  }

  async change(channel: ApduChannel, c: CodeInfo, current: Secret, next: Secret) {
    const kdf = await readKdf(channel, this.layout);
    const id = c.id as PwId;
    await sendWithCodes(
      channel,
      { operation: "change", reference: c.reference },
      [wired(kdf, id, current), wired(kdf, id, next)],
      failureOf(channel, c),
    );
  }

  async verify(channel: ApduChannel, c: CodeInfo, current: Secret) {
    if (c.id !== "user" && c.id !== "admin") throw new PinwardenError("OPERATION_NOT_ALLOWED", { codeId: c.id });
    const kdf = await readKdf(channel, this.layout);
    // PW1 through 82 (it is changed through 81; one counter for both), PW3 through 83.
    const reference = c.id === "user" ? VERIFY_PW1 : c.reference;
    await sendWithCodes(channel, { operation: "verify", reference }, [wired(kdf, c.id, current)], failureOf(channel, c));
  }

  async unblock(channel: ApduChannel, pin: CodeInfo, unblocker: CodeInfo, puk: Secret, next: Secret) {
    const kdf = await readKdf(channel, this.layout);
    if (unblocker.id === "reset") {
      // RESET RETRY COUNTER, P1 = 00: resetting code ‖ new PW1 (spec 3.4 §7.2.7).
      await sendWithCodes(
        channel,
        { operation: "unblock", reference: pin.reference, p1: 0x00 },
        [wired(kdf, "reset", puk), wired(kdf, "user", next)],
        failureOf(channel, unblocker),
      );
      return;
    }
    if (unblocker.id !== "admin") throw new PinwardenError("OPERATION_NOT_ALLOWED", { codeId: pin.id });
    // With PW3: VERIFY PW3, then RESET RETRY COUNTER with P1 = 02 and only the new PW1.
    const admin = codeById(this.layout, "admin")!;
    await sendWithCodes(
      channel,
      { operation: "verify", reference: admin.reference },
      [wired(kdf, "admin", puk)],
      failureOf(channel, admin),
    );
    await sendWithCodes(channel, { operation: "unblock", reference: pin.reference, p1: 0x02 }, [wired(kdf, "user", next)], {
      blame: pin,
      fail: async (r) => {
        if (r.status.kind === "wrongLength") throw new PinwardenError("CARD_CODE_FORMAT", { codeId: pin.id, technical: swHex(r.sw) });
        failWith(pin, r.status, r.sw);
      },
    });
  }
}

export const openpgpProfile: CardProfile<OpenPgpLayout> = {
  family: "openpgp",

  async detect(channel) {
    const sel = await channel.send(selectAid(OPENPGP_AID));
    if (sel.status.kind !== "ok") return null;
    // One GET DATA of 6E holds the AID, C0 and C4 (spec 3.4 §4.4.3.1).
    const app = await channel.send(getData(0x006e));
    const parsed = app.status.kind === "ok" ? parseAppData(app.data) : undefined;
    let { aid, extCaps, pw } = parsed ?? {};
    // Cards whose 6E lacks a part (or cannot be read): the single DOs, as before.
    if (!aid) {
      const r = await channel.send(getData(0x004f));
      if (r.status.kind === "ok") aid = r.data;
    }
    pw ??= await readPwStatus(channel);
    if (!extCaps && aid && aid.length >= 8 && aid[6]! >= 3) {
      const r = await channel.send(getData(0x00c0));
      if (r.status.kind === "ok") extCaps = r.data;
    }
    const layout = layoutOf(pw, kdfBit(aid, extCaps), serialOf(aid));
    return { session: new OpenPgpSession(layout), tries: triesOf(pw, layout) };
  },
};
