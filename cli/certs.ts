/**
 * `pinwarden certs [--reader NAME] [--app ID] [--json]`: the certificates on the card, read
 * without any code, with the days left before each expires (issue 14). Loaded by cli/main.ts
 * only for this command, on the same card session as every command.
 *
 * JSON: {"certificates":[{"subject","issuer","serial","notBefore","notAfter","daysLeft",
 * "usage","codeId", ...}], "problems":[...]} (docs/cli.md). Text: one line a certificate,
 * "Underskrift – certifikatet går ut om 41 dagar", then its subject, issuer and serial.
 */
import type { LoadedPolicy } from "../host/policy.js";
import { warningDays, warnsAbout } from "../native-bridge/certs/warnings.js";
import { localDay } from "../host/local-time.js";
import type { CardCertificate, CertificateList } from "../native-bridge/certs/types.js";
import { certificateSentence, CERTIFICATES, codeName, EXIT, type Language } from "../native-bridge/service/error-catalog.js";
import { targetOf } from "./commands/status.js";
import type { CommandContext } from "./context.js";
import type { CardSession } from "./session.js";

const TEXT = {
  sv: {
    reader: "Kortläsare",
    none: "Kortet har inga certifikat som kan läsas.",
    soon: "  GÅR SNART UT",
    expired: "  UTGÅNGET",
    detail: (c: CardCertificate) =>
      `${c.subject}, utfärdat av ${c.issuer}, serienummer ${c.serial}, giltigt till ${localDay(new Date(c.notAfter))}`,
    code: (name: string) => `nyckeln skyddas av ${name}`,
    unreadable: (location: string) => `Certifikatet i ${location} kunde inte läsas.`,
  },
  en: {
    reader: "Reader",
    none: "The card has no certificates that can be read.",
    soon: "  EXPIRES SOON",
    expired: "  EXPIRED",
    detail: (c: CardCertificate) =>
      `${c.subject}, issued by ${c.issuer}, serial ${c.serial}, valid until ${localDay(new Date(c.notAfter))}`,
    code: (name: string) => `its key is protected by ${name}`,
    unreadable: (location: string) => `The certificate in ${location} could not be read.`,
  },
} as const;

/** Warned about, where the policy has the warning on (the same rule as every surface's). */
export function warns(c: CardCertificate, policy: LoadedPolicy["policy"]): boolean {
  const days = warningDays(policy);
  return days !== null && warnsAbout(c, days);
}

export function certificatesJson(list: CertificateList) {
  return {
    reader: list.reader,
    certificates: list.certificates.map((c) => ({
      subject: c.subject,
      issuer: c.issuer,
      serial: c.serial,
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      daysLeft: c.daysLeft,
      usage: c.usage,
      codeId: c.codeId,
      app: c.app,
      location: c.location,
      label: c.label,
      role: c.role,
      authority: c.authority,
      fingerprint: c.fingerprint,
    })),
    problems: list.problems,
  };
}

export function formatCertificates(list: CertificateList, lang: Language, policy: LoadedPolicy["policy"]): string {
  const t = TEXT[lang];
  const lines = [`${t.reader}: ${list.reader}`];
  if (list.certificates.length === 0 && list.problems.length === 0) lines.push(t.none);
  let warned = false;
  for (const c of list.certificates) {
    const mark = warns(c, policy) ? (c.daysLeft < 0 ? t.expired : t.soon) : "";
    warned ||= mark !== "";
    lines.push(`${CERTIFICATES[lang].roles[c.role]} – ${certificateSentence(c.daysLeft, lang)}${mark}`);
    const code = c.codeId ? `; ${t.code(codeName({ id: c.codeId, label: c.codeId, app: c.app }, lang))}` : "";
    lines.push(`  ${t.detail(c)} (${c.app} ${c.location})${code}`);
  }
  for (const p of list.problems) lines.push(t.unreadable(`${p.app} ${p.location}`));
  if (warned) lines.push(CERTIFICATES[lang].renew);
  return lines.join("\n") + "\n";
}

/** `pinwarden certs [--reader NAME] [--app APP] [--json]`: read without any code, never a try. */
export async function certsCommand(ctx: CommandContext, { service }: Pick<CardSession, "service">, now?: Date): Promise<number> {
  const { values, io, lang, loaded } = ctx;
  const result = await service.certificates({ ...targetOf(ctx), ...(now ? { now } : {}) });
  if (!result.ok) return ctx.fail(result.error);
  io.out(values.json ? JSON.stringify(certificatesJson(result.value)) + "\n" : formatCertificates(result.value, lang, loaded.policy));
  return EXIT.ok;
}
