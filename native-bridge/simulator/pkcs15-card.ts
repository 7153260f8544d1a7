/**
 * A virtual PKCS#15 eID card in the Net iD / SITHS style: an identification PIN and a
 * signing PIN, both unblocked by one PUK, described in EF.AODF; two keys in EF.PrKDF
 * (the signing key has nonRepudiation usage); a serial in EF.TokenInfo.
 */
import { INS, type ParsedCommand } from "../apdu/command.js";
import { encodeOdf, encodePinObject, encodePrivateKey, encodeTokenInfo, PinType, PKCS15_AID, type PinObject } from "../apdu/pkcs15.js";
import { tlv } from "../apdu/tlv.js";
import { makeAtr } from "./atr.js";
import { PinSlot, SW, VirtualCard, wrongCodeSw, type CardResponse, type VirtualCardOptions } from "./virtual-card.js";

export interface Pkcs15CardOptions extends VirtualCardOptions {
  pin?: string | undefined;
  signPin?: string | undefined;
  puk?: string | undefined;
  pinTries?: number;
  pukTries?: number;
  serial?: string;
  /** What an empty VERIFY on a blocked PIN answers: 6983 (default) or 63C0. */
  blockedSw?: number;
}

const STORED = 8;
const PAD = 0xff;
const MF = 0x3f00;
const APP = 0x5015;

interface Ef {
  fid: number;
  data: Buffer;
}

const pad = (s: string) => {
  const b = Buffer.alloc(STORED, PAD);
  Buffer.from(s, "ascii").copy(b);
  return b;
};
const unpad = (b: Buffer) => {
  let end = b.length;
  while (end > 0 && b[end - 1] === PAD) end--;
  return b.subarray(0, end);
};

export class Pkcs15Card extends VirtualCard {
  readonly family = "pkcs15";
  readonly atr = makeAtr("PINWARDEN-P15");
  readonly pins: Map<number, PinSlot>;
  /** Which PIN reference each reference is unblocked by. */
  readonly unblockedBy = new Map<number, number>([
    [0x81, 0x83],
    [0x82, 0x83],
  ]);
  readonly serial: string;
  readonly #blockedSw: number;
  #df: "mf" | "app" = "mf";
  #ef: Ef | undefined;
  readonly #mfFiles: Ef[];
  readonly #appFiles: Ef[];

  constructor(options: Pkcs15CardOptions = {}) {
    super(options);
    const pinTries = options.pinTries ?? 3;
    const pukTries = options.pukTries ?? 10;
    this.serial = options.serial ?? "9752269000004242";
    this.#blockedSw = options.blockedSw ?? SW.BLOCKED;
    this.pins = new Map([
      [0x81, new PinSlot(pad(options.pin ?? "123456"), pinTries, 6, 8)],
      [0x82, new PinSlot(pad(options.signPin ?? "654321"), pinTries, 6, 8)],
      [0x83, new PinSlot(pad(options.puk ?? "12345678"), pukTries, 8, 8)],
    ]);
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
        pinType: PinType.asciiNumeric,
        minLength: puk ? 8 : 6,
        storedLength: STORED,
        maxLength: 8,
        reference: ref,
        padChar: PAD,
      };
      if (!puk) obj.unblockedBy = Buffer.from([0x03]);
      return obj;
    };
    const aodf = Buffer.concat([
      encodePinObject(pinObject("Legitimering", 1, 0x81, false)),
      encodePinObject(pinObject("Underskrift", 2, 0x82, false)),
      encodePinObject(pinObject("PUK", 3, 0x83, true)),
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
    this.#appFiles = [
      {
        fid: 0x5031,
        data: encodeOdf([
          { kind: "privateKeys", path: appPath(0x4402) },
          { kind: "authObjects", path: appPath(0x4401) },
        ]),
      },
      { fid: 0x5032, data: encodeTokenInfo({ serialNumber: this.serial, manufacturer: "Pinwarden", label: "Pinwarden virtuellt kort" }) },
      { fid: 0x4401, data: aodf },
      { fid: 0x4402, data: prkdf },
    ];
    this.#mfFiles = [
      {
        fid: 0x2f00,
        data: tlv(0x61, tlv(0x4f, PKCS15_AID), tlv(0x50, Buffer.from("Pinwarden")), tlv(0x51, Buffer.from([0x3f, 0x00, 0x50, 0x15]))),
      },
    ];
  }

  /** Unpadded current value of a code, for tests that check what the card holds. */
  codeOf(ref: number): string {
    return unpad(this.pins.get(ref)!.value).toString("ascii");
  }

  reset(): void {
    this.#df = "mf";
    this.#ef = undefined;
    for (const p of this.pins.values()) p.verified = false;
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
      default:
        return { sw: SW.INS_NOT_SUPPORTED };
    }
  }

  #selectFid(fid: number): boolean {
    if (fid === MF) {
      this.#df = "mf";
      this.#ef = undefined;
      return true;
    }
    if (fid === APP && this.#df === "mf") {
      this.#df = "app";
      this.#ef = undefined;
      return true;
    }
    const ef = (this.#df === "mf" ? this.#mfFiles : this.#appFiles).find((f) => f.fid === fid);
    if (!ef) return false;
    this.#ef = ef;
    return true;
  }

  #select(cmd: ParsedCommand): CardResponse {
    if (cmd.p1 === 0x04) {
      if (!cmd.data.equals(PKCS15_AID)) return { sw: SW.FILE_NOT_FOUND };
      this.#df = "app";
      this.#ef = undefined;
      return (cmd.p2 & 0x0c) === 0x0c
        ? { sw: SW.OK }
        : { data: tlv(0x62, tlv(0x82, Buffer.from([0x38])), tlv(0x84, PKCS15_AID)), sw: SW.OK };
    }
    if (cmd.data.length % 2 !== 0 || cmd.data.length === 0) return { sw: SW.WRONG_LENGTH };
    const fids: number[] = [];
    for (let i = 0; i < cmd.data.length; i += 2) fids.push(cmd.data.readUInt16BE(i));
    if (cmd.p1 === 0x08) this.#selectFid(MF);
    else if (cmd.p1 !== 0x00 && cmd.p1 !== 0x09) return { sw: SW.WRONG_P1P2 };
    for (const fid of fids) if (!this.#selectFid(fid)) return { sw: SW.FILE_NOT_FOUND };
    // P2 = 0C: no response data. Otherwise answer the FCP template clients like OpenSC expect.
    return (cmd.p2 & 0x0c) === 0x0c ? { sw: SW.OK } : { data: this.#fcp(fids[fids.length - 1]!), sw: SW.OK };
  }

  #fcp(fid: number): Buffer {
    const id = Buffer.from([fid >> 8, fid & 0xff]);
    if (this.#ef && this.#ef.fid === fid) {
      const size = Buffer.from([this.#ef.data.length >> 8, this.#ef.data.length & 0xff]);
      return tlv(0x62, tlv(0x80, size), tlv(0x82, Buffer.from([0x01])), tlv(0x83, id));
    }
    return tlv(0x62, tlv(0x82, Buffer.from([0x38])), tlv(0x83, id));
  }

  #readBinary(cmd: ParsedCommand): CardResponse {
    if (!this.#ef) return { sw: SW.CONDITIONS };
    const offset = ((cmd.p1 & 0x7f) << 8) | cmd.p2;
    const data = this.#ef.data;
    if (offset > data.length) return { sw: SW.WRONG_OFFSET };
    const le = cmd.le ?? 256;
    const chunk = data.subarray(offset, offset + le);
    return { data: Buffer.from(chunk), sw: chunk.length < le ? SW.END_OF_FILE : SW.OK };
  }

  #verify(cmd: ParsedCommand): CardResponse {
    const slot = this.pins.get(cmd.p2);
    if (!slot) return { sw: SW.REF_NOT_FOUND };
    if (cmd.data.length === 0) {
      if (slot.blocked) return { sw: this.#blockedSw };
      return { sw: slot.verified ? SW.OK : wrongCodeSw(slot.triesLeft) };
    }
    if (cmd.data.length !== STORED) return { sw: SW.WRONG_LENGTH };
    if (slot.blocked) return { sw: SW.BLOCKED };
    return slot.check(cmd.data) ? { sw: SW.OK } : { sw: wrongCodeSw(slot.triesLeft) };
  }

  #newCodeOk(slot: PinSlot, code: Buffer): boolean {
    const digits = unpad(code);
    return digits.length >= slot.minLength && digits.length <= slot.maxLength && digits.every((b) => b >= 0x30 && b <= 0x39);
  }

  #change(cmd: ParsedCommand): CardResponse {
    const slot = this.pins.get(cmd.p2);
    if (!slot || cmd.p1 !== 0x00) return { sw: slot ? SW.WRONG_P1P2 : SW.REF_NOT_FOUND };
    if (cmd.data.length !== 2 * STORED) return { sw: SW.WRONG_LENGTH };
    if (slot.blocked) return { sw: SW.BLOCKED };
    const next = cmd.data.subarray(STORED);
    if (!slot.check(cmd.data.subarray(0, STORED))) return { sw: wrongCodeSw(slot.triesLeft) };
    if (!this.#newCodeOk(slot, next)) return { sw: SW.WRONG_DATA };
    slot.set(next);
    return { sw: SW.OK };
  }

  #unblock(cmd: ParsedCommand): CardResponse {
    const slot = this.pins.get(cmd.p2);
    const pukRef = this.unblockedBy.get(cmd.p2);
    if (!slot || pukRef === undefined) return { sw: SW.REF_NOT_FOUND };
    if (cmd.p1 !== 0x00) return { sw: SW.WRONG_P1P2 };
    if (cmd.data.length !== 2 * STORED) return { sw: SW.WRONG_LENGTH };
    const puk = this.pins.get(pukRef)!;
    if (puk.blocked) return { sw: SW.BLOCKED };
    const next = cmd.data.subarray(STORED);
    if (!puk.check(cmd.data.subarray(0, STORED))) return { sw: wrongCodeSw(puk.triesLeft) };
    puk.verified = false;
    if (!this.#newCodeOk(slot, next)) return { sw: SW.WRONG_DATA };
    slot.set(next);
    return { sw: SW.OK };
  }
}
