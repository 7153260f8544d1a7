/**
 * A virtual PKCS#15 eID card in the Net iD / SITHS style: an identification PIN and a
 * signing PIN, both unblocked by one PUK, described in EF.AODF; two keys in EF.PrKDF
 * (the signing key has nonRepudiation usage); a serial in EF.TokenInfo.
 *
 * Quirks (each one option, they combine) show how real PKCS#15 cards differ; each names
 * its source. See ../shared/CARDS.md, "Where real cards differ".
 * - counts-empty-verify: an empty VERIFY counts as a failed try (the reason OpenSC's
 *   iso7816.c sends it only to drivers that opt in; card-cardos.c opts in only from CardOS 5).
 * - no-pad-char: the AODF names no padChar; the card stores codes padded with 00 (OpenSC
 *   pkcs15-pin.c zero-fills the AODF entry, sec.c pads with it), so an FF-padded code is
 *   a wrong code.
 * - pins-in-subdf: the PINs live in a sub-DF of the application, named by the PIN objects'
 *   path; a reference with bit 8 set is DF-specific (ISO 7816-4 §7.5.1), so the same
 *   reference in the application DF is another PIN, or 6A88 where there is none.
 * - local-refs: the AODF stores 01/02/03 and the card, like CardOS, knows its PINs by
 *   the reference with bit 8 set (card-cardos.c pin_cmd sets it on every PIN command);
 *   the card carries CardOS 4.4's ATR so card-knowledge.ts and OpenSC both know it.
 * - ef-dir-only: the application cannot be selected by its AID; EF.DIR lists it with the
 *   path 3F00/5015, as on cards personalised by OpenSC's pkcs15-init (pkcs15.c finds it
 *   through EF.DIR).
 * - bcd: BCD PINs (pinType bcd), stored in storedLength/2 bytes (sec.c sc_build_pin).
 * - no-puk-entry: the AODF has no PUK object, the card still has its PUK and answers
 *   RESET RETRY COUNTER (OpenSC pkcs15-pin.c unblocks with the PIN's attributes then).
 */
import { INS, type ParsedCommand } from "../apdu/command.js";
import {
  encodeCertificateObject,
  encodeDir,
  encodeOdf,
  encodePinObject,
  encodePrivateKey,
  encodeTokenInfo,
  PinType,
  PKCS15_AID,
  type PinObject,
} from "../apdu/pkcs15.js";
import { tlv } from "../apdu/tlv.js";
import { DEFAULT_CERT_DAYS, findOpenssl, testCertificates, type TestCertificate } from "../certs/test-ca.js";
import { makeAtr } from "./atr.js";
import { PinSlot, SW, VirtualCard, wrongCodeSw, type CardResponse, type VirtualCardOptions } from "./virtual-card.js";

export const PKCS15_QUIRKS = [
  "counts-empty-verify",
  "no-pad-char",
  "pins-in-subdf",
  "local-refs",
  "ef-dir-only",
  "bcd",
  "no-puk-entry",
] as const;
export type Pkcs15Quirk = (typeof PKCS15_QUIRKS)[number];

export function isPkcs15Quirk(name: string): name is Pkcs15Quirk {
  return (PKCS15_QUIRKS as readonly string[]).includes(name);
}

export interface Pkcs15CardOptions extends VirtualCardOptions {
  pin?: string | undefined;
  signPin?: string | undefined;
  puk?: string | undefined;
  pinTries?: number;
  pukTries?: number;
  serial?: string;
  /** What an empty VERIFY on a blocked PIN answers: 6983 (default) or 63C0. */
  blockedSw?: number;
  quirks?: readonly Pkcs15Quirk[] | undefined;
  /** The certificates expire at the end of the UTC day this many days from now (certs/test-ca.ts). */
  certDays?: number | undefined;
}

/**
 * The card's two certificates (EF.CDF 4403 → EFs 4331 and 4332), each with the iD of its
 * key in EF.PrKDF, so OpenSC ties them to the PINs as Pinwarden does.
 */
const CERTIFICATES = [
  {
    label: "Legitimering",
    keyId: Buffer.from([0x45, 1]),
    fid: 0x4331,
    request: {
      commonName: "Test Testsson (legitimering)",
      keyUsage: "critical, digitalSignature",
      extendedKeyUsage: "clientAuth, msSmartcardLogin",
    },
  },
  {
    label: "Underskrift",
    keyId: Buffer.from([0x45, 2]),
    fid: 0x4332,
    request: { commonName: "Test Testsson (underskrift)", keyUsage: "critical, nonRepudiation" },
  },
] as const;

/** Characters a code may have (storedLength for ASCII; digits for BCD: 8 digits in 4 bytes). */
const STORED = 8;
const MF = 0x3f00;
const APP = 0x5015;
/** The sub-DF holding the PINs with pins-in-subdf. */
const PIN_DF = 0x4f01;
/** CardOS 4.4 (OpenSC card-cardos.c ATR table; card-knowledge.ts: setBit8, no empty VERIFY). */
const CARDOS_44_ATR = Buffer.from("3BD21802C10A31FE58C80D51", "hex");

interface Node {
  fid: number;
  /** A DF's children; undefined for an EF. */
  children?: Node[];
  data?: Buffer;
  /** DF name (AID) it can be selected by. */
  name?: Buffer;
}

export class Pkcs15Card extends VirtualCard {
  readonly family = "pkcs15";
  readonly atr: Buffer;
  readonly quirks: ReadonlySet<Pkcs15Quirk>;
  /** The AODF's PINs and the PUK, by the reference the card knows them by (P2 on the wire). */
  readonly pins: Map<number, PinSlot>;
  /** pins-in-subdf: the application DF's own PIN, under the same reference as the auth PIN. */
  readonly appDfPin: PinSlot | undefined;
  /** Which PIN reference each reference is unblocked by. */
  readonly unblockedBy = new Map<number, number>([
    [0x81, 0x83],
    [0x82, 0x83],
  ]);
  readonly serial: string;
  readonly #blockedSw: number;
  readonly #mf: Node;
  readonly #app: Node;
  readonly #pinDf: Node;
  /** The DF path from the MF (MF first) and the current EF. */
  #path: Node[];
  #ef: Node | undefined;
  readonly #bcd: boolean;
  readonly #pad: number;
  readonly #certDays: number;

  constructor(options: Pkcs15CardOptions = {}) {
    super(options);
    const q = new Set(options.quirks ?? []);
    this.quirks = q;
    this.#bcd = q.has("bcd");
    // Default: FF, written in the AODF. no-pad-char: none written, the card stores 00.
    this.#pad = q.has("no-pad-char") ? 0x00 : 0xff;
    // An ATR the card table knows as CardOS 4.4 for local-refs; otherwise the default card's
    // (its row says an empty VERIFY is safe), or an unknown one where that would be false.
    this.atr = q.has("local-refs") ? CARDOS_44_ATR : q.has("counts-empty-verify") ? makeAtr("PINWARDEN-P15Q") : makeAtr("PINWARDEN-P15");
    const pinTries = options.pinTries ?? 3;
    const pukTries = options.pukTries ?? 10;
    this.serial = options.serial ?? "9752269000004242";
    this.#blockedSw = options.blockedSw ?? SW.BLOCKED;
    this.pins = new Map([
      [0x81, new PinSlot(this.#store(options.pin ?? "123456"), pinTries, 6, 8)],
      [0x82, new PinSlot(this.#store(options.signPin ?? "654321"), pinTries, 6, 8)],
      [0x83, new PinSlot(this.#store(options.puk ?? "12345678"), pukTries, 8, 8)],
    ]);
    if (q.has("pins-in-subdf")) this.appDfPin = new PinSlot(this.#store("999999"), pinTries, 6, 8);

    const storedRef = (ref: number) => (q.has("local-refs") ? ref & 0x7f : ref);
    const pinDfPath = Buffer.from([0x3f, 0x00, APP >> 8, APP & 0xff, PIN_DF >> 8, PIN_DF & 0xff]);
    const pinObject = (label: string, id: number, ref: number, puk: boolean): PinObject => {
      const obj: PinObject = {
        label,
        authId: Buffer.from([id]),
        flags: {
          local: true,
          changeDisabled: false,
          unblockDisabled: puk,
          initialized: true,
          needsPadding: true,
          unblockingPin: puk,
          soPin: false,
        },
        pinType: this.#bcd ? PinType.bcd : PinType.asciiNumeric,
        minLength: puk ? 8 : 6,
        storedLength: STORED,
        maxLength: 8,
        reference: storedRef(ref),
      };
      if (!q.has("no-pad-char")) obj.padChar = this.#pad;
      if (!puk && !q.has("no-puk-entry")) obj.unblockedBy = Buffer.from([0x03]);
      if (q.has("pins-in-subdf")) obj.path = pinDfPath;
      return obj;
    };
    const aodf = Buffer.concat([
      encodePinObject(pinObject("Legitimering", 1, 0x81, false)),
      encodePinObject(pinObject("Underskrift", 2, 0x82, false)),
      ...(q.has("no-puk-entry") ? [] : [encodePinObject(pinObject("PUK", 3, 0x83, true))]),
    ]);
    const prkdf = Buffer.concat([
      encodePrivateKey({
        label: "Legitimering",
        id: Buffer.from([0x45, 1]),
        authId: Buffer.from([1]),
        usage: { sign: true, decrypt: true, nonRepudiation: false },
      }),
      encodePrivateKey({
        label: "Underskrift",
        id: Buffer.from([0x45, 2]),
        authId: Buffer.from([2]),
        usage: { sign: false, decrypt: false, nonRepudiation: true },
      }),
    ]);
    const appPath = (fid: number) => Buffer.from([0x3f, 0x00, APP >> 8, APP & 0xff, fid >> 8, fid & 0xff]);
    this.#certDays = options.certDays ?? DEFAULT_CERT_DAYS;
    // Certificates where openssl can make them; made when first read (certs/test-ca.ts).
    const certificateDer = (i: number) => this.certificates[i]!.certificate.der;
    const withCertificates = findOpenssl() !== null;
    const certificateFiles: Node[] = withCertificates
      ? [
          {
            fid: 0x4403,
            data: Buffer.concat(CERTIFICATES.map((c) => encodeCertificateObject({ label: c.label, id: c.keyId, path: appPath(c.fid) }))),
          },
          ...CERTIFICATES.map((c, i) => ({
            fid: c.fid,
            get data() {
              return certificateDer(i);
            },
          })),
        ]
      : [];
    this.#pinDf = { fid: PIN_DF, children: [] };
    this.#app = {
      fid: APP,
      // ef-dir-only: no DF name, so SELECT by AID finds nothing (pkcs15-init cards).
      ...(q.has("ef-dir-only") ? {} : { name: PKCS15_AID }),
      children: [
        {
          fid: 0x5031,
          data: encodeOdf([
            { kind: "privateKeys", path: appPath(0x4402) },
            ...(withCertificates ? [{ kind: "certificates" as const, path: appPath(0x4403) }] : []),
            { kind: "authObjects", path: appPath(0x4401) },
          ]),
        },
        { fid: 0x5032, data: encodeTokenInfo({ serialNumber: this.serial, manufacturer: "Pinwarden", label: "Pinwarden virtuellt kort" }) },
        { fid: 0x4401, data: aodf },
        { fid: 0x4402, data: prkdf },
        ...certificateFiles,
        ...(q.has("pins-in-subdf") ? [this.#pinDf] : []),
      ],
    };
    this.#mf = {
      fid: MF,
      children: [
        { fid: 0x2f00, data: encodeDir([{ aid: PKCS15_AID, label: "Pinwarden", path: Buffer.from([0x3f, 0x00, 0x50, 0x15]) }]) },
        this.#app,
      ],
    };
    this.#path = [this.#mf];
  }

  /**
   * The card's certificates and where they are (the EF's path), made by the test CA when
   * first asked for; empty where openssl is not installed. Tests hold Pinwarden to them.
   */
  get certificates(): { location: string; label: string; certificate: TestCertificate }[] {
    const made = testCertificates(
      CERTIFICATES.map((c) => c.request),
      this.#certDays,
    );
    if (!made) return [];
    return CERTIFICATES.map((c, i) => ({
      location: Buffer.from([0x3f, 0x00, APP >> 8, APP & 0xff, c.fid >> 8, c.fid & 0xff])
        .toString("hex")
        .toUpperCase(),
      label: c.label,
      certificate: made[i]!,
    }));
  }

  /** A code as the card stores it: ASCII or BCD, padded to the stored length. */
  #store(code: string): Buffer {
    if (!this.#bcd) {
      const b = Buffer.alloc(STORED, this.#pad);
      Buffer.from(code, "ascii").copy(b);
      return b;
    }
    // storedLength 8 digits = 4 bytes; an odd last digit is completed with the pad's low nibble.
    const b = Buffer.alloc(STORED / 2, this.#pad);
    for (let i = 0; i < code.length; i++) {
      const d = code.charCodeAt(i) - 0x30;
      const at = i >> 1;
      b[at] = i % 2 === 0 ? (d << 4) | (this.#pad & 0x0f) : (b[at]! & 0xf0) | d;
    }
    return b;
  }

  /** The digits or characters of a stored code, padding removed. */
  #decode(stored: Buffer): string | null {
    if (!this.#bcd) {
      let end = stored.length;
      while (end > 0 && stored[end - 1] === this.#pad) end--;
      return stored.subarray(0, end).toString("latin1");
    }
    // With 00 padding a BCD code's length is not in its bytes: whole 00 bytes are padding
    // (the card itself compares bytes; this decoding serves tests and the new-code check).
    let end = stored.length;
    if (this.#pad === 0x00) while (end > 0 && stored[end - 1] === 0x00) end--;
    let out = "";
    for (const byte of stored.subarray(0, end)) {
      for (const nibble of [byte >> 4, byte & 0x0f]) {
        if (nibble <= 9) out += String(nibble);
        else if (nibble === (this.#pad & 0x0f)) return out;
        else return null;
      }
    }
    return out;
  }

  /** Bytes a code takes on the wire (each code is padded to it). */
  get #storedBytes(): number {
    return this.#bcd ? STORED / 2 : STORED;
  }

  /** Unpadded current value of a code, for tests that check what the card holds. */
  codeOf(ref: number): string {
    return this.#decode(this.pins.get(ref)!.value) ?? "(not a code)";
  }

  /** The stored bytes of a code, for tests that check the exact encoding. */
  storedOf(ref: number): Buffer {
    return Buffer.from(this.pins.get(ref)!.value);
  }

  reset(): void {
    this.#path = [this.#mf];
    this.#ef = undefined;
    for (const p of this.pins.values()) p.verified = false;
    if (this.appDfPin) this.appDfPin.verified = false;
  }

  protected handle(cmd: ParsedCommand): CardResponse {
    switch (cmd.ins) {
      case INS.SELECT:
        return this.#select(cmd);
      case INS.READ_BINARY:
        return this.#readBinary(cmd);
      case INS.VERIFY:
        return this.#verify(cmd);
      case INS.CHANGE_REFERENCE_DATA:
        return this.#change(cmd);
      case INS.RESET_RETRY_COUNTER:
        return this.#unblock(cmd);
      case INS.GET_DATA:
        return this.#getData(cmd);
      default:
        return { sw: SW.INS_NOT_SUPPORTED };
    }
  }

  /**
   * local-refs (CardOS 4.4's ATR): OpenSC's CardOS driver asks GET DATA 01 8D for the data
   * field length at init and rejects the card without a 2-byte answer (card-cardos.c
   * cardos_init). 0x0102 keeps short APDUs (max 256 bytes received). Other cards: 6D00.
   */
  #getData(cmd: ParsedCommand): CardResponse {
    if (!this.quirks.has("local-refs")) return { sw: SW.INS_NOT_SUPPORTED };
    if (cmd.p1 === 0x01 && cmd.p2 === 0x8d) return { data: Buffer.from([0x01, 0x02]), sw: SW.OK };
    return { sw: SW.REF_NOT_FOUND };
  }

  get #df(): Node {
    return this.#path[this.#path.length - 1]!;
  }

  /** Selects `fid` among the current DF's children (or the MF): DFs become current. */
  #selectFid(fid: number): Node | undefined {
    if (fid === MF) {
      this.#path = [this.#mf];
      this.#ef = undefined;
      return this.#mf;
    }
    const node = this.#df.children?.find((c) => c.fid === fid);
    if (!node) return undefined;
    if (node.children) {
      this.#path = [...this.#path, node];
      this.#ef = undefined;
    } else this.#ef = node;
    return node;
  }

  #select(cmd: ParsedCommand): CardResponse {
    const answer = (node: Node) => ((cmd.p2 & 0x0c) === 0x0c ? { sw: SW.OK } : { data: this.#fcp(node), sw: SW.OK });
    if (cmd.p1 === 0x04) {
      // ef-dir-only: the application has no DF name (OpenSC pkcs15-init does not set one).
      if (!this.#app.name || !cmd.data.equals(this.#app.name)) return { sw: SW.FILE_NOT_FOUND };
      this.#path = [this.#mf, this.#app];
      this.#ef = undefined;
      return answer(this.#app);
    }
    if (cmd.data.length % 2 !== 0 || cmd.data.length === 0) return { sw: SW.WRONG_LENGTH };
    const fids: number[] = [];
    for (let i = 0; i < cmd.data.length; i += 2) fids.push(cmd.data.readUInt16BE(i));
    // A failed SELECT leaves the current DF and EF as they were (ISO 7816-4 §11.2.2).
    const saved = { path: this.#path, ef: this.#ef };
    if (cmd.p1 === 0x08) this.#selectFid(MF);
    else if (cmd.p1 !== 0x00 && cmd.p1 !== 0x09) return { sw: SW.WRONG_P1P2 };
    let node: Node | undefined;
    for (const fid of fids) {
      node = this.#selectFid(fid);
      if (!node) {
        this.#path = saved.path;
        this.#ef = saved.ef;
        return { sw: SW.FILE_NOT_FOUND };
      }
    }
    return answer(node!);
  }

  /** FCP template (ISO 7816-4 §5.3.3): 80 size for an EF, 82 descriptor, 83 file id, 84 name. */
  #fcp(node: Node): Buffer {
    const id = Buffer.from([node.fid >> 8, node.fid & 0xff]);
    if (node.data) {
      const size = Buffer.from([node.data.length >> 8, node.data.length & 0xff]);
      return tlv(0x62, tlv(0x80, size), tlv(0x82, Buffer.from([0x01])), tlv(0x83, id));
    }
    return tlv(0x62, tlv(0x82, Buffer.from([0x38])), tlv(0x83, id), ...(node.name ? [tlv(0x84, node.name)] : []));
  }

  #readBinary(cmd: ParsedCommand): CardResponse {
    if (!this.#ef?.data) return { sw: SW.CONDITIONS };
    const offset = ((cmd.p1 & 0x7f) << 8) | cmd.p2;
    const data = this.#ef.data;
    if (offset > data.length) return { sw: SW.WRONG_OFFSET };
    const le = cmd.le ?? 256;
    const chunk = data.subarray(offset, offset + le);
    return { data: Buffer.from(chunk), sw: chunk.length < le ? SW.END_OF_FILE : SW.OK };
  }

  /**
   * The PIN a reference names in the current DF. The AODF's PINs have bit 8 set on the card
   * (DF-specific, ISO 7816-4 §7.5.1): found in their DF (the application DF, or the sub-DF
   * with pins-in-subdf). With pins-in-subdf the application DF has a PIN of its own under 81.
   * A reference that names nothing here: 6A88 (referenced data not found).
   */
  #slot(p2: number): PinSlot | undefined {
    const pinDf = this.quirks.has("pins-in-subdf") ? this.#pinDf : this.#app;
    if (this.#df === pinDf) return this.pins.get(p2);
    if (this.#df === this.#app && p2 === 0x81) return this.appDfPin;
    return undefined;
  }

  #verify(cmd: ParsedCommand): CardResponse {
    const slot = this.#slot(cmd.p2);
    if (!slot) return { sw: SW.REF_NOT_FOUND };
    if (cmd.data.length === 0) {
      if (slot.blocked) return { sw: this.#blockedSw };
      if (slot.verified) return { sw: SW.OK };
      // counts-empty-verify: the card treats no data as a wrong code and counts it.
      if (this.quirks.has("counts-empty-verify")) slot.check(Buffer.alloc(0));
      return { sw: slot.blocked ? SW.BLOCKED : wrongCodeSw(slot.triesLeft) };
    }
    if (cmd.data.length !== this.#storedBytes) return { sw: SW.WRONG_LENGTH };
    if (slot.blocked) return { sw: SW.BLOCKED };
    return slot.check(cmd.data) ? { sw: SW.OK } : { sw: wrongCodeSw(slot.triesLeft) };
  }

  #newCodeOk(slot: PinSlot, code: Buffer): boolean {
    const digits = this.#decode(code);
    return !!digits && digits.length >= slot.minLength && digits.length <= slot.maxLength && /^[0-9]+$/.test(digits);
  }

  #change(cmd: ParsedCommand): CardResponse {
    const slot = this.#slot(cmd.p2);
    if (!slot || cmd.p1 !== 0x00) return { sw: slot ? SW.WRONG_P1P2 : SW.REF_NOT_FOUND };
    const n = this.#storedBytes;
    if (cmd.data.length !== 2 * n) return { sw: SW.WRONG_LENGTH };
    if (slot.blocked) return { sw: SW.BLOCKED };
    const next = cmd.data.subarray(n);
    if (!slot.check(cmd.data.subarray(0, n))) return { sw: wrongCodeSw(slot.triesLeft) };
    if (!this.#newCodeOk(slot, next)) return { sw: SW.WRONG_DATA };
    slot.set(next);
    return { sw: SW.OK };
  }

  #unblock(cmd: ParsedCommand): CardResponse {
    const slot = this.#slot(cmd.p2);
    const pukRef = [...this.pins.entries()].find(([, s]) => s === slot)?.[0];
    const byRef = pukRef === undefined ? undefined : this.unblockedBy.get(pukRef);
    if (!slot || byRef === undefined) return { sw: SW.REF_NOT_FOUND };
    if (cmd.p1 !== 0x00) return { sw: SW.WRONG_P1P2 };
    const n = this.#storedBytes;
    if (cmd.data.length !== 2 * n) return { sw: SW.WRONG_LENGTH };
    const puk = this.pins.get(byRef)!;
    if (puk.blocked) return { sw: SW.BLOCKED };
    const next = cmd.data.subarray(n);
    if (!puk.check(cmd.data.subarray(0, n))) return { sw: wrongCodeSw(puk.triesLeft) };
    puk.verified = false;
    if (!this.#newCodeOk(slot, next)) return { sw: SW.WRONG_DATA };
    slot.set(next);
    return { sw: SW.OK };
  }
}
