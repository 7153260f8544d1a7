/**
 * What a person needs to know about one certificate, from Node's own X.509 parser
 * (crypto.X509Certificate): no X.509 is parsed by hand here.
 *
 * Node gives the extended key usage (x509.keyUsage) but not the KeyUsage bits, so the
 * usage shown is what the card says the key is for (the PKCS#15 PrKDF, the PIV slot, the
 * OpenPGP key) followed by the certificate's extended key usages.
 */
import { X509Certificate } from "node:crypto";
import type { CardCertificate, CertificateSlot } from "./types.js";
import { daysLeft } from "./warnings.js";

/** Extended key usage OIDs with a name a support person knows (RFC 5280 §4.2.1.12). */
const EKU_NAMES: Record<string, string> = {
  "1.3.6.1.5.5.7.3.1": "serverAuth",
  "1.3.6.1.5.5.7.3.2": "clientAuth",
  "1.3.6.1.5.5.7.3.3": "codeSigning",
  "1.3.6.1.5.5.7.3.4": "emailProtection",
  "1.3.6.1.5.5.7.3.9": "OCSPSigning",
  "1.3.6.1.4.1.311.20.2.2": "smartcardLogon",
  "1.3.6.1.4.1.311.10.3.12": "documentSigning",
  "1.3.6.1.5.2.3.4": "pkinitClientAuth",
};

/** The CN of a Node subject/issuer string ("C=SE\nO=…\nCN=…"), else the whole name on one line. */
export function commonName(name: string): string {
  const lines = name.split("\n").filter((l) => l.length > 0);
  const cn = lines.filter((l) => l.startsWith("CN=")).pop();
  return cn ? cn.slice(3) : lines.join(", ");
}

/** Throws (a TypeError or a crypto error) where `der` is not an X.509 certificate. */
export function describeCertificate(der: Buffer, slot: CertificateSlot, now: Date = new Date()): CardCertificate {
  const x509 = new X509Certificate(der);
  const notBefore = new Date(x509.validFrom);
  const notAfter = new Date(x509.validTo);
  const eku = (x509.keyUsage ?? []).map((oid) => EKU_NAMES[oid] ?? oid);
  return {
    app: slot.app,
    location: slot.location,
    label: slot.label,
    subject: commonName(x509.subject),
    issuer: commonName(x509.issuer),
    serial: x509.serialNumber.toUpperCase(),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft: daysLeft(notAfter, now),
    usage: [...new Set([...slot.usage, ...eku])],
    codeId: slot.codeId,
    role: slot.authority || x509.ca ? "authority" : slot.role,
    authority: slot.authority || x509.ca,
    fingerprint: x509.fingerprint256,
  };
}
