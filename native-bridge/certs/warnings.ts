/**
 * Which certificates to warn about (issue 14), as pure functions of the certificates read and
 * the policy: the CLI loads this at start-up without the certificate readers.
 */
import type { CardCertificate, CertificateWarning } from "./types.js";

/** Warned about: a person's own certificate (not a CA's), expired or expiring within `days`. */
export const warnsAbout = (c: CardCertificate, days: number): boolean => !c.authority && c.daysLeft <= days;

/**
 * What `status --json`, the app and the support report show ("certificateWarnings"): the
 * certificates to warn about, soonest first. `days`: the policy's certificateWarningDays;
 * null: the policy has the warning off (none then).
 */
export function certificateWarnings(certificates: readonly CardCertificate[], days: number | null): CertificateWarning[] {
  if (days === null) return [];
  return certificates
    .filter((c) => warnsAbout(c, days))
    .sort((a, b) => a.daysLeft - b.daysLeft)
    .map((c) => ({
      codeId: c.codeId,
      app: c.app,
      role: c.role,
      daysLeft: c.daysLeft,
      expired: c.daysLeft < 0,
      notAfter: c.notAfter,
      subject: c.subject,
    }));
}

/** The policy's warning days, or null where it has certificate warnings off. */
export const warningDays = (policy: { certificateWarnings: boolean; certificateWarningDays: number }): number | null =>
  policy.certificateWarnings ? policy.certificateWarningDays : null;
