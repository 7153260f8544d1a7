/**
 * Command APDUs (short form, ISO 7816-4 §5.1) and the builders Pinwarden uses.
 * Commands that carry a code mark it `secret` so logs and APDU traces mask the data.
 */
import { tlv } from "./tlv.js";

export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data?: Buffer;
  /** Expected response length; 256 is encoded as 00. Undefined = no Le. */
  le?: number | undefined;
  /** The data field holds a PIN, PUK or similar: never print it. */
  secret?: boolean;
}

export const INS = {
  SELECT: 0xa4,
  READ_BINARY: 0xb0,
  VERIFY: 0x20,
  CHANGE_REFERENCE_DATA: 0x24,
  RESET_RETRY_COUNTER: 0x2c,
  GET_RESPONSE: 0xc0,
  GET_DATA: 0xca,
  GET_DATA_ODD: 0xcb,
  /** YubiKey-compatible PIV extension: metadata of a key or PIN slot. */
  GET_METADATA: 0xf7,
} as const;

/** Encodes a short APDU. The data of a secret command is copied: wipe the result after use. */
export function encodeCommand(c: CommandApdu): Buffer {
  const data = c.data ?? Buffer.alloc(0);
  if (data.length > 255) throw new RangeError("short APDU data is at most 255 bytes");
  const parts: number[] = [c.cla, c.ins, c.p1, c.p2];
  const head = Buffer.from(parts);
  const lc = data.length > 0 ? Buffer.from([data.length]) : Buffer.alloc(0);
  const le = c.le === undefined ? Buffer.alloc(0) : Buffer.from([c.le >= 256 ? 0 : c.le]);
  return Buffer.concat([head, lc, data, le]);
}

/** A trace line for logs: the header, and the data only when it is not secret. */
export function describeCommand(c: CommandApdu): string {
  const h = Buffer.from([c.cla, c.ins, c.p1, c.p2]).toString("hex").toUpperCase();
  if (!c.data?.length) return h;
  return c.secret ? `${h} [${c.data.length} bytes masked]` : `${h} ${c.data.toString("hex").toUpperCase()}`;
}

export const selectAid = (aid: Buffer): CommandApdu => ({
  cla: 0x00,
  ins: INS.SELECT,
  p1: 0x04,
  p2: 0x00,
  data: aid,
  le: 256,
});

export const readBinary = (offset: number, le: number): CommandApdu => ({
  cla: 0x00,
  ins: INS.READ_BINARY,
  p1: (offset >> 8) & 0x7f,
  p2: offset & 0xff,
  le,
});

/** VERIFY with no data: asks for the retry counter without spending a try. */
export const verifyEmpty = (ref: number): CommandApdu => ({
  cla: 0x00,
  ins: INS.VERIFY,
  p1: 0x00,
  p2: ref,
});

export const verify = (ref: number, code: Buffer): CommandApdu => ({
  cla: 0x00,
  ins: INS.VERIFY,
  p1: 0x00,
  p2: ref,
  data: code,
  secret: true,
});

export const changeReferenceData = (ref: number, oldAndNew: Buffer): CommandApdu => ({
  cla: 0x00,
  ins: INS.CHANGE_REFERENCE_DATA,
  p1: 0x00,
  p2: ref,
  data: oldAndNew,
  secret: true,
});

export const resetRetryCounter = (ref: number, pukAndNew: Buffer, p1 = 0x00): CommandApdu => ({
  cla: 0x00,
  ins: INS.RESET_RETRY_COUNTER,
  p1,
  p2: ref,
  data: pukAndNew,
  secret: true,
});

export const getData = (tag: number): CommandApdu => ({
  cla: 0x00,
  ins: INS.GET_DATA,
  p1: tag >> 8,
  p2: tag & 0xff,
  le: 256,
});

/** PIV GET DATA (SP 800-73-4 Part 2 §3.1.2): INS CB, P1P2 3FFF, a tag list 5C naming the object. */
export const getPivData = (tag: Buffer): CommandApdu => ({
  cla: 0x00,
  ins: INS.GET_DATA_ODD,
  p1: 0x3f,
  p2: 0xff,
  data: tlv(0x5c, tag),
  le: 256,
});

export const getResponse = (le: number): CommandApdu => ({
  cla: 0x00,
  ins: INS.GET_RESPONSE,
  p1: 0,
  p2: 0,
  le,
});

export const getMetadata = (ref: number): CommandApdu => ({
  cla: 0x00,
  ins: INS.GET_METADATA,
  p1: 0x00,
  p2: ref,
  le: 256,
});

/** Parsed command as a card sees it (used by the virtual cards and APDU logs). */
export interface ParsedCommand {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Buffer;
  le: number | undefined;
}

/** Parses a C-APDU, short or extended (cases 1–4). Throws RangeError on a malformed one. */
export function parseCommand(raw: Uint8Array): ParsedCommand {
  const b = Buffer.from(raw);
  if (b.length < 4) throw new RangeError("APDU shorter than its header");
  const [cla, ins, p1, p2] = [b[0]!, b[1]!, b[2]!, b[3]!];
  const none = Buffer.alloc(0);
  if (b.length === 4) return { cla, ins, p1, p2, data: none, le: undefined };
  if (b.length === 5) return { cla, ins, p1, p2, data: none, le: b[4] || 256 };
  if (b[4] !== 0) {
    const lc = b[4]!;
    if (b.length === 5 + lc) return { cla, ins, p1, p2, data: b.subarray(5, 5 + lc), le: undefined };
    if (b.length === 6 + lc) return { cla, ins, p1, p2, data: b.subarray(5, 5 + lc), le: b[5 + lc] || 256 };
    throw new RangeError("APDU length does not match its Lc");
  }
  // Extended: 00 then two bytes of Le (case 2E) or of Lc (cases 3E, 4E).
  if (b.length === 7) return { cla, ins, p1, p2, data: none, le: b.readUInt16BE(5) || 65536 };
  const lc = b.readUInt16BE(5);
  if (lc === 0) throw new RangeError("extended Lc of zero");
  if (b.length === 7 + lc) return { cla, ins, p1, p2, data: b.subarray(7, 7 + lc), le: undefined };
  if (b.length === 9 + lc) return { cla, ins, p1, p2, data: b.subarray(7, 7 + lc), le: b.readUInt16BE(7 + lc) || 65536 };
  throw new RangeError("APDU length does not match its extended Lc");
}
