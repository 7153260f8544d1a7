/**
 * A virtual PIV card (NIST SP 800-73-4). Two models, one option apart:
 * - the default is modelled on a YubiKey 5 (yubikey-manager yubikit/piv.py; Yubico's
 *   "PIV extensions" page): GET METADATA for the PIN and PUK, GET VERSION and GET SERIAL,
 *   PIN and PUK of 6–8 bytes of any value, the YubiKey 5 ATR, no Discovery object and no
 *   global PIN;
 * - `metadata: false` or `globalPin: true` is a PIV card of another maker: the extensions
 *   answer 6D00, the ATR is not a YubiKey's, the Discovery object (tag 7E) is there, and a
 *   new PIN must be digits (SP 800-73-4 Part 2 §2.4.3). With `globalPin` the Discovery
 *   object makes the global PIN (reference 00) primary, and that PIN has its own value and
 *   counter beside the PIV Card Application PIN (80).
 * `sw630x` answers a wrong PIN with 630x rather than 63Cx (CARDS.md: some PIV tokens).
 */
import { INS, type ParsedCommand } from "../apdu/command.js";
import { tlv } from "../apdu/tlv.js";
import { gzipSync } from "node:zlib";
import { DEFAULT_CERT_DAYS, ResponseChain, testCertificates, type TestCertificate } from "../certs/test-ca.js";
import { PinSlot, SW, VirtualCard, wrongCodeSw, type CardResponse, type VirtualCardOptions } from "./virtual-card.js";

export interface PivCardOptions extends VirtualCardOptions {
  /** The PIV Card Application PIN (80). */
  pin?: string | undefined;
  puk?: string | undefined;
  pinTries?: number;
  pukTries?: number;
  /** Answer GET METADATA / GET VERSION / GET SERIAL (YubiKey-compatible). Default true. */
  metadata?: boolean;
  /** Answer a wrong PIN with 630x rather than 63Cx. */
  sw630x?: boolean;
  serial?: number;
  /**
   * A non-YubiKey card whose Discovery object makes the global PIN primary (implies
   * `metadata: false`). The PIN in `global` is then the one the card's ACRs ask for.
   */
  globalPin?: boolean;
  /** The global PIN (reference 00), with `globalPin`. Default 123456. */
  global?: string | undefined;
  /** Its tries. Default 5, unlike the PIN's and PUK's 3, so a mixed-up counter shows. */
  globalTries?: number;
  /** Overrides the ATR the model implies. */
  atr?: Buffer;
  /** The certificates expire at the end of the UTC day this many days from now (certs/test-ca.ts). */
  certDays?: number | undefined;
  /** Store the certificates gzip-compressed (CertInfo 01), as some issuers do. */
  compressCertificates?: boolean;
}

/**
 * A certificate in each key slot (SP 800-73-4 Part 1 Table 2 objects), made by the test CA
 * when first read: 9A authentication, 9C signature, 9D key management, 9E card authentication.
 */
const CERTIFICATE_OBJECTS = [
  {
    slot: "9A",
    tag: "5FC105",
    request: {
      commonName: "Test Testsson (PIV Authentication)",
      keyUsage: "critical, digitalSignature",
      extendedKeyUsage: "clientAuth, msSmartcardLogin",
    },
  },
  {
    slot: "9C",
    tag: "5FC10A",
    request: { commonName: "Test Testsson (PIV Signature)", keyUsage: "critical, digitalSignature, nonRepudiation" },
  },
  { slot: "9D", tag: "5FC10B", request: { commonName: "Test Testsson (PIV Key Management)", keyUsage: "critical, keyAgreement" } },
  { slot: "9E", tag: "5FC101", request: { commonName: "Pinwarden PIV Card Authentication", keyUsage: "critical, digitalSignature" } },
] as const;

/**
 * YubiKey 5 (USB, CCID) ATR, as card-knowledge.ts and OpenSC's card-piv.c ATR table quote
 * it; "Yubikey" in its historical bytes is how Pinwarden and OpenSC know a YubiKey.
 */
export const YUBIKEY5_ATR = Buffer.from("3BFD1300008131FE158073C021C057597562694B657940", "hex");

/**
 * A contact ATR of the same shape (T=1, ISO 7816-4 compact-TLV historical bytes: category
 * 80, card capabilities 73 C0 21 C0, card issuer's data "PINWARDEN") for the PIV card of
 * another maker: no "Yubikey" in it, and in no ATR table of OpenSC or card-knowledge.ts,
 * so both treat it as an unknown PIV card (OpenSC: SC_CARD_TYPE_PIV_II_BASE).
 */
export const PIV_CARD_ATR = withTck(Buffer.from("3BFF1300008131FE158073C021C05950494E57415244454E", "hex"));

function withTck(atr: Buffer): Buffer {
  // TCK: XOR of T0 … last historical byte (ISO 7816-3 §8.2.5), present because T=1 is offered.
  return Buffer.concat([atr, Buffer.from([atr.subarray(1).reduce((x, b) => x ^ b, 0)])]);
}

const AID = Buffer.from("A000000308", "hex");
/** The full PIV AID with its version (SP 800-73-4 Part 1 §2.2: A0 00 00 03 08 00 00 10 00 01 00). */
const FULL_AID = Buffer.from("A000000308000010000100", "hex");
/** SP 800-73-4 Part 2 §3.2.1 (Table 3): global PIN 00, PIV Card Application PIN 80, PUK 81. */
const GLOBAL = 0x00;
const PIN = 0x80;
const PUK = 0x81;
const PAD = 0xff;
const INS_GET_VERSION = 0xfd;
const INS_GET_SERIAL = 0xf8;

const pad8 = (s: string) => {
  const b = Buffer.alloc(8, PAD);
  Buffer.from(s, "utf8").copy(b);
  return b;
};
const unpad = (b: Buffer) => {
  let end = b.length;
  while (end > 0 && b[end - 1] === PAD) end--;
  return b.subarray(0, end);
};

export class PivCard extends VirtualCard {
  readonly family = "piv";
  readonly atr: Buffer;
  /** The PIV Card Application PIN (80). */
  readonly pin: PinSlot;
  readonly puk: PinSlot;
  /** The global PIN (00), on a `globalPin` card only. */
  readonly globalPin: PinSlot | undefined;
  readonly #metadata: boolean;
  readonly #sw630x: boolean;
  readonly #serial: number;
  readonly #certDays: number;
  readonly #compress: boolean;
  readonly #chain = new ResponseChain();
  #selected = false;

  constructor(options: PivCardOptions = {}) {
    super(options);
    const global = options.globalPin ?? false;
    this.#metadata = !global && (options.metadata ?? true);
    this.atr = options.atr ?? (this.#metadata ? YUBIKEY5_ATR : PIV_CARD_ATR);
    // On a global-PIN card the PIV PIN is not the one in use: a value of its own, so a
    // command sent to the wrong reference fails rather than passing by coincidence.
    this.pin = new PinSlot(pad8(options.pin ?? (global ? "314159" : "123456")), options.pinTries ?? 3, 6, 8);
    this.puk = new PinSlot(pad8(options.puk ?? "12345678"), options.pukTries ?? 3, 6, 8);
    this.globalPin = global ? new PinSlot(pad8(options.global ?? "123456"), options.globalTries ?? 5, 6, 8) : undefined;
    this.#sw630x = options.sw630x ?? false;
    this.#serial = options.serial ?? 4242424;
    this.#certDays = options.certDays ?? DEFAULT_CERT_DAYS;
    this.#compress = options.compressCertificates ?? false;
  }

  /**
   * The card's certificates by slot, made by the test CA when first asked for; empty where
   * openssl is not installed. Tests hold Pinwarden and yubico-piv-tool to them.
   */
  get certificates(): { location: string; certificate: TestCertificate }[] {
    const made = testCertificates(
      CERTIFICATE_OBJECTS.map((c) => c.request),
      this.#certDays,
    );
    return made ? CERTIFICATE_OBJECTS.map((c, i) => ({ location: c.slot, certificate: made[i]! })) : [];
  }

  /** A certificate object (Part 1 Table 10): 53 { 70 certificate, 71 CertInfo, FE error detection code }. */
  #certificateObject(tag: string): Buffer | undefined {
    const i = CERTIFICATE_OBJECTS.findIndex((c) => c.tag === tag);
    const cert = i < 0 ? undefined : this.certificates[i]?.certificate.der;
    if (!cert) return undefined;
    const body = this.#compress ? gzipSync(cert) : cert;
    return tlv(0x53, tlv(0x70, body), tlv(0x71, Buffer.from([this.#compress ? 0x01 : 0x00])), tlv(0xfe));
  }

  /** The code a reference holds now, unpadded (for tests; a real card never tells). */
  codeOf(ref: number): string {
    const slot = this.#slot(ref);
    if (!slot) throw new RangeError(`no reference ${ref.toString(16)} on this card`);
    return unpad(slot.value).toString("utf8");
  }

  reset(): void {
    this.#selected = false;
    this.pin.verified = false;
    this.puk.verified = false;
    if (this.globalPin) this.globalPin.verified = false;
  }

  #slot(ref: number): PinSlot | undefined {
    if (ref === GLOBAL) return this.globalPin;
    return ref === PIN ? this.pin : ref === PUK ? this.puk : undefined;
  }

  #wrong(left: number): number {
    return this.#sw630x ? 0x6300 | left : wrongCodeSw(left);
  }

  protected handle(cmd: ParsedCommand): CardResponse {
    if (cmd.ins === INS.SELECT) {
      // SELECT by the PIV AID, full or its first 5 bytes (SP 800-73-4 Part 2 §3.1.1).
      if (cmd.p1 !== 0x04 || !cmd.data.subarray(0, AID.length).equals(AID)) {
        return { sw: SW.FILE_NOT_FOUND };
      }
      this.#selected = true;
      // Application property template: PIX of the application and the coexistent tag allocation authority.
      return { data: tlv(0x61, tlv(0x4f, Buffer.from("000010000100", "hex")), tlv(0x79, tlv(0x4f, AID))), sw: SW.OK };
    }
    if (!this.#selected) return { sw: SW.INS_NOT_SUPPORTED };
    // The rest of a long answer (a certificate) comes through GET RESPONSE (61xx).
    if (cmd.ins === INS.GET_RESPONSE) return this.#chain.next(cmd.le);
    this.#chain.clear();
    switch (cmd.ins) {
      case INS.GET_DATA_ODD:
        return this.#getData(cmd);
      case INS.VERIFY:
        return this.#verify(cmd);
      case INS.CHANGE_REFERENCE_DATA:
        return this.#change(cmd);
      case INS.RESET_RETRY_COUNTER:
        return this.#unblock(cmd);
      case INS.GET_METADATA:
        return this.#getMetadata(cmd);
      case INS_GET_VERSION:
        return this.#metadata ? { data: Buffer.from([5, 7, 4]), sw: SW.OK } : { sw: SW.INS_NOT_SUPPORTED };
      case INS_GET_SERIAL: {
        if (!this.#metadata) return { sw: SW.INS_NOT_SUPPORTED };
        const b = Buffer.alloc(4);
        b.writeUInt32BE(this.#serial);
        return { data: b, sw: SW.OK };
      }
      default:
        return { sw: SW.INS_NOT_SUPPORTED };
    }
  }

  #getData(cmd: ParsedCommand): CardResponse {
    if (cmd.p1 !== 0x3f || cmd.p2 !== 0xff) return { sw: SW.WRONG_P1P2 };
    const tag = cmd.data.subarray(2).toString("hex").toUpperCase();
    if (tag === "7E" && !this.#metadata) return { data: this.#discovery(), sw: SW.OK };
    const certificate = this.#certificateObject(tag);
    if (certificate) return this.#chain.answer(certificate, cmd.le);
    if (tag !== "5FC102") return { sw: SW.FILE_NOT_FOUND };
    const guid = Buffer.alloc(16);
    guid.writeUInt32BE(this.#serial, 12);
    guid.write("PINWARDEN", 0, "ascii");
    const fascn = Buffer.from("D4E739DA739CED39CE739D836858210842108421C84210C3EB", "hex");
    return { data: tlv(0x53, tlv(0x30, fascn), tlv(0x34, guid), tlv(0x35, Buffer.from("20301231")), tlv(0x3e), tlv(0xfe)), sw: SW.OK };
  }

  /**
   * The Discovery object (SP 800-73-4 Part 1 §3.3.2): the PIV AID (4F) and the PIN usage
   * policy (5F2F). First byte: 40 = the PIV PIN satisfies the PIV ACRs, 20 = the global
   * PIN does; second byte 20 = the global PIN is primary (10 = the PIV PIN is). A card
   * without a global PIN answers 40 00, as a G+D Sm@rtCafé Expert 7 PIV card does
   * (7E 12 4F 0B A0 00 00 03 08 00 00 10 00 01 00 5F 2F 02 40 00, from an OpenSC ATR
   * report). The YubiKey model does not answer it: the profile never asks a YubiKey.
   */
  #discovery(): Buffer {
    const policy = this.globalPin ? Buffer.from([0x60, 0x20]) : Buffer.from([0x40, 0x00]);
    return tlv(0x7e, tlv(0x4f, FULL_AID), tlv(0x5f2f, policy));
  }

  /** VERIFY (SP 800-73-4 Part 2 §3.2.1): 00, 80 (and the OCC 96/97, not modelled); never the PUK. */
  #verify(cmd: ParsedCommand): CardResponse {
    const slot = cmd.p2 === PUK ? undefined : this.#slot(cmd.p2);
    if (!slot) return { sw: SW.REF_NOT_FOUND };
    if (cmd.p1 === 0xff) {
      // P1 FF: reset the security status of the reference (§3.2.1).
      slot.verified = false;
      return { sw: SW.OK };
    }
    if (cmd.data.length === 0) {
      // No data: the retry counter (63Cx), or 9000 if already verified (§3.2.1).
      if (slot.blocked) return { sw: SW.BLOCKED };
      return { sw: slot.verified ? SW.OK : this.#wrong(slot.triesLeft) };
    }
    if (cmd.data.length !== 8) return { sw: SW.WRONG_LENGTH };
    if (slot.blocked) return { sw: SW.BLOCKED };
    return slot.check(cmd.data) ? { sw: SW.OK } : { sw: this.#wrong(slot.triesLeft) };
  }

  /**
   * A new PIN or PUK the card stores: 6–8 bytes before the FF padding. A YubiKey takes
   * any bytes (yubikit piv.py encodes the PIN as typed); a card of another maker holds a
   * PIN to digits, as SP 800-73-4 Part 2 §2.4.3 requires (the PUK may be any bytes).
   */
  #newOk(slot: PinSlot, code: Buffer): boolean {
    const v = unpad(code);
    const digits = !this.#metadata && slot !== this.puk;
    return v.length >= slot.minLength && v.length <= slot.maxLength && (!digits || v.every((b) => b >= 0x30 && b <= 0x39));
  }

  /** CHANGE REFERENCE DATA (§3.2.2): 00, 80 or 81; old ‖ new, 8 + 8 bytes. */
  #change(cmd: ParsedCommand): CardResponse {
    const slot = this.#slot(cmd.p2);
    if (!slot) return { sw: SW.REF_NOT_FOUND };
    if (cmd.data.length !== 16) return { sw: SW.WRONG_LENGTH };
    if (slot.blocked) return { sw: SW.BLOCKED };
    if (!slot.check(cmd.data.subarray(0, 8))) return { sw: this.#wrong(slot.triesLeft) };
    if (!this.#newOk(slot, cmd.data.subarray(8))) return { sw: SW.WRONG_DATA };
    slot.set(cmd.data.subarray(8));
    if (slot === this.puk) this.puk.verified = false;
    return { sw: SW.OK };
  }

  /**
   * RESET RETRY COUNTER (§3.2.3): only the PIV Card Application PIN (P2 80); any other
   * reference, the global PIN included, is 6A88 (reference data not found).
   */
  #unblock(cmd: ParsedCommand): CardResponse {
    if (cmd.p2 !== PIN) return { sw: SW.REF_NOT_FOUND };
    if (cmd.data.length !== 16) return { sw: SW.WRONG_LENGTH };
    if (this.puk.blocked) return { sw: SW.BLOCKED };
    if (!this.puk.check(cmd.data.subarray(0, 8))) return { sw: this.#wrong(this.puk.triesLeft) };
    this.puk.verified = false;
    if (!this.#newOk(this.pin, cmd.data.subarray(8))) return { sw: SW.WRONG_DATA };
    this.pin.set(cmd.data.subarray(8));
    return { sw: SW.OK };
  }

  /** GET METADATA (Yubico PIV extension F7, firmware 5.3+) for the PIN (80) and PUK (81). */
  #getMetadata(cmd: ParsedCommand): CardResponse {
    if (!this.#metadata) return { sw: SW.INS_NOT_SUPPORTED };
    const slot = cmd.p2 === PIN ? this.pin : cmd.p2 === PUK ? this.puk : undefined;
    if (!slot) return { sw: SW.REF_NOT_FOUND };
    const isDefault = slot === this.pin ? this.codeOf(PIN) === "123456" : this.codeOf(PUK) === "12345678";
    return {
      data: Buffer.concat([
        tlv(0x01, Buffer.from([0xff])),
        tlv(0x05, Buffer.from([isDefault ? 1 : 0])),
        tlv(0x06, Buffer.from([slot.maxTries, slot.triesLeft])),
      ]),
      sw: SW.OK,
    };
  }
}
