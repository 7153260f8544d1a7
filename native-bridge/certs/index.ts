/**
 * The certificate readers of the card families. CardService reads the certificates one
 * per queued task, so a status read is never held up by more than one certificate.
 */
import type { Family } from "../../contract/families.js";
import { openpgpCertificates } from "./openpgp.js";
import { pivCertificates } from "./piv.js";
import { pkcs15Certificates } from "./pkcs15.js";
import type { CardCertificate, CertificateProblem, CertificateSlot, CertificateSource } from "./types.js";
import { describeCertificate } from "./x509.js";

export const CERTIFICATE_SOURCES: Record<Family, CertificateSource> = {
  pkcs15: pkcs15Certificates as unknown as CertificateSource,
  piv: pivCertificates as unknown as CertificateSource,
  openpgp: openpgpCertificates as unknown as CertificateSource,
};

/** The certificate in `der` as a person reads it, or the problem with it. */
export function describeOrProblem(der: Buffer, slot: CertificateSlot, now: Date): CardCertificate | CertificateProblem {
  try {
    return describeCertificate(der, slot, now);
  } catch {
    return { app: slot.app, location: slot.location, reason: "not-x509" };
  }
}

export const isProblem = (c: CardCertificate | CertificateProblem): c is CertificateProblem => "reason" in c;

export { certificateWarnings, warningDays, warnsAbout } from "./warnings.js";

export type { CardCertificate, CertificateList, CertificateProblem, CertificateSlot, CertificateWarning } from "./types.js";
