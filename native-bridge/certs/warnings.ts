/**
 * Which certificates to warn about (issue 14), as pure functions of the certificates read and
 * the policy: the CLI loads this at start-up without the certificate readers.
 */
import type { CardCertificate, CertificateWarning } from "./types.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days from `now` to `notAfter`, rounded down: 0 on the last day, negative once expired. */
export function daysLeft(notAfter: Date, now: Date): number {
  return Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
}

/** Warned about: a person's own certificate (not a CA's), expired or expiring within `days`. */
export const warnsAbout = (c: CardCertificate, days: number): boolean => !c.authority && c.daysLeft <= days;

/**
 * What `status --json`, the app and the support report show ("certificateWarnings"): the
 * certificates to warn about, soonest first. `days`: the policy's certificateWarningDays;
 * null: the policy has the warning off (none then). `now`: count the days left from now
 * rather than from when the certificates were read (a card that stays in for days).
 */
export function certificateWarnings(certificates: readonly CardCertificate[], days: number | null, now?: Date): CertificateWarning[] {
  if (days === null) return [];
  return (now ? certificates.map((c) => ({ ...c, daysLeft: daysLeft(new Date(c.notAfter), now) })) : certificates)
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
