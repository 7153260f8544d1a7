/**
 * PKCS#15 certificates (ISO 7816-15 §8.6; PKCS#15 v1.1 §6.6), as OpenSC's pkcs15-cert.c
 * finds them: EF.ODF's certificates entry (tag A4) names EF.CDF; each X.509 certificate
 * object there gives its label, its iD and where the certificate is (a path, or the value
 * itself). The certificate's iD is its private key's iD in EF.PrKDF; that key's authId is
 * the authId of the PIN in EF.AODF that protects it: so a certificate knows its code.
 * Trusted (A5) and useful (A6) certificates are CA certificates of other parties: not read.
 */
import { parseCdf, parsePrkdf, type CertificateObject, type PrivateKeyObject } from "../apdu/pkcs15.js";
import { ParseError } from "../apdu/tlv.js";
import { readPkcs15File, type Pkcs15Layout } from "../profiles/pkcs15.js";
import { PinwardenError } from "../core/errors.js";
import type { CertificateRole, CertificateSlot, CertificateSource, CertificateUsage } from "./types.js";

/** PrKDF KeyUsageFlags as X.509 KeyUsage names. */
function usageOf(key: PrivateKeyObject | undefined): CertificateUsage[] {
  if (!key) return [];
  const out: CertificateUsage[] = [];
  if (key.usage.sign) out.push("digitalSignature");
  if (key.usage.nonRepudiation) out.push("nonRepudiation");
  if (key.usage.decrypt) out.push("keyEncipherment");
  return out;
}

function roleOf(cert: CertificateObject, key: PrivateKeyObject | undefined): CertificateRole {
  if (cert.authority) return "authority";
  if (key?.usage.nonRepudiation) return "signing";
  if (key && !key.usage.sign && key.usage.decrypt) return "encryption";
  return "identification";
}

export const pkcs15Certificates: CertificateSource<Pkcs15Layout> = {
  family: "pkcs15",

  async locate(channel, layout) {
    try {
      const odf = layout.odf ?? [];
      const certificates: CertificateObject[] = [];
      for (const entry of odf.filter((e) => e.kind === "certificates")) {
        const cdf = await readPkcs15File(channel, layout, entry.path);
        if (cdf?.length) certificates.push(...parseCdf(cdf));
      }
      if (certificates.length === 0) return [];
      // Only to tie each certificate to its key and so to its PIN.
      const keys: PrivateKeyObject[] = [];
      for (const entry of odf.filter((e) => e.kind === "privateKeys")) {
        const prkdf = await readPkcs15File(channel, layout, entry.path);
        if (prkdf?.length) keys.push(...parsePrkdf(prkdf));
      }
      return certificates.map((cert): CertificateSlot => {
        const key = cert.authority ? undefined : keys.find((k) => k.id?.equals(cert.id));
        const code = key?.authId && layout.codes.find((c) => c.authId?.equals(key.authId!));
        const slot: CertificateSlot = {
          app: "pkcs15",
          location: cert.path ? cert.path.toString("hex").toUpperCase() : `CDF:${cert.id.toString("hex").toUpperCase()}`,
          label: cert.label,
          codeId: code ? code.id : null,
          role: roleOf(cert, key),
          usage: usageOf(key),
          authority: cert.authority,
        };
        if (cert.value) slot.inline = cert.value;
        if (cert.index !== undefined && cert.length !== undefined) slot.range = { index: cert.index, length: cert.length };
        return slot;
      });
    } catch (error) {
      if (error instanceof ParseError) throw new PinwardenError("CARD_ERROR", { technical: `PKCS#15 certificates: ${error.message}` });
      throw error;
    }
  },

  async read(channel, layout, slot) {
    if (slot.inline) return slot.inline;
    const data = await readPkcs15File(channel, layout, Buffer.from(slot.location, "hex"));
    if (!data || data.length === 0) return null;
    return slot.range ? data.subarray(slot.range.index, slot.range.index + slot.range.length) : data;
  },
};
