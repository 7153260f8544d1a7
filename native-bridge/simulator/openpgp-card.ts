/**
 * A virtual OpenPGP card (v3.4 subset): PW1, PW3 and the resetting code with their
 * counters in DO C4, the data objects `gpg --card-status` and OpenSC's openpgp driver
 * read, and an option for cards that answer 6982 to a wrong PIN.
 */
import { INS, type ParsedCommand } from "../apdu/command.js";
import { tlv } from "../apdu/tlv.js";
import { PinSlot, SW, VirtualCard, wrongCodeSw, type CardResponse, type VirtualCardOptions } from "./virtual-card.js";

export interface OpenPgpCardOptions extends VirtualCardOptions {
  pin?: string | undefined;
  adminPin?: string | undefined;
  /** Resetting code; unset (counter 0) unless given. */
  resetCode?: string | undefined;
  /** Answer a wrong PIN with 6982 rather than 63Cx (some older cards). */
  wrongSw6982?: boolean;
  serial?: number;
}

const AID_PREFIX = Buffer.from("D27600012401", "hex");
const MAX_LEN = 0x7f;
const INS_PUT_DATA = 0xda;
/** ATR of an OpenPGP card 3.x (as listed in the GnuPG and OpenSC ATR tables). */
const OPENPGP_ATR = Buffer.from("3BDA18FF81B1FE751F030031C573C001400090000C", "hex");

export class OpenPgpCard extends VirtualCard {
  readonly family = "openpgp";
  readonly atr = OPENPGP_ATR;
  readonly pw1: PinSlot;
  readonly pw3: PinSlot;
  readonly rc: PinSlot;
  readonly #wrong6982: boolean;
  readonly #aid: Buffer;
  #selected = false;
  /** PW1 verified for P2 81 (signing) and P2 82 (other), separately. */
  #pw1Other = false;

  constructor(options: OpenPgpCardOptions = {}) {
    super(options);
    this.pw1 = new PinSlot(Buffer.from(options.pin ?? "123456"), 3, 6, MAX_LEN);
    this.pw3 = new PinSlot(Buffer.from(options.adminPin ?? "12345678"), 3, 8, MAX_LEN);
    this.rc = new PinSlot(Buffer.from(options.resetCode ?? ""), 3, 8, MAX_LEN);
    if (!options.resetCode) this.rc.triesLeft = 0;
    this.#wrong6982 = options.wrongSw6982 ?? false;
    const serial = Buffer.alloc(4);
    serial.writeUInt32BE(options.serial ?? 0x00004242);
    // RID+PIX | version 3.4 | manufacturer FFFE (test card range) | serial | RFU
    this.#aid = Buffer.concat([AID_PREFIX, Buffer.from([3, 4, 0xff, 0xfe]), serial, Buffer.from([0, 0])]);
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

  #pwStatus(): Buffer {
    return Buffer.from([0x01, MAX_LEN, MAX_LEN, MAX_LEN, this.pw1.triesLeft, this.rc.triesLeft, this.pw3.triesLeft]);
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
            tlv(0xc0, Buffer.from("00000000080000ff0000", "hex")),
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
      case 0x00c4:
        return this.#pwStatus();
      case 0x7f21:
        return Buffer.alloc(0);
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
    switch (cmd.ins) {
      case INS.GET_DATA: {
        const data = this.#dataObject((cmd.p1 << 8) | cmd.p2);
        return data ? { data, sw: SW.OK } : { sw: SW.REF_NOT_FOUND };
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
    if (!slot.check(cmd.data.subarray(0, oldLen))) return { sw: this.#wrong(slot) };
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
    if (((cmd.p1 << 8) | cmd.p2) !== 0x00d3) return { sw: SW.REF_NOT_FOUND };
    if (cmd.data.length > 0 && cmd.data.length < this.rc.minLength) return { sw: SW.WRONG_LENGTH };
    this.rc.set(cmd.data);
    if (cmd.data.length === 0) this.rc.triesLeft = 0;
    return { sw: SW.OK };
  }
}
