/**
 * BER-TLV (ISO 7816-4 §5.2 / X.690) and the DER subset PKCS#15 needs.
 * Parsers throw ParseError, never anything else, on malformed input.
 */
export class ParseError extends Error {
  override readonly name = "ParseError";
}

export interface Tlv {
  /** Tag as an integer of its encoded bytes, e.g. 0x5F50, 0xA1, 0x30. */
  tag: number;
  constructed: boolean;
  value: Buffer;
}

const MAX_DEPTH = 32;

function readTag(b: Buffer, pos: number): { tag: number; constructed: boolean; next: number } {
  const first = b[pos];
  if (first === undefined) throw new ParseError("truncated tag");
  let tag = first;
  let next = pos + 1;
  if ((first & 0x1f) === 0x1f) {
    let more = true;
    let extra = 0;
    while (more) {
      const byte = b[next];
      if (byte === undefined) throw new ParseError("truncated multi-byte tag");
      if (++extra > 3) throw new ParseError("tag longer than 4 bytes");
      tag = tag * 256 + byte;
      next++;
      more = (byte & 0x80) !== 0;
    }
  }
  return { tag, constructed: (first & 0x20) !== 0, next };
}

function readLength(b: Buffer, pos: number): { length: number; next: number } {
  const first = b[pos];
  if (first === undefined) throw new ParseError("truncated length");
  if (first < 0x80) return { length: first, next: pos + 1 };
  if (first === 0x80) throw new ParseError("indefinite length is not allowed");
  const count = first & 0x7f;
  if (count > 3) throw new ParseError("length field longer than 3 bytes");
  let length = 0;
  for (let i = 1; i <= count; i++) {
    const byte = b[pos + i];
    if (byte === undefined) throw new ParseError("truncated length");
    length = length * 256 + byte;
  }
  return { length, next: pos + 1 + count };
}

/**
 * Parses a sequence of TLVs. Padding bytes 00 and FF between objects (as found at the
 * end of fixed-size EFs) end the list.
 */
export function parseTlvs(input: Uint8Array): Tlv[] {
  const b = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const out: Tlv[] = [];
  let pos = 0;
  while (pos < b.length) {
    if (b[pos] === 0x00 || b[pos] === 0xff) break;
    const t = readTag(b, pos);
    const l = readLength(b, t.next);
    const end = l.next + l.length;
    if (end > b.length) throw new ParseError("value runs past the end of the data");
    out.push({ tag: t.tag, constructed: t.constructed, value: b.subarray(l.next, end) });
    pos = end;
  }
  return out;
}

/** Children of a constructed TLV. */
export function children(t: Tlv): Tlv[] {
  if (!t.constructed) throw new ParseError(`tag ${t.tag.toString(16)} is not constructed`);
  return parseTlvs(t.value);
}

/** First TLV with the tag, searched depth-first through constructed objects. */
export function findTlv(list: Tlv[], tag: number, depth = 0): Tlv | undefined {
  if (depth > MAX_DEPTH) throw new ParseError("TLV nested too deeply");
  for (const t of list) {
    if (t.tag === tag) return t;
    if (t.constructed) {
      const hit = findTlv(parseTlvs(t.value), tag, depth + 1);
      if (hit) return hit;
    }
  }
  return undefined;
}

function tagBytes(tag: number): number[] {
  const bytes: number[] = [];
  let t = tag;
  do {
    bytes.unshift(t & 0xff);
    t = Math.floor(t / 256);
  } while (t > 0);
  return bytes;
}

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x100) return [0x81, n];
  if (n < 0x10000) return [0x82, n >> 8, n & 0xff];
  return [0x83, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** Encodes one TLV; the value may be bytes or already-encoded children. */
export function tlv(tag: number, ...value: Uint8Array[]): Buffer {
  const v = Buffer.concat(value);
  return Buffer.concat([Buffer.from(tagBytes(tag)), Buffer.from(lengthBytes(v.length)), v]);
}

// --- DER primitives ---------------------------------------------------------

export const DER = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
} as const;

/** Unsigned integer of at most 4 bytes (lengths, references, counters). */
export function derUint(value: Buffer): number {
  if (value.length === 0 || value.length > 5) throw new ParseError("integer of unsupported size");
  let n = 0;
  for (const byte of value) n = n * 256 + byte;
  return n;
}

export function encodeUint(n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if ((bytes[0] ?? 0) & 0x80) bytes.unshift(0);
  return Buffer.from(bytes);
}

/** True when bit `n` (0 = first, most significant) of a DER BIT STRING is set. */
export function bitSet(bitString: Buffer, n: number): boolean {
  if (bitString.length < 1) throw new ParseError("empty BIT STRING");
  const byte = bitString[1 + (n >> 3)];
  if (byte === undefined) return false;
  return (byte & (0x80 >> (n & 7))) !== 0;
}

/** Encodes a BIT STRING with the given bits set, trailing zero bits trimmed. */
export function encodeBits(bits: number[]): Buffer {
  const max = bits.length ? Math.max(...bits) : -1;
  const bytes = Buffer.alloc(max < 0 ? 0 : (max >> 3) + 1);
  for (const n of bits) bytes[n >> 3]! |= 0x80 >> (n & 7);
  const unused = max < 0 ? 0 : 7 - (max & 7);
  return Buffer.concat([Buffer.from([unused]), bytes]);
}
