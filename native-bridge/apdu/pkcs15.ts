/**
 * The subset of PKCS#15 / ISO 7816-15 DER that Pinwarden reads: EF.ODF, EF.AODF (PIN
 * objects), EF.PrKDF (which PIN protects a non-repudiation key) and EF.TokenInfo.
 * Each parser has an encoder twin used by the virtual card and the round-trip tests.
 */
import { bitSet, children, DER, derUint, encodeBits, encodeUint, ParseError, parseTlvs, tlv, type Tlv } from "./tlv.js";

export const PKCS15_AID = Buffer.from("A000000063504B43532D3135", "hex");

/** PinFlags bit numbers (ISO 7816-15 / PKCS#15 v1.1 §6.8.2). */
export const PinFlag = {
  caseSensitive: 0,
  local: 1,
  changeDisabled: 2,
  unblockDisabled: 3,
  initialized: 4,
  needsPadding: 5,
  unblockingPin: 6,
  soPin: 7,
} as const;

/** KeyUsageFlags bit numbers; nonRepudiation marks the signing key. */
export const KeyUsage = { sign: 2, decrypt: 1, nonRepudiation: 9 } as const;

/** PinType ENUMERATED values (ISO 7816-15; OpenSC pkcs15.h SC_PKCS15_PIN_TYPE_*). */
export const PinType = { bcd: 0, asciiNumeric: 1, utf8: 2, halfNibbleBcd: 3, iso9564_1: 4 } as const;

export interface PinObject {
  label: string;
  /**
   * This object's own id (CommonAuthenticationObjectAttributes.authId). OPTIONAL in
   * ISO 7816-15: an object without one is still a PIN, it just cannot be named as an
   * unblocker (OpenSC pkcs15-pin.c decodes it as optional).
   */
  authId?: Buffer | undefined;
  /** The auth object that unblocks this one (CommonObjectAttributes.authId), if any. */
  unblockedBy?: Buffer;
  flags: {
    local: boolean;
    changeDisabled: boolean;
    unblockDisabled: boolean;
    initialized: boolean;
    needsPadding: boolean;
    unblockingPin: boolean;
    soPin: boolean;
  };
  pinType: number;
  minLength: number;
  storedLength: number;
  maxLength?: number;
  reference: number;
  padChar?: number;
  path?: Buffer;
}

export interface PrivateKeyObject {
  label: string;
  /** CommonKeyAttributes.iD: a certificate for this key carries the same iD (EF.CDF). */
  id?: Buffer;
  /** The PIN protecting the key. */
  authId?: Buffer;
  usage: { sign: boolean; decrypt: boolean; nonRepudiation: boolean };
}

export interface TokenInfo {
  serialNumber: string;
  label?: string;
  manufacturer?: string;
}

export type OdfKind = "privateKeys" | "authObjects" | "certificates" | "trustedCertificates" | "usefulCertificates" | "other";

/** EF.ODF's choice tags (ISO 7816-15 §8.2 PKCS15Objects; OpenSC pkcs15.c odf_indexes). */
const ODF_TAGS: Partial<Record<OdfKind, number>> = {
  privateKeys: 0xa0,
  certificates: 0xa4,
  trustedCertificates: 0xa5,
  usefulCertificates: 0xa6,
  authObjects: 0xa8,
};
const odfKindOf = (tag: number): OdfKind => (Object.keys(ODF_TAGS) as OdfKind[]).find((k) => ODF_TAGS[k] === tag) ?? "other";
export interface OdfEntry {
  kind: OdfKind;
  path: Buffer;
}

function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) throw new ParseError(`${what}: expected tag ${tag.toString(16)}`);
  return t;
}

function pathOf(t: Tlv): Buffer {
  const seq = expectTag(t, DER.SEQUENCE, "Path");
  return expectTag(children(seq)[0], DER.OCTET_STRING, "Path.path").value;
}

export function parseOdf(data: Uint8Array): OdfEntry[] {
  return parseTlvs(data).map((t) => {
    const kind = odfKindOf(t.tag);
    if ((t.tag & 0xe0) !== 0xa0) throw new ParseError("ODF entry is not a context tag");
    return { kind, path: pathOf(expectTag(children(t)[0], DER.SEQUENCE, "ODF path")) };
  });
}

/** Common object attributes: label, authId of the protecting/unblocking object. */
function commonAttributes(t: Tlv): { label: string; authId?: Buffer } {
  let label = "";
  let authId: Buffer | undefined;
  for (const c of children(expectTag(t, DER.SEQUENCE, "CommonObjectAttributes"))) {
    if (c.tag === DER.UTF8_STRING) label = c.value.toString("utf8");
    if (c.tag === DER.OCTET_STRING) authId = c.value;
  }
  return authId ? { label, authId } : { label };
}

export function parseAodf(data: Uint8Array): PinObject[] {
  const pins: PinObject[] = [];
  for (const obj of parseTlvs(data)) {
    if (obj.tag !== DER.SEQUENCE) continue; // biometric / authKey objects are tagged; PIN is untagged
    const [common, classAttrs, ...rest] = children(obj);
    const { label, authId: unblockedBy } = commonAttributes(expectTag(common, DER.SEQUENCE, "common"));
    const authId = children(expectTag(classAttrs, DER.SEQUENCE, "auth attrs")).find((t) => t.tag === DER.OCTET_STRING)?.value;
    const typeAttrs = rest.find((t) => t.tag === 0xa1);
    if (!typeAttrs) throw new ParseError("PIN object without typeAttributes");
    const attrs = children(expectTag(children(typeAttrs)[0], DER.SEQUENCE, "PinAttributes"));
    const flagBits = expectTag(attrs[0], DER.BIT_STRING, "pinFlags").value;
    const pinType = derUint(expectTag(attrs[1], DER.ENUMERATED, "pinType").value);
    const minLength = derUint(expectTag(attrs[2], DER.INTEGER, "minLength").value);
    const storedLength = derUint(expectTag(attrs[3], DER.INTEGER, "storedLength").value);
    let maxLength: number | undefined;
    let reference = 0;
    let padChar: number | undefined;
    let path: Buffer | undefined;
    for (const a of attrs.slice(4)) {
      if (a.tag === DER.INTEGER) maxLength = derUint(a.value);
      else if (a.tag === 0x80) reference = derUint(a.value);
      else if (a.tag === DER.OCTET_STRING) padChar = a.value[0];
      else if (a.tag === DER.SEQUENCE) path = pathOf(a);
    }
    if (minLength > storedLength && storedLength > 0) throw new ParseError("minLength above storedLength");
    const pin: PinObject = {
      label,
      flags: {
        local: bitSet(flagBits, PinFlag.local),
        changeDisabled: bitSet(flagBits, PinFlag.changeDisabled),
        unblockDisabled: bitSet(flagBits, PinFlag.unblockDisabled),
        initialized: bitSet(flagBits, PinFlag.initialized),
        needsPadding: bitSet(flagBits, PinFlag.needsPadding),
        unblockingPin: bitSet(flagBits, PinFlag.unblockingPin),
        soPin: bitSet(flagBits, PinFlag.soPin),
      },
      pinType,
      minLength,
      storedLength,
      reference,
    };
    if (authId) pin.authId = authId;
    if (unblockedBy) pin.unblockedBy = unblockedBy;
    if (maxLength !== undefined) pin.maxLength = maxLength;
    if (padChar !== undefined) pin.padChar = padChar;
    if (path) pin.path = path;
    pins.push(pin);
  }
  return pins;
}

export function parsePrkdf(data: Uint8Array): PrivateKeyObject[] {
  return parseTlvs(data).map((obj) => {
    // privateRSAKey is untagged (30); privateECKey is [0] (A0) and so on.
    const [common, keyAttrs] = children(obj);
    const { label, authId } = commonAttributes(expectTag(common, DER.SEQUENCE, "common"));
    const keyAttributes = children(expectTag(keyAttrs, DER.SEQUENCE, "CommonKeyAttributes"));
    const usageBits = keyAttributes.find((c) => c.tag === DER.BIT_STRING);
    if (!usageBits) throw new ParseError("key without usage");
    const id = keyAttributes.find((c) => c.tag === DER.OCTET_STRING)?.value;
    const key: PrivateKeyObject = {
      label,
      usage: {
        sign: bitSet(usageBits.value, KeyUsage.sign),
        decrypt: bitSet(usageBits.value, KeyUsage.decrypt),
        nonRepudiation: bitSet(usageBits.value, KeyUsage.nonRepudiation),
      },
    };
    if (authId) key.authId = authId;
    if (id) key.id = id;
    return key;
  });
}

export function parseTokenInfo(data: Uint8Array): TokenInfo {
  const seq = expectTag(parseTlvs(data)[0], DER.SEQUENCE, "TokenInfo");
  const [version, serial, ...rest] = children(seq);
  expectTag(version, DER.INTEGER, "TokenInfo.version");
  const serialNumber = expectTag(serial, DER.OCTET_STRING, "TokenInfo.serialNumber").value.toString("hex").toUpperCase();
  const info: TokenInfo = { serialNumber };
  for (const t of rest) {
    if (t.tag === DER.UTF8_STRING) info.manufacturer = t.value.toString("utf8");
    if (t.tag === 0x80) info.label = t.value.toString("utf8");
  }
  return info;
}

/** One application template of EF.DIR (ISO 7816-4 §8.2.1.1: tag 61 {4F AID, 50 label, 51 path}). */
export interface DirApp {
  aid?: Buffer;
  label?: string;
  path?: Buffer;
}

/** EF.DIR (2F00) read as a transparent EF: every application template, in order. */
export function parseDir(data: Uint8Array): DirApp[] {
  const apps: DirApp[] = [];
  for (const t of parseTlvs(data)) {
    if (t.tag !== 0x61) continue;
    const app: DirApp = {};
    for (const c of children(t)) {
      if (c.tag === 0x4f) app.aid = c.value;
      else if (c.tag === 0x50) app.label = c.value.toString("utf8");
      else if (c.tag === 0x51) app.path = c.value;
    }
    apps.push(app);
  }
  return apps;
}

/**
 * The size of a transparent EF from a SELECT answer (FCP template 62, or an FCI 6F that
 * carries it): tag 80 (data bytes) or else 81 (ISO 7816-4 §5.3.3). undefined = not said.
 */
export function fcpFileSize(data: Uint8Array): number | undefined {
  try {
    const top = parseTlvs(data)[0];
    if (!top || (top.tag !== 0x62 && top.tag !== 0x6f)) return undefined;
    const inner = children(top);
    const size = inner.find((t) => t.tag === 0x80) ?? inner.find((t) => t.tag === 0x81);
    return size && size.value.length > 0 && size.value.length <= 4 ? derUint(size.value) : undefined;
  } catch {
    return undefined;
  }
}

export function encodeDir(apps: DirApp[]): Buffer {
  return Buffer.concat(
    apps.map((a) => {
      const parts: Buffer[] = [];
      if (a.aid) parts.push(tlv(0x4f, a.aid));
      if (a.label) parts.push(tlv(0x50, Buffer.from(a.label, "utf8")));
      if (a.path) parts.push(tlv(0x51, a.path));
      return tlv(0x61, ...parts);
    }),
  );
}

// --- encoders (virtual card, tests) ------------------------------------------

const path = (p: Buffer) => tlv(DER.SEQUENCE, tlv(DER.OCTET_STRING, p));

export function encodeOdf(entries: OdfEntry[]): Buffer {
  return Buffer.concat(entries.map((e) => tlv(ODF_TAGS[e.kind] ?? 0xa4, path(e.path))));
}

export function encodePinObject(p: PinObject): Buffer {
  const flagBits = Object.entries(p.flags)
    .filter(([, on]) => on)
    .map(([name]) => PinFlag[name as keyof typeof PinFlag]);
  const common = [tlv(DER.UTF8_STRING, Buffer.from(p.label, "utf8")), tlv(DER.BIT_STRING, encodeBits([0]))];
  if (p.unblockedBy) common.push(tlv(DER.OCTET_STRING, p.unblockedBy));
  const attrs = [
    tlv(DER.BIT_STRING, encodeBits(flagBits)),
    tlv(DER.ENUMERATED, encodeUint(p.pinType)),
    tlv(DER.INTEGER, encodeUint(p.minLength)),
    tlv(DER.INTEGER, encodeUint(p.storedLength)),
  ];
  if (p.maxLength !== undefined) attrs.push(tlv(DER.INTEGER, encodeUint(p.maxLength)));
  attrs.push(tlv(0x80, encodeUint(p.reference)));
  if (p.padChar !== undefined) attrs.push(tlv(DER.OCTET_STRING, Buffer.from([p.padChar])));
  if (p.path) attrs.push(path(p.path));
  return tlv(
    DER.SEQUENCE,
    tlv(DER.SEQUENCE, ...common),
    tlv(DER.SEQUENCE, ...(p.authId ? [tlv(DER.OCTET_STRING, p.authId)] : [])),
    tlv(0xa1, tlv(DER.SEQUENCE, ...attrs)),
  );
}

export function encodePrivateKey(k: PrivateKeyObject & { id: Buffer }): Buffer {
  const usage = (Object.keys(k.usage) as (keyof typeof KeyUsage)[]).filter((u) => k.usage[u]).map((u) => KeyUsage[u]);
  const common = [tlv(DER.UTF8_STRING, Buffer.from(k.label, "utf8")), tlv(DER.BIT_STRING, encodeBits([0]))];
  if (k.authId) common.push(tlv(DER.OCTET_STRING, k.authId));
  return tlv(
    DER.SEQUENCE,
    tlv(DER.SEQUENCE, ...common),
    tlv(DER.SEQUENCE, tlv(DER.OCTET_STRING, k.id), tlv(DER.BIT_STRING, encodeBits(usage))),
    tlv(0xa1, tlv(DER.SEQUENCE, path(Buffer.from("3F0050154B01", "hex")), tlv(DER.INTEGER, encodeUint(2048)))),
  );
}

export function encodeTokenInfo(t: TokenInfo): Buffer {
  const parts = [tlv(DER.INTEGER, encodeUint(0)), tlv(DER.OCTET_STRING, Buffer.from(t.serialNumber, "hex"))];
  if (t.manufacturer) parts.push(tlv(DER.UTF8_STRING, Buffer.from(t.manufacturer, "utf8")));
  if (t.label) parts.push(tlv(0x80, Buffer.from(t.label, "utf8")));
  parts.push(tlv(DER.BIT_STRING, encodeBits([])));
  return tlv(DER.SEQUENCE, ...parts);
}

// --- certificates (EF.CDF) ------------------------------------------------------

/**
 * An X.509 certificate object of EF.CDF (ISO 7816-15 §8.6; PKCS#15 v1.1 §6.6; OpenSC
 * pkcs15-cert.c): CIO { CommonObjectAttributes, CommonCertificateAttributes { iD,
 * authority DEFAULT FALSE, ... }, [1] X509CertificateAttributes { value ObjectValue, ... } }.
 * Other certificate types (attribute certificates [0], SPKI [1], PGP [2], ...) are tagged
 * and are not X.509 certificates: skipped.
 */
export interface CertificateObject {
  label: string;
  /** The same iD as the certificate's private key in EF.PrKDF. */
  id: Buffer;
  /** A CA's certificate, not the card holder's. */
  authority: boolean;
  /** Where the certificate is: absolute, or relative to the application. */
  path?: Buffer;
  /** Path.index and Path.length: the certificate is this part of the file. */
  index?: number;
  length?: number;
  /** ObjectValue's direct choice ([0]): the certificate held in the CDF itself. */
  value?: Buffer;
}

export function parseCdf(data: Uint8Array): CertificateObject[] {
  const certificates: CertificateObject[] = [];
  for (const obj of parseTlvs(data)) {
    if (obj.tag !== DER.SEQUENCE) continue;
    const [common, classAttrs, ...rest] = children(obj);
    const { label } = commonAttributes(expectTag(common, DER.SEQUENCE, "common"));
    const attrs = children(expectTag(classAttrs, DER.SEQUENCE, "CommonCertificateAttributes"));
    const id = expectTag(attrs[0], DER.OCTET_STRING, "certificate iD").value;
    const authority = attrs.some((a) => a.tag === DER.BOOLEAN && a.value.length === 1 && a.value[0] !== 0);
    const typeAttrs = rest.find((t) => t.tag === 0xa1);
    if (!typeAttrs) throw new ParseError("certificate object without typeAttributes");
    const value = children(expectTag(children(typeAttrs)[0], DER.SEQUENCE, "X509CertificateAttributes"))[0];
    if (!value) throw new ParseError("certificate object without value");
    const cert: CertificateObject = { label, id, authority };
    if (value.tag === DER.SEQUENCE) {
      const [p, ...more] = children(value);
      cert.path = expectTag(p, DER.OCTET_STRING, "Path.path").value;
      const index = more.find((m) => m.tag === DER.INTEGER);
      const length = more.find((m) => m.tag === 0x80);
      if (index && length) {
        cert.index = derUint(index.value);
        cert.length = derUint(length.value);
      }
    } else if (value.tag === 0xa0) {
      cert.value = value.value;
    } else {
      continue; // a URL: nothing on the card to read
    }
    certificates.push(cert);
  }
  return certificates;
}

export function encodeCertificateObject(c: { label: string; id: Buffer; authority?: boolean; path: Buffer }): Buffer {
  return tlv(
    DER.SEQUENCE,
    tlv(DER.SEQUENCE, tlv(DER.UTF8_STRING, Buffer.from(c.label, "utf8")), tlv(DER.BIT_STRING, encodeBits([]))),
    tlv(DER.SEQUENCE, tlv(DER.OCTET_STRING, c.id), ...(c.authority ? [tlv(DER.BOOLEAN, Buffer.from([0xff]))] : [])),
    tlv(0xa1, tlv(DER.SEQUENCE, path(c.path))),
  );
}
