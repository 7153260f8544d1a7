/**
 * The support report: what IT support needs to help over the phone, in words both sides
 * can read aloud, never a code. The support view, `pinwarden support` and the diagnostics
 * export all print this one text, so what the user reads and what support sees agree. Codes
 * and applications are named as the app names them (error-catalog.ts, held to the
 * renderer's words by tests/unit/catalogue-consistency.test.ts); times are local, with
 * their offset from UTC.
 */
import { arch, release } from "node:os";
import type { ReaderBackend } from "../native-bridge/pcsc/types.js";
import type { CardService } from "../native-bridge/service/card-service.js";
import { warningDays } from "../native-bridge/certs/warnings.js";
import { localTime } from "./local-time.js";
import {
  APP_NAMES,
  certificateLine,
  CERTIFICATES,
  codeName,
  describeError,
  ERROR_CATALOG,
} from "../native-bridge/service/error-catalog.js";
import type { ErrorCode } from "../contract/errors.js";
import type { AuditEvent, CodeStatus } from "../native-bridge/service/types.js";
import type { CertificateWarning, Language, SupportCode, SupportReport } from "../contract/api.js";
import type { LoadedPolicy } from "./policy.js";

export const APP_VERSION = "0.1.0";

export interface ReportSources {
  backend: ReaderBackend;
  service: CardService;
  policy: LoadedPolicy;
  logDirectory: string;
  lastOperation: (AuditEvent & { at: string }) | null;
  now?: () => Date;
  /**
   * The certificate warnings of the card's status (issue 14): in the app, as its background
   * read left them (null while not read yet); in the CLI, read after the report's status.
   */
  certificateWarnings?: () => CertificateWarning[] | null | Promise<CertificateWarning[] | null>;
}

type ReportCode = SupportCode;

const codeOf = (c: CodeStatus): ReportCode => ({
  id: c.id,
  app: c.app,
  label: c.label,
  state: c.state,
  triesLeft: c.triesLeft,
  triesKnown: c.triesKnown,
  maxTries: c.maxTries,
});

export async function buildSupportReport(src: ReportSources): Promise<SupportReport> {
  const readers = src.backend.readers();
  const status = src.backend.serviceAvailable && readers.some((r) => r.cardPresent) ? await src.service.status() : null;
  const last = src.lastOperation;
  const { policy } = src.policy;
  return {
    generatedAt: (src.now?.() ?? new Date()).toISOString(),
    app: { version: APP_VERSION, platform: process.platform, osRelease: release(), arch: arch() },
    pcsc: {
      serviceRunning: src.backend.serviceAvailable,
      readers: readers.map((r) => ({ name: r.name, cardPresent: r.cardPresent })),
    },
    card:
      status?.ok === true
        ? {
            reader: status.value.reader,
            profile: status.value.card.profile,
            serial: status.value.card.serial,
            atr: status.value.card.atr,
            knownAs: status.value.card.knownAs,
            codes: status.value.codes.map(codeOf),
            applications: status.value.applications.map((a) => ({
              app: a.app,
              serial: a.serial,
              label: a.label,
              codes: a.codes.map(codeOf),
            })),
          }
        : null,
    cardError:
      status && !status.ok
        ? { code: status.error.code, support: ERROR_CATALOG[status.error.code].support, atr: status.error.atr ?? null }
        : null,
    lastOperation: last
      ? {
          operation: last.operation,
          codeId: last.codeId,
          serial: last.serial,
          result: last.result,
          support: last.result === "ok" ? null : ERROR_CATALOG[last.result as ErrorCode].support,
          triesLeft: last.triesLeft,
          at: last.at,
        }
      : null,
    policy: {
      file: src.policy.file,
      valuesSet: Object.values(src.policy.sources).filter((x) => x !== "default").length,
      problems: src.policy.problems.map((p) => `${p.source}: ${p.key}: ${p.message}`),
    },
    logDirectory: src.logDirectory,
    helpdesk: { phones: policy.helpdeskPhone, url: policy.helpdeskUrl, organisation: policy.organisationName ?? null },
    certificateWarnings: status?.ok === true ? ((await src.certificateWarnings?.()) ?? null) : null,
    certificateWarningDays: warningDays(policy),
  };
}

const W = {
  sv: {
    never: "IT-supporten frågar aldrig efter din PIN- eller PUK-kod.",
    service: "Korttjänst (PC/SC)",
    running: "körs",
    stopped: "körs inte",
    readers: "Kortläsare",
    none: "inga",
    present: "kort isatt",
    empty: "tom",
    card: "Kort",
    noCard: "inget kort läst",
    unreadable: "kunde inte läsas",
    serial: "serienummer",
    knownAs: (name: string) => (name === "unknown" ? "okänt kort (finns inte i korttabellen)" : `känt som ${name}`),
    inReader: "i",
    application: "Applikation",
    triesUnknown: "antal försök okänt",
    triesOf: (left: number, max: number) => `${left} av ${max} försök kvar`,
    triesLeft: (left: number) => `${left} försök kvar`,
    last: "Senast",
    lastNone: "ingen åtgärd sedan start",
    ops: {
      changePin: (name: string) => `Ändra säkerhetskod för ${name}`,
      unblockPin: (name: string) => `Lås upp ${name}`,
      checkCode: (name: string) => `Kontroll av nuvarande kod för ${name}`,
    },
    succeeded: "lyckades",
    failed: (support: string) => `misslyckades med felkod ${support}`,
    policy: "Datorprincip",
    set: (n: number) => `${n} värden satta`,
    ignored: "ignorerat",
    logs: "Loggar",
    helpdesk: "IT-support",
    helpdeskDefault: "inget nummer är inställt; kontakta organisationens IT-support",
    made: "Rapport skapad",
  },
  en: {
    never: "IT support will never ask for your PIN or PUK.",
    service: "Smart card service (PC/SC)",
    running: "running",
    stopped: "not running",
    readers: "Card readers",
    none: "none",
    present: "card inserted",
    empty: "empty",
    card: "Card",
    noCard: "no card read",
    unreadable: "could not be read",
    serial: "serial",
    knownAs: (name: string) => (name === "unknown" ? "an unknown card (not in the card table)" : `known as ${name}`),
    inReader: "in",
    application: "Application",
    triesUnknown: "tries left unknown",
    triesOf: (left: number, max: number) => `${left} of ${max} tries left`,
    triesLeft: (left: number) => (left === 1 ? "1 try left" : `${left} tries left`),
    last: "Last",
    lastNone: "nothing done since start",
    ops: {
      changePin: (name: string) => `Change PIN for ${name}`,
      unblockPin: (name: string) => `Unlock ${name}`,
      checkCode: (name: string) => `Check of the current code for ${name}`,
    },
    succeeded: "succeeded",
    failed: (support: string) => `failed with error code ${support}`,
    policy: "Machine policy",
    set: (n: number) => `${n} values set`,
    ignored: "ignored",
    logs: "Logs",
    helpdesk: "IT support",
    helpdeskDefault: "no number is set; contact your organisation's IT support",
    made: "Report made",
  },
};

const STATE = {
  sv: { ok: "OK", low: "ETT FÖRSÖK KVAR", blocked: "SPÄRRAD", unknown: "", unavailable: "inte satt" },
  en: { ok: "OK", low: "ONE TRY LEFT", blocked: "BLOCKED", unknown: "", unavailable: "not set" },
} as const;

/**
 * "Certifikat: inte lästa än", or a line per certificate to warn about: "Underskrift –
 * certifikatet går ut om 41 dagar, giltigt till 2027-01-04 00:59 (UTC+01:00), Test Person".
 */
function certificateLines(r: SupportReport, language: Language): string[] {
  const t = CERTIFICATES[language];
  const warnings = r.certificateWarnings;
  // Off by policy: nothing to say (the policy line counts the value set).
  if (r.certificateWarningDays === null) return [];
  if (warnings === null || warnings === undefined) return [`${t.heading}: ${t.notRead}`];
  if (warnings.length === 0) return [`${t.heading}: ${t.none.replace("{count}", String(r.certificateWarningDays ?? ""))}`];
  return [
    `${t.heading}:`,
    ...warnings.map((w) => `  ${certificateLine(w, language)}, ${t.until.replace("{date}", localTime(w.notAfter))}, ${w.subject}`),
  ];
}

/** The report as numbered lines a user can read aloud: "line 4 says…". */
export function formatSupportReport(r: SupportReport, language: Language): string {
  const w = W[language];
  const tries = (c: { triesLeft: number | null; triesKnown: boolean; maxTries: number | null }) =>
    !c.triesKnown || c.triesLeft === null
      ? w.triesUnknown
      : c.maxTries !== null
        ? w.triesOf(c.triesLeft, c.maxTries)
        : w.triesLeft(c.triesLeft);
  const lines = [
    `Pinwarden ${r.app.version} (${r.app.platform} ${r.app.osRelease}, ${r.app.arch})`,
    w.never,
    `${w.service}: ${r.pcsc.serviceRunning ? w.running : w.stopped}`,
    `${w.readers}: ${r.pcsc.readers.length ? r.pcsc.readers.map((x) => `${x.name} (${x.cardPresent ? w.present : w.empty})`).join("; ") : w.none}`,
  ];
  const card = r.card;
  if (card) {
    const several = card.applications.length > 1;
    const first = card.applications[0];
    lines.push(
      [
        `${w.card}: ${several || !first ? "" : `${APP_NAMES[language][first.app]}, `}${card.serial && !several ? `${w.serial} ${card.serial}, ` : ""}${w.knownAs(card.knownAs)}`,
        `ATR ${card.atr}`,
        `${w.inReader} ${card.reader}`,
      ].join(", "),
    );
    for (const a of card.applications) {
      if (several) lines.push(`${w.application} ${APP_NAMES[language][a.app]}${a.serial ? `, ${w.serial} ${a.serial}` : ""}`);
      for (const c of a.codes) {
        const state = STATE[language][c.state];
        // A code that is not set has no tries to count (an OpenPGP resetting code reads 0).
        const said = c.state === "unavailable" ? state : `${tries(c)}${state ? `, ${state}` : ""}`;
        lines.push(`  ${codeName({ ...c, app: a.app }, language)}: ${said}`);
      }
    }
    lines.push(...certificateLines(r, language));
  } else if (r.cardError) {
    lines.push(
      `${w.card}: ${w.unreadable}: ${describeError(r.cardError.code, {}, language)}${r.cardError.atr ? `, ATR ${r.cardError.atr}` : ""}`,
    );
  } else {
    lines.push(`${w.card}: ${w.noCard}`);
  }
  const op = r.lastOperation;
  if (op) {
    // The code's application: the card's where its serial (or, failing that, the id alone) says which.
    const apps = card?.applications ?? [];
    const app =
      apps.find((a) => a.serial !== null && a.serial === op.serial && a.codes.some((c) => c.id === op.codeId)) ??
      apps.find((a) => a.codes.some((c) => c.id === op.codeId));
    const label = app?.codes.find((c) => c.id === op.codeId)?.label ?? op.codeId;
    const name = codeName({ id: op.codeId, label, ...(app ? { app: app.app } : {}) }, language);
    const outcome = op.result === "ok" ? w.succeeded : w.failed(op.support ?? "");
    const left = op.triesLeft !== null ? `, ${tries({ triesLeft: op.triesLeft, triesKnown: true, maxTries: null })}` : "";
    lines.push(`${w.last}: ${w.ops[op.operation](name)} – ${outcome}${left}, ${localTime(op.at)}`);
  } else {
    lines.push(`${w.last}: ${w.lastNone}`);
  }
  lines.push(
    `${w.policy}: ${r.policy.file}, ${w.set(r.policy.valuesSet)}${r.policy.problems.length ? `, ${w.ignored}: ${r.policy.problems.join("; ")}` : ""}`,
  );
  lines.push(`${w.logs}: ${r.logDirectory}`);
  const contacts = [...r.helpdesk.phones, r.helpdesk.url].filter(Boolean).join(", ");
  const who = r.helpdesk.organisation ? ` (${r.helpdesk.organisation})` : "";
  lines.push(`${w.helpdesk}${who}: ${contacts || w.helpdeskDefault}`);
  lines.push(`${w.made}: ${localTime(r.generatedAt, true)}`);
  return lines.map((l, i) => `${String(i + 1).padStart(2)}. ${l}`).join("\n") + "\n";
}
