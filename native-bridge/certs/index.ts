/**
 * The certificate readers of the card families, and a one-transaction read of every
 * certificate of one application (tests, benchmarks). CardService reads them one per
 * task instead, so a status read is never held up by more than one certificate.
 */
import type { ApduChannel } from "../pcsc/channel.js";
import type { CardLayout, Family } from "../profiles/profile.js";
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

/** Every certificate of one application, in the channel's current transaction. */
export async function readCertificates(
  channel: ApduChannel,
  layout: CardLayout,
  now: Date = new Date(),
): Promise<{ certificates: CardCertificate[]; problems: CertificateProblem[] }> {
  const source = CERTIFICATE_SOURCES[layout.family];
  const certificates: CardCertificate[] = [];
  const problems: CertificateProblem[] = [];
  for (const slot of await source.locate(channel, layout)) {
    const der = await source.read(channel, layout, slot);
    if (!der) continue;
    const described = describeOrProblem(der, slot, now);
    if (isProblem(described)) problems.push(described);
    else certificates.push(described);
  }
  return { certificates, problems };
}

/** Warned about: a person's own certificate (not a CA's), expired or expiring within `days`. */
export const warnsAbout = (c: CardCertificate, days: number): boolean => !c.authority && c.daysLeft <= days;

/**
 * What `status --json` and the app are to show (issue 14: "certificateWarnings"): the
 * certificates to warn about, by the code protecting their key, soonest first.
 */
export function certificateWarnings(certificates: readonly CardCertificate[], days: number): { codeId: string | null; daysLeft: number }[] {
  return certificates
    .filter((c) => warnsAbout(c, days))
    .sort((a, b) => a.daysLeft - b.daysLeft)
    .map((c) => ({ codeId: c.codeId, daysLeft: c.daysLeft }));
}

export type { CardCertificate, CertificateList, CertificateProblem, CertificateSlot } from "./types.js";
