/**
 * `pinwarden certs [--reader NAME] [--app ID] [--json]`: the certificates on the card, read
 * without any code, with the days left before each expires (issue 14). Loaded by cli.ts
 * only for this command.
 *
 * JSON: {"certificates":[{"subject","issuer","serial","notBefore","notAfter","daysLeft",
 * "usage","codeId", ...}], "problems":[...]} (docs/cli.md). Text: one line a certificate,
 * "Underskrift – certifikatet går ut om 41 dagar", then its subject, issuer and serial.
 */
import type { LoadedPolicy } from "../host/policy.js";
import { warnsAbout } from "../native-bridge/certs/index.js";
import type { CardCertificate, CertificateList } from "../native-bridge/certs/types.js";
import type { ReaderBackend } from "../native-bridge/pcsc/types.js";
import { FAMILIES, type Family } from "../contract/families.js";
import {
  certificateSentence,
  CERTIFICATES,
  codeName,
  describeError,
  ERROR_CATALOG,
  EXIT,
  type Language,
} from "../native-bridge/service/error-catalog.js";
import type { ErrorInfo } from "../native-bridge/service/types.js";

export interface CertsCommand {
  values: { json?: boolean; reader?: string | undefined; app?: string | undefined; demo?: boolean };
  positionals: string[];
  policy: LoadedPolicy;
  lang: Language;
  io: { out: (text: string) => void; err: (text: string) => void };
  /** Tests: the reader backend to use (default: PC/SC, or the demo card with --demo). */
  backend?: ReaderBackend;
  now?: Date;
}

const TEXT = {
  sv: {
    reader: "Kortläsare",
    none: "Kortet har inga certifikat som kan läsas.",
    soon: "  GÅR SNART UT",
    expired: "  UTGÅNGET",
    detail: (c: CardCertificate) =>
      `${c.subject}, utfärdat av ${c.issuer}, serienummer ${c.serial}, giltigt till ${c.notAfter.slice(0, 10)}`,
    code: (name: string) => `nyckeln skyddas av ${name}`,
    unreadable: (location: string) => `Certifikatet i ${location} kunde inte läsas.`,
  },
  en: {
    reader: "Reader",
    none: "The card has no certificates that can be read.",
    soon: "  EXPIRES SOON",
    expired: "  EXPIRED",
    detail: (c: CardCertificate) => `${c.subject}, issued by ${c.issuer}, serial ${c.serial}, valid until ${c.notAfter.slice(0, 10)}`,
    code: (name: string) => `its key is protected by ${name}`,
    unreadable: (location: string) => `The certificate in ${location} could not be read.`,
  },
} as const;

/** Warned about, where the policy has the warning on: see certs/index.ts warnsAbout. */
export function warns(c: CardCertificate, policy: LoadedPolicy["policy"]): boolean {
  return policy.certificateWarnings && warnsAbout(c, policy.certificateWarningDays);
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

export async function certsCommand(command: CertsCommand): Promise<number> {
  const { values, io, lang } = command;
  if (command.positionals.length > 1) {
    io.err("pinwarden certs takes no arguments, only --reader, --app and --json\n");
    return EXIT.usage;
  }
  if (values.app !== undefined && !(FAMILIES as readonly string[]).includes(values.app)) {
    io.err(`--app takes ${FAMILIES.join(", ")}\n`);
    return EXIT.usage;
  }
  const fail = (error: ErrorInfo): number => {
    const message = describeError(error.code, error, lang);
    if (values.json) io.out(JSON.stringify({ error: { ...error, support: ERROR_CATALOG[error.code].support, message } }) + "\n");
    else io.err(message + "\n");
    return ERROR_CATALOG[error.code].exitCode;
  };

  let backend = command.backend;
  let closeBackend = false;
  if (!backend && values.demo) {
    const [{ InProcessReaders }, { createCard }] = await Promise.all([
      import("../native-bridge/simulator/in-process-readers.js"),
      import("../native-bridge/simulator/cards.js"),
    ]);
    const demo = new InProcessReaders(["Pinwarden Demo Reader"]);
    demo.insert(createCard("pkcs15"));
    backend = demo;
    closeBackend = true;
  } else if (!backend) {
    const { PcscReaders } = await import("../native-bridge/pcsc/pcsc-readers.js");
    const filter = command.policy.policy.readerFilter;
    backend = new PcscReaders(filter ? { readerFilter: filter } : {});
  }
  const [{ CardService }, { serviceOptionsOf }] = await Promise.all([
    import("../native-bridge/service/card-service.js"),
    import("../host/apply-policy.js"),
  ]);
  const service = new CardService(backend, serviceOptionsOf(command.policy.policy));
  try {
    await backend.ready();
    const result = await service.certificates({
      ...(values.reader !== undefined ? { reader: values.reader } : {}),
      ...(values.app !== undefined ? { app: values.app as Family } : {}),
      ...(command.now ? { now: command.now } : {}),
    });
    if (!result.ok) return fail(result.error);
    io.out(
      values.json ? JSON.stringify(certificatesJson(result.value)) + "\n" : formatCertificates(result.value, lang, command.policy.policy),
    );
    return EXIT.ok;
  } finally {
    service.close();
    // As cli.ts: the pcsclite binding can block joining its threads on close; only the
    // in-process backend is closed.
    if (closeBackend) await backend.close();
  }
}
