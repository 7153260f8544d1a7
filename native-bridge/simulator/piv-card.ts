/**
 * A virtual PIV card (SP 800-73-4) with the YubiKey extensions that tools rely on:
 * GET METADATA for the PIN and PUK, GET VERSION and GET SERIAL. Options turn the
 * extensions off and switch to the 630x variant of "wrong PIN".
 */
import { INS, type ParsedCommand } from "../apdu/command.js";
import { tlv } from "../apdu/tlv.js";
import { makeAtr } from "./atr.js";
import { PinSlot, SW, VirtualCard, wrongCodeSw, type CardResponse, type VirtualCardOptions } from "./virtual-card.js";

export interface PivCardOptions extends VirtualCardOptions {
  pin?: string | undefined;
  puk?: string | undefined;
  pinTries?: number;
  pukTries?: number;
  /** Answer GET METADATA / GET VERSION / GET SERIAL (YubiKey-compatible). Default true. */
  metadata?: boolean;
  /** Answer a wrong PIN with 630x rather than 63Cx. */
  sw630x?: boolean;
  serial?: number;
}

const AID = Buffer.from("A000000308", "hex");
const PIN = 0x80;
const PUK = 0x81;
const PAD = 0xff;
const INS_GET_VERSION = 0xfd;
const INS_GET_SERIAL = 0xf8;

const pad8 = (s: string) => {
  const b = Buffer.alloc(8, PAD);
  Buffer.from(s, "ascii").copy(b);
  return b;
};
const unpad = (b: Buffer) => {
  let end = b.length;
  while (end > 0 && b[end - 1] === PAD) end--;
  return b.subarray(0, end);
};

export class PivCard extends VirtualCard {
  readonly family = "piv";
  readonly atr = makeAtr("PINWARDEN-PIV");
  readonly pin: PinSlot;
  readonly puk: PinSlot;
  readonly #metadata: boolean;
  readonly #sw630x: boolean;
  readonly #serial: number;
  #selected = false;

  constructor(options: PivCardOptions = {}) {
    super(options);
    this.pin = new PinSlot(pad8(options.pin ?? "123456"), options.pinTries ?? 3, 6, 8);
    this.puk = new PinSlot(pad8(options.puk ?? "12345678"), options.pukTries ?? 3, 6, 8);
    this.#metadata = options.metadata ?? true;
    this.#sw630x = options.sw630x ?? false;
    this.#serial = options.serial ?? 4242424;
  }

  codeOf(ref: number): string {
    return unpad((ref === PIN ? this.pin : this.puk).value).toString("ascii");
  }

  reset(): void {
    this.#selected = false;
    this.pin.verified = false;
  }

  #wrong(left: number): number {
    return this.#sw630x ? 0x6300 | left : wrongCodeSw(left);
  }

  protected handle(cmd: ParsedCommand): CardResponse {
    if (cmd.ins === INS.SELECT) {
      if (cmd.p1 !== 0x04 || !cmd.data.subarray(0, AID.length).equals(AID)) {
        return { sw: SW.FILE_NOT_FOUND };
      }
      this.#selected = true;
      // Application property template: PIX of the application and the coexistent tag allocation authority.
      return { data: tlv(0x61, tlv(0x4f, Buffer.from("000010000100", "hex")), tlv(0x79, tlv(0x4f, AID))), sw: SW.OK };
    }
    if (!this.#selected) return { sw: SW.INS_NOT_SUPPORTED };
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
    if (tag !== "5FC102") return { sw: SW.FILE_NOT_FOUND };
    const guid = Buffer.alloc(16);
    guid.writeUInt32BE(this.#serial, 12);
    guid.write("PINWARDEN", 0, "ascii");
    const fascn = Buffer.from("D4E739DA739CED39CE739D836858210842108421C84210C3EB", "hex");
    return { data: tlv(0x53, tlv(0x30, fascn), tlv(0x34, guid), tlv(0x35, Buffer.from("20301231")), tlv(0x3e), tlv(0xfe)), sw: SW.OK };
  }

  #verify(cmd: ParsedCommand): CardResponse {
    if (cmd.p2 === PUK) return { sw: SW.REF_NOT_FOUND };
    if (cmd.p2 !== PIN) return { sw: SW.REF_NOT_FOUND };
    if (cmd.p1 === 0xff) {
      this.pin.verified = false;
      return { sw: SW.OK };
    }
    if (cmd.data.length === 0) {
      if (this.pin.blocked) return { sw: SW.BLOCKED };
      return { sw: this.pin.verified ? SW.OK : this.#wrong(this.pin.triesLeft) };
    }
    if (cmd.data.length !== 8) return { sw: SW.WRONG_LENGTH };
    if (this.pin.blocked) return { sw: SW.BLOCKED };
    return this.pin.check(cmd.data) ? { sw: SW.OK } : { sw: this.#wrong(this.pin.triesLeft) };
  }

  #newOk(slot: PinSlot, code: Buffer, digits: boolean): boolean {
    const v = unpad(code);
    return v.length >= slot.minLength && v.length <= slot.maxLength && (!digits || v.every((b) => b >= 0x30 && b <= 0x39));
  }

  #change(cmd: ParsedCommand): CardResponse {
    const slot = cmd.p2 === PIN ? this.pin : cmd.p2 === PUK ? this.puk : undefined;
    if (!slot) return { sw: SW.REF_NOT_FOUND };
    if (cmd.data.length !== 16) return { sw: SW.WRONG_LENGTH };
    if (slot.blocked) return { sw: SW.BLOCKED };
    if (!slot.check(cmd.data.subarray(0, 8))) return { sw: this.#wrong(slot.triesLeft) };
    if (!this.#newOk(slot, cmd.data.subarray(8), slot === this.pin)) return { sw: SW.WRONG_DATA };
    slot.set(cmd.data.subarray(8));
    if (slot === this.puk) this.puk.verified = false;
    return { sw: SW.OK };
  }

  #unblock(cmd: ParsedCommand): CardResponse {
    if (cmd.p2 !== PIN) return { sw: SW.REF_NOT_FOUND };
    if (cmd.data.length !== 16) return { sw: SW.WRONG_LENGTH };
    if (this.puk.blocked) return { sw: SW.BLOCKED };
    if (!this.puk.check(cmd.data.subarray(0, 8))) return { sw: this.#wrong(this.puk.triesLeft) };
    this.puk.verified = false;
    if (!this.#newOk(this.pin, cmd.data.subarray(8), true)) return { sw: SW.WRONG_DATA };
    this.pin.set(cmd.data.subarray(8));
    return { sw: SW.OK };
  }

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
