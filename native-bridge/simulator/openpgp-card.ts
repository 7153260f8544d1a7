/**
 * A virtual OpenPGP card (v3.4 subset): PW1, PW3 and the resetting code with their
 * counters in DO C4, the data objects `gpg --card-status` and OpenSC's openpgp driver
 * read, and options for behaviours real cards show:
 * - `wrongSw6982`: a wrong PIN answered 6982 rather than 63Cx (some older cards).
 * - `wrongSw6985OnChange`: a wrong current PIN on CHANGE REFERENCE DATA answered 6985
 *   (older YubiKeys, as yubikey-manager yubikit/openpgp.py handles it).
 * - `kdf`: a KDF-DO (F9, OpenPGP card spec 3.4 §4.3.2) with KDF-itersalted-S2K. The card
 *   then stores the HASH of each code and compares what it receives against it, so a
 *   raw PIN reads as a wrong PIN and counts down, exactly as on a real card (CARDS.md,
 *   "OpenPGP KDF"). `kdf: "off"` is a card that has a KDF-DO with algorithm 00 (none).
 * - `kdfDo`: F9 stored verbatim (e.g. an algorithm Pinwarden does not know).
 * - `rawPin6700`: under KDF, a code whose length is not the hash's answers 6700 and
 *   counts nothing (SmartPGP does that to a raw PIN when KDF is on).
 */
import { createHash } from "node:crypto";
import { INS, type ParsedCommand } from "../apdu/command.js";
import { parseTlvs, tlv } from "../apdu/tlv.js";
import { wipe } from "../core/bytes.js";
import { DEFAULT_CERT_DAYS, ResponseChain, testCertificates, type TestCertificate } from "../certs/test-ca.js";
import { PinSlot, SW, VirtualCard, wrongCodeSw, type CardResponse, type VirtualCardOptions } from "./virtual-card.js";

export type OpenPgpKdf = "sha256" | "sha512" | "off";

export interface OpenPgpCardOptions extends VirtualCardOptions {
  pin?: string | undefined;
  adminPin?: string | undefined;
  /** Resetting code; unset (counter 0) unless given. */
  resetCode?: string | undefined;
  /** Answer a wrong PIN with 6982 rather than 63Cx (some older cards). */
  wrongSw6982?: boolean;
  /** Answer a wrong current PIN on CHANGE REFERENCE DATA with 6985 (older YubiKeys). */
  wrongSw6985OnChange?: boolean;
  /** A KDF-DO with KDF-itersalted-S2K on this hash, or present and set to "none". */
  kdf?: OpenPgpKdf | undefined;
  /** S2K count (bytes hashed) for `kdf`; yubikit's default is 0x780000. */
  kdfCount?: number;
  /** F9 with PW1's salt only (GnuPG's 90-byte form), not three salts (110 bytes). */
  kdfSingleSalt?: boolean;
  /** Store this F9 content as it is (and advertise a KDF-DO): for unknown algorithms. */
  kdfDo?: Buffer;
  /** Under KDF, answer 6700 to a code that is not hash-sized (SmartPGP), not 63Cx. */
  rawPin6700?: boolean;
  /**
   * Answer GET DATA 6E with its own tag around it, as YubiKeys do (yubikit openpgp.py
   * ApplicationRelatedData.parse unpacks tag 6E); the default answers the content only.
   */
  wrapAppData?: boolean;
  serial?: number;
  /** The cardholder certificate (7F21) expires at the end of the UTC day this many days from now. */
  certDays?: number | undefined;
}

/** The cardholder certificate (DO 7F21, first occurrence: the authentication key's). */
const CARDHOLDER_CERTIFICATE = {
  commonName: "Test Testsson (OpenPGP)",
  keyUsage: "critical, digitalSignature",
  extendedKeyUsage: "clientAuth",
} as const;

const AID_PREFIX = Buffer.from("D27600012401", "hex");
const MAX_LEN = 0x7f;
const INS_PUT_DATA = 0xda;
/** ATR of an OpenPGP card 3.x (as listed in the GnuPG and OpenSC ATR tables). */
const OPENPGP_ATR = Buffer.from("3BDA18FF81B1FE751F030031C573C001400090000C", "hex");
/** Factory PINs (spec 3.4 §4.3; GnuPG g10/card-util.c gen_kdf_data hashes these as 87/88). */
const DEFAULT_PW1 = "123456";
const DEFAULT_PW3 = "12345678";

/** F9's hash byte (tag 82): OpenPGP hash algorithm ids, RFC 4880 §9.4. */
const HASH_IDS = { sha256: 0x08, sha512: 0x0a } as const;
const HASH_LENGTH = { sha256: 32, sha512: 64 } as const;

type Which = "user" | "reset" | "admin";

interface CardKdf {
  hash: "sha256" | "sha512";
  count: number;
  salts: Record<Which, Buffer>;
  /** The F9 content the card answers GET DATA with. */
  encoded: Buffer;
}

/**
 * RFC 4880 §3.7.1.3, written out plainly for the card: salt‖code, repeated until
 * `count` bytes (at least one whole copy) have been hashed. Independent of the profile's
 * own implementation on purpose: the card is a witness, and GnuPG is the judge of both.
 */
function s2k(hash: CardKdf["hash"], salt: Buffer, code: Buffer, count: number): Buffer {
  const unit = Buffer.concat([salt, code]);
  const all = Buffer.alloc(Math.max(count, unit.length));
  unit.copy(all, 0);
  for (let filled = unit.length; filled < all.length; filled *= 2) all.copy(all, filled, 0, filled);
  const digest = createHash(hash).update(all).digest();
  wipe(all, unit);
  return digest;
}

/** Deterministic per-card salts: a test card, not a secret (real cards use random ones). */
function saltOf(serial: number, which: Which): Buffer {
  return createHash("sha256").update(`pinwarden-openpgp-${serial}-${which}`).digest().subarray(0, 8);
}

function encodeKdf(hash: CardKdf["hash"], count: number, salts: Record<Which, Buffer>, single: boolean): Buffer {
  const countBytes = Buffer.alloc(4);
  countBytes.writeUInt32BE(count);
  // Layout as spec 3.4 §4.3.2 and GnuPG's gen_kdf_data write it (90 or 110 bytes for
  // SHA-256): 81 algorithm, 82 hash, 83 count, 84 salt PW1, [85 salt RC, 86 salt PW3],
  // 87 initial hash of PW1, 88 initial hash of PW3.
  const initialUser = s2k(hash, salts.user, Buffer.from(DEFAULT_PW1), count);
  const initialAdmin = s2k(hash, single ? salts.user : salts.admin, Buffer.from(DEFAULT_PW3), count);
  return Buffer.concat([
    tlv(0x81, Buffer.from([0x03])),
    tlv(0x82, Buffer.from([HASH_IDS[hash]])),
    tlv(0x83, countBytes),
    tlv(0x84, salts.user),
    ...(single ? [] : [tlv(0x85, salts.reset), tlv(0x86, salts.admin)]),
    tlv(0x87, initialUser),
    tlv(0x88, initialAdmin),
  ]);
}

/** F9's fields by tag; undefined when the content is not TLV. */
function kdfFields(content: Buffer): Map<number, Buffer> | undefined {
  try {
    return new Map(parseTlvs(content).map((t) => [t.tag, t.value]));
  } catch {
    return undefined;
  }
}

/** Reads F9 content as the card must to enforce it; undefined = KDF none or unknown. */
function decodeKdf(content: Buffer, fields = kdfFields(content)): CardKdf | undefined {
  if (!fields) return undefined;
  if (fields.get(0x81)?.[0] !== 0x03) return undefined;
  const hashByte = fields.get(0x82)?.[0];
  const hash = hashByte === 0x08 ? "sha256" : hashByte === 0x0a ? "sha512" : undefined;
  const count = fields.get(0x83);
  const user = fields.get(0x84);
  if (!hash || count?.length !== 4 || !user) return undefined;
  return {
    hash,
    count: count.readUInt32BE(0),
    salts: { user, reset: fields.get(0x85) ?? user, admin: fields.get(0x86) ?? user },
    encoded: Buffer.from(content),
  };
}

export class OpenPgpCard extends VirtualCard {
  readonly family = "openpgp";
  readonly atr = OPENPGP_ATR;
  pw1: PinSlot;
  pw3: PinSlot;
  rc: PinSlot;
  readonly #wrong6982: boolean;
  readonly #wrong6985OnChange: boolean;
  readonly #raw6700: boolean;
  readonly #wrapAppData: boolean;
  readonly #aid: Buffer;
  /** The card has a KDF-DO at all (C0 bit): with `kdf` or `kdfDo`. */
  readonly #kdfDoSupported: boolean;
  /** F9's content as stored (may be an algorithm this card cannot apply). */
  #kdfDo: Buffer | undefined;
  /** The KDF the card enforces, decoded from F9; undefined = codes compared as sent. */
  #kdf: CardKdf | undefined;
  #selected = false;
  readonly #certDays: number;
  readonly #chain = new ResponseChain();
  /** PW1 verified for P2 81 (signing) and P2 82 (other), separately. */
  #pw1Other = false;

  constructor(options: OpenPgpCardOptions = {}) {
    super(options);
    this.#wrong6982 = options.wrongSw6982 ?? false;
    this.#wrong6985OnChange = options.wrongSw6985OnChange ?? false;
    this.#raw6700 = options.rawPin6700 ?? false;
    this.#wrapAppData = options.wrapAppData ?? false;
    this.#certDays = options.certDays ?? DEFAULT_CERT_DAYS;
    const serialNo = options.serial ?? 0x00004242;
    const serial = Buffer.alloc(4);
    serial.writeUInt32BE(serialNo);
    // RID+PIX | version 3.4 | manufacturer FFFE (test card range) | serial | RFU
    this.#aid = Buffer.concat([AID_PREFIX, Buffer.from([3, 4, 0xff, 0xfe]), serial, Buffer.from([0, 0])]);

    this.#kdfDoSupported = options.kdf !== undefined || options.kdfDo !== undefined;
    if (options.kdfDo) {
      this.#kdfDo = Buffer.from(options.kdfDo);
    } else if (options.kdf === "off") {
      this.#kdfDo = tlv(0x81, Buffer.from([0x00]));
    } else if (options.kdf) {
      const salts = { user: saltOf(serialNo, "user"), reset: saltOf(serialNo, "reset"), admin: saltOf(serialNo, "admin") };
      const single = options.kdfSingleSalt ?? false;
      if (single) salts.reset = salts.admin = salts.user;
      this.#kdfDo = encodeKdf(options.kdf, options.kdfCount ?? 0x780000, salts, single);
    }
    this.#kdf = this.#kdfDo ? decodeKdf(this.#kdfDo) : undefined;

    this.pw1 = this.#slot("user", options.pin ?? DEFAULT_PW1, 6);
    this.pw3 = this.#slot("admin", options.adminPin ?? DEFAULT_PW3, 8);
    this.rc = this.#slot("reset", options.resetCode ?? "", 8);
    if (!options.resetCode) this.rc.triesLeft = 0;
  }

  /**
   * The cardholder certificate, made by the test CA when first asked for; empty where
   * openssl is not installed.
   */
  get certificates(): { location: string; certificate: TestCertificate }[] {
    const made = testCertificates([CARDHOLDER_CERTIFICATE], this.#certDays);
    return made ? [{ location: "7F21", certificate: made[0]! }] : [];
  }

  /** The form the card stores a code in: its S2K hash under KDF, else the code itself. */
  #stored(which: Which, code: string | Buffer): Buffer {
    const bytes = Buffer.from(code);
    if (!this.#kdf || bytes.length === 0) return bytes;
    return s2k(this.#kdf.hash, this.#kdf.salts[which], bytes, this.#kdf.count);
  }

  #slot(which: Which, code: string, minLength: number): PinSlot {
    // Under KDF the card sees only hashes: exactly the hash's length is acceptable.
    const n = this.#kdf ? HASH_LENGTH[this.#kdf.hash] : undefined;
    return new PinSlot(this.#stored(which, code), 3, n ?? minLength, n ?? MAX_LEN);
  }

  /** True when the card holds `code` for `which` (hashing it as the card does). For tests. */
  holds(which: Which, code: string): boolean {
    const slot = which === "user" ? this.pw1 : which === "admin" ? this.pw3 : this.rc;
    return slot.value.equals(this.#stored(which, code));
  }

  /** The KDF-DO's content, as GET DATA F9 answers it (undefined: none). */
  get kdfDo(): Buffer | undefined {
    return this.#kdfDo && Buffer.from(this.#kdfDo);
  }

  reset(): void {
    this.#selected = false;
    this.pw1.verified = false;
    this.pw3.verified = false;
    this.#pw1Other = false;
  }

  #wrong(slot: PinSlot): number {
    return this.#wrong6982 ? SW.SECURITY_STATUS : wrongCodeSw(slot.triesLeft);
  }

  /** SmartPGP-like: under KDF a code of the wrong size is refused before comparing. */
  #badSize(code: Buffer): boolean {
    return this.#raw6700 && !!this.#kdf && code.length !== HASH_LENGTH[this.#kdf.hash];
  }

  #pwStatus(): Buffer {
    return Buffer.from([0x01, MAX_LEN, MAX_LEN, MAX_LEN, this.pw1.triesLeft, this.rc.triesLeft, this.pw3.triesLeft]);
  }

  /**
   * Extended capabilities (spec 3.4 §4.4.3.7): first byte bit 0x01 = KDF-DO available
   * (GnuPG app-openpgp.c reads extcap.kdf_do from it on v3 cards).
   */
  #extCaps(): Buffer {
    const caps = Buffer.from("00000000080000ff0000", "hex");
    if (this.#kdfDoSupported) caps[0] = caps[0]! | 0x01;
    return caps;
  }

  #dataObject(tag: number): Buffer | undefined {
    const algoRsa2048 = Buffer.from("010800002000", "hex");
    switch (tag) {
      case 0x004f:
        return this.#aid;
      case 0x005e:
      case 0x5f50:
        return Buffer.alloc(0);
      case 0x5f52:
        return Buffer.from("0031C573C001400590 00".replace(/ /g, ""), "hex");
      case 0x0065:
        return Buffer.concat([tlv(0x5b, Buffer.from("Testsson<<Test")), tlv(0x5f2d, Buffer.from("sv")), tlv(0x5f35, Buffer.from("9"))]);
      case 0x006e:
        return Buffer.concat([
          tlv(0x4f, this.#aid),
          tlv(0x5f52, this.#dataObject(0x5f52)!),
          tlv(
            0x73,
            tlv(0xc0, this.#extCaps()),
            tlv(0xc1, algoRsa2048),
            tlv(0xc2, algoRsa2048),
            tlv(0xc3, algoRsa2048),
            tlv(0xc4, this.#pwStatus()),
            tlv(0xc5, Buffer.alloc(60)),
            tlv(0xc6, Buffer.alloc(60)),
            tlv(0xcd, Buffer.alloc(12)),
          ),
        ]);
      case 0x007a:
        return tlv(0x93, Buffer.alloc(3));
      case 0x00c0:
        return this.#extCaps();
      case 0x00c4:
        return this.#pwStatus();
      case 0x00f9:
        // GET DATA F9 answers the content (GnuPG reads the algorithm at byte 2).
        return this.#kdfDo && Buffer.from(this.#kdfDo);
      case 0x7f21:
        return this.certificates[0]?.certificate.der ?? Buffer.alloc(0);
      default:
        return undefined;
    }
  }

  protected handle(cmd: ParsedCommand): CardResponse {
    if (cmd.ins === INS.SELECT) {
      if (cmd.p1 !== 0x04 || !cmd.data.equals(this.#aid.subarray(0, cmd.data.length)) || cmd.data.length < 6)
        return { sw: SW.FILE_NOT_FOUND };
      this.#selected = true;
      return { sw: SW.OK };
    }
    if (!this.#selected) return { sw: SW.INS_NOT_SUPPORTED };
    // The rest of a long answer (the certificate) comes through GET RESPONSE (61xx).
    if (cmd.ins === INS.GET_RESPONSE) return this.#chain.next(cmd.le);
    this.#chain.clear();
    switch (cmd.ins) {
      case INS.GET_DATA: {
        const tag = (cmd.p1 << 8) | cmd.p2;
        const content = this.#dataObject(tag);
        const data = content && tag === 0x006e && this.#wrapAppData ? tlv(0x6e, content) : content;
        return data ? this.#chain.answer(data, cmd.le) : { sw: SW.REF_NOT_FOUND };
      }
      case INS.VERIFY:
        return this.#verify(cmd);
      case INS.CHANGE_REFERENCE_DATA:
        return this.#change(cmd);
      case INS.RESET_RETRY_COUNTER:
        return this.#unblock(cmd);
      case INS_PUT_DATA:
        return this.#putData(cmd);
      default:
        return { sw: SW.INS_NOT_SUPPORTED };
    }
  }

  #verify(cmd: ParsedCommand): CardResponse {
    const slot = cmd.p2 === 0x81 || cmd.p2 === 0x82 ? this.pw1 : cmd.p2 === 0x83 ? this.pw3 : undefined;
    if (!slot) return { sw: SW.REF_NOT_FOUND };
    const isVerified = cmd.p2 === 0x82 ? this.#pw1Other : slot.verified;
    if (cmd.data.length === 0) {
      if (slot.blocked) return { sw: SW.BLOCKED };
      return { sw: isVerified ? SW.OK : wrongCodeSw(slot.triesLeft) };
    }
    if (slot.blocked) return { sw: SW.BLOCKED };
    if (this.#badSize(cmd.data)) return { sw: SW.WRONG_LENGTH };
    if (!slot.check(cmd.data)) return { sw: this.#wrong(slot) };
    if (cmd.p2 === 0x82) {
      this.#pw1Other = true;
      slot.verified = false;
    }
    return { sw: SW.OK };
  }

  #change(cmd: ParsedCommand): CardResponse {
    const slot = cmd.p2 === 0x81 ? this.pw1 : cmd.p2 === 0x83 ? this.pw3 : undefined;
    if (!slot || cmd.p1 !== 0x00) return { sw: slot ? SW.WRONG_P1P2 : SW.REF_NOT_FOUND };
    if (slot.blocked) return { sw: SW.BLOCKED };
    const oldLen = slot.value.length;
    if (cmd.data.length <= oldLen) return { sw: SW.WRONG_LENGTH };
    if (this.#badSize(cmd.data.subarray(0, oldLen)) || this.#badSize(cmd.data.subarray(oldLen))) return { sw: SW.WRONG_LENGTH };
    if (!slot.check(cmd.data.subarray(0, oldLen))) {
      return { sw: this.#wrong6985OnChange ? SW.CONDITIONS : this.#wrong(slot) };
    }
    const next = cmd.data.subarray(oldLen);
    if (next.length < slot.minLength || next.length > slot.maxLength) return { sw: SW.WRONG_LENGTH };
    slot.set(next);
    slot.verified = false;
    return { sw: SW.OK };
  }

  #unblock(cmd: ParsedCommand): CardResponse {
    if (cmd.p2 !== 0x81) return { sw: SW.REF_NOT_FOUND };
    let next: Buffer;
    if (cmd.p1 === 0x02) {
      if (!this.pw3.verified) return { sw: SW.SECURITY_STATUS };
      next = cmd.data;
    } else if (cmd.p1 === 0x00) {
      if (this.rc.blocked) return { sw: SW.BLOCKED };
      const rcLen = this.rc.value.length;
      if (cmd.data.length <= rcLen) return { sw: SW.WRONG_LENGTH };
      if (!this.rc.check(cmd.data.subarray(0, rcLen))) return { sw: this.#wrong(this.rc) };
      this.rc.verified = false;
      next = cmd.data.subarray(rcLen);
    } else {
      return { sw: SW.WRONG_P1P2 };
    }
    if (next.length < this.pw1.minLength || next.length > this.pw1.maxLength) return { sw: SW.WRONG_LENGTH };
    this.pw1.set(next);
    return { sw: SW.OK };
  }

  #putData(cmd: ParsedCommand): CardResponse {
    if (!this.pw3.verified) return { sw: SW.SECURITY_STATUS };
    const tag = (cmd.p1 << 8) | cmd.p2;
    if (tag === 0x00f9 && this.#kdfDoSupported) return this.#putKdf(cmd.data);
    if (tag !== 0x00d3) return { sw: SW.REF_NOT_FOUND };
    // Resetting code (spec 3.4 §7.2.8 PUT DATA D3): empty data deletes it. Under KDF the
    // host sends the code's hash (GnuPG hashes it with the RC salt, chvno 0).
    if (cmd.data.length > 0 && (cmd.data.length < this.rc.minLength || cmd.data.length > this.rc.maxLength)) return { sw: SW.WRONG_LENGTH };
    this.rc.set(cmd.data);
    if (cmd.data.length === 0) this.rc.triesLeft = 0;
    return { sw: SW.OK };
  }

  /**
   * PUT DATA F9 (GnuPG `kdf-setup`, yubikit set_kdf): the card switches KDF, sets PW1
   * and PW3 to their initial values (87/88 under KDF, the factory PINs without) and
   * deletes the resetting code (yubikit openpgp.py set_kdf docstring).
   */
  #putKdf(content: Buffer): CardResponse {
    const fields = kdfFields(content);
    if (!fields) return { sw: SW.WRONG_DATA };
    const kdf = decodeKdf(content, fields);
    // Only "none" (00) and itersalted-S2K (03) are defined (spec 3.4 §4.3.2).
    if (!kdf && fields.get(0x81)?.[0] !== 0x00) return { sw: SW.WRONG_DATA };
    this.#kdfDo = Buffer.from(content);
    this.#kdf = kdf;
    const n = kdf ? HASH_LENGTH[kdf.hash] : undefined;
    const user = kdf ? (fields.get(0x87) ?? this.#stored("user", DEFAULT_PW1)) : Buffer.from(DEFAULT_PW1);
    const admin = kdf ? (fields.get(0x88) ?? this.#stored("admin", DEFAULT_PW3)) : Buffer.from(DEFAULT_PW3);
    this.pw1 = new PinSlot(Buffer.from(user), 3, n ?? 6, n ?? MAX_LEN);
    // New slots: PW3 is not left verified. The spec (3.4 §4.3.2) says the PWs take the
    // initial values; it says nothing to keep a verification, so none is kept.
    this.pw3 = new PinSlot(Buffer.from(admin), 3, n ?? 8, n ?? MAX_LEN);
    this.rc = new PinSlot(Buffer.alloc(0), 3, n ?? 8, n ?? MAX_LEN);
    this.rc.triesLeft = 0;
    this.#pw1Other = false;
    return { sw: SW.OK };
  }
}
