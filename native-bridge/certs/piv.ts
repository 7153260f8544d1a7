/**
 * PIV certificates (SP 800-73-4): one data object per key slot, read with GET DATA and no
 * PIN (their access rule is "always", Part 1 Table 2). The object is 53 { 70 certificate,
 * 71 CertInfo, FE error detection code }; CertInfo bit 0x01 says the certificate is
 * gzip-compressed (Part 1 §3.3.2; OpenSC card-piv.c and yubico-piv-tool gunzip it too).
 */
import { gunzipSync } from "node:zlib";
import { getPivData, selectAid } from "../apdu/command.js";
import { swHex } from "../apdu/status.js";
import { ParseError, parseTlvs } from "../apdu/tlv.js";
import { PinwardenError } from "../core/errors.js";
import { PIV_AID, type PivLayout } from "../profiles/piv.js";
import type { CertificateSlot, CertificateSource } from "./types.js";

/** SP 800-73-4 Part 1 Table 3 (key references) and Table 2 (the certificates' data objects). */
export const PIV_CERTIFICATE_SLOTS = [
  // 9A, 9C, 9D: their keys are used after the PIV PIN (or the global PIN, Pinwarden's "auth").
  { slot: "9A", tag: "5FC105", label: "PIV Authentication", codeId: "auth", role: "identification", usage: ["digitalSignature"] },
  {
    slot: "9C",
    tag: "5FC10A",
    label: "Digital Signature",
    codeId: "auth",
    role: "signing",
    usage: ["digitalSignature", "nonRepudiation"],
  },
  { slot: "9D", tag: "5FC10B", label: "Key Management", codeId: "auth", role: "encryption", usage: ["keyEncipherment"] },
  // 9E: card authentication, usable without any PIN (SP 800-73-4 Part 1 §3.2.4).
  { slot: "9E", tag: "5FC101", label: "Card Authentication", codeId: null, role: "cardAuthentication", usage: ["digitalSignature"] },
] as const;

/** GET DATA (SP 800-73-4 Part 2 §3.1.2): 00 CB 3F FF, tag list 5C with the object's tag. */
/** The DER certificate in a PIV certificate object, gunzipped where CertInfo says so. */
export function certificateFromPivObject(data: Buffer): Buffer | null {
  const outer = parseTlvs(data).find((t) => t.tag === 0x53);
  if (!outer) throw new ParseError("PIV object without tag 53");
  const inner = parseTlvs(outer.value);
  const cert = inner.find((t) => t.tag === 0x70)?.value;
  if (!cert || cert.length === 0) return null;
  const info = inner.find((t) => t.tag === 0x71)?.value[0] ?? 0;
  if ((info & 0x01) === 0) return Buffer.from(cert);
  try {
    return gunzipSync(cert);
  } catch {
    throw new ParseError("CertInfo says gzip but the certificate does not gunzip");
  }
}

export const pivCertificates: CertificateSource<PivLayout> = {
  family: "piv",

  async locate() {
    return PIV_CERTIFICATE_SLOTS.map((s): CertificateSlot => ({
      app: "piv",
      location: s.slot,
      label: s.label,
      codeId: s.codeId,
      role: s.role,
      usage: [...s.usage],
      authority: false,
    }));
  },

  async read(channel, _layout, slot) {
    const known = PIV_CERTIFICATE_SLOTS.find((s) => s.slot === slot.location);
    if (!known) return null;
    const sel = await channel.send(selectAid(PIV_AID));
    if (sel.status.kind !== "ok") throw new PinwardenError("CARD_RESET", { technical: `PIV SELECT ${swHex(sel.sw)}` });
    const r = await channel.send(getPivData(Buffer.from(known.tag, "hex")));
    // 6A82: no certificate in this slot (the object was never written).
    if (r.status.kind === "fileNotFound" || r.status.kind === "notFound") return null;
    if (r.status.kind !== "ok") throw new PinwardenError("CARD_ERROR", { technical: `GET DATA ${known.tag} ${swHex(r.sw)}` });
    if (r.data.length === 0) return null;
    return certificateFromPivObject(r.data);
  },
};
