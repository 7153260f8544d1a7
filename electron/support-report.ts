/**
 * The support report: what IT support needs to help over the phone, in words both sides
 * can read aloud, never a code. The support view, `pinwarden support` and the diagnostics
 * export all print this one text, so what the user reads and what support sees agree.
 */
import { arch, release } from "node:os";
import type { ReaderBackend } from "../native-bridge/pcsc/types.js";
import type { CardService } from "../native-bridge/service/card-service.js";
import { ERROR_CATALOG } from "../native-bridge/service/error-catalog.js";
import type { ErrorCode } from "../native-bridge/service/errors.js";
import type { AuditEvent } from "../native-bridge/service/types.js";
import type { Language, SupportReport } from "../renderer/contract.js";
import type { LoadedPolicy } from "./policy.js";

export const APP_VERSION = "0.1.0";

export interface ReportSources {
  backend: ReaderBackend;
  service: CardService;
  policy: LoadedPolicy;
  logDirectory: string;
  lastOperation: (AuditEvent & { at: string }) | null;
  now?: () => Date;
}

export async function buildSupportReport(src: ReportSources): Promise<SupportReport> {
  const readers = src.backend.readers();
  const status = src.backend.serviceAvailable && readers.some((r) => r.cardPresent) ? await src.service.status() : null;
  const last = src.lastOperation;
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
            codes: status.value.codes.map((c) => ({
              id: c.id,
              label: c.label,
              state: c.state,
              triesLeft: c.triesLeft,
              maxTries: c.maxTries,
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
    helpdesk: { phones: src.policy.policy.helpdeskPhone, url: src.policy.policy.helpdeskUrl },
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
    serial: "serienummer",
    triesUnknown: "antal försök okänt",
    triesOf: (left: number, max: number) => `${left} av ${max} försök kvar`,
    triesLeft: (left: number) => `${left} försök kvar`,
    last: "Senaste åtgärd",
    lastNone: "ingen sedan start",
    ops: { changePin: "ändra kod", unblockPin: "lås upp" },
    policy: "Datorprincip",
    set: (n: number) => `${n} värden satta`,
    ignored: "ignorerat",
    logs: "Loggar",
    helpdesk: "IT-support",
    made: "Rapport skapad",
    error: "Fel",
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
    serial: "serial",
    triesUnknown: "tries left unknown",
    triesOf: (left: number, max: number) => `${left} of ${max} tries left`,
    triesLeft: (left: number) => `${left} tries left`,
    last: "Last operation",
    lastNone: "none since start",
    ops: { changePin: "change code", unblockPin: "unlock" },
    policy: "Machine policy",
    set: (n: number) => `${n} values set`,
    ignored: "ignored",
    logs: "Logs",
    helpdesk: "IT support",
    made: "Report made",
    error: "Error",
  },
};

const STATE = {
  sv: { ok: "OK", low: "ETT FÖRSÖK KVAR", blocked: "SPÄRRAD", unknown: "okänt", unavailable: "inte satt" },
  en: { ok: "OK", low: "ONE TRY LEFT", blocked: "BLOCKED", unknown: "unknown", unavailable: "not set" },
} as const;

/** The report as numbered lines a user can read aloud: "line 4 says…". */
export function formatSupportReport(r: SupportReport, language: Language): string {
  const w = W[language];
  const lines = [
    `Pinwarden ${r.app.version} (${r.app.platform} ${r.app.osRelease}, ${r.app.arch})`,
    w.never,
    `${w.service}: ${r.pcsc.serviceRunning ? w.running : w.stopped}`,
    `${w.readers}: ${r.pcsc.readers.length ? r.pcsc.readers.map((x) => `${x.name} (${x.cardPresent ? w.present : w.empty})`).join("; ") : w.none}`,
  ];
  if (r.card) {
    lines.push(`${w.card}: ${r.card.profile}, ${w.serial} ${r.card.serial ?? "?"}, ATR ${r.card.atr}, ${r.card.reader}`);
    for (const c of r.card.codes) {
      const tries =
        c.triesLeft === null ? w.triesUnknown : c.maxTries !== null ? w.triesOf(c.triesLeft, c.maxTries) : w.triesLeft(c.triesLeft);
      lines.push(`  ${c.label} (${c.id}): ${tries}, ${STATE[language][c.state]}`);
    }
  } else {
    lines.push(
      `${w.card}: ${r.cardError ? `${w.error} ${r.cardError.code} (${r.cardError.support})${r.cardError.atr ? `, ATR ${r.cardError.atr}` : ""}` : w.noCard}`,
    );
  }
  const op = r.lastOperation;
  lines.push(
    `${w.last}: ${op ? `${w.ops[op.operation]} ${op.codeId}: ${op.result}${op.support ? ` (${op.support})` : ""}${op.triesLeft !== null ? `, ${op.triesLeft}` : ""}, ${op.at}` : w.lastNone}`,
  );
  lines.push(
    `${w.policy}: ${r.policy.file}, ${w.set(r.policy.valuesSet)}${r.policy.problems.length ? `, ${w.ignored}: ${r.policy.problems.join("; ")}` : ""}`,
  );
  lines.push(`${w.logs}: ${r.logDirectory}`);
  if (r.helpdesk.phones.length || r.helpdesk.url)
    lines.push(`${w.helpdesk}: ${[...r.helpdesk.phones, r.helpdesk.url].filter(Boolean).join(", ")}`);
  lines.push(`${w.made}: ${r.generatedAt}`);
  return lines.map((l, i) => `${String(i + 1).padStart(2)}. ${l}`).join("\n") + "\n";
}
