/**
 * Support information and the diagnostics export, for the app (IPC), the preview and the
 * CLI: the report in both languages, and a zip of the report with the recent logs,
 * redacted once more on the way out.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { strToU8, zipSync } from "fflate";
import type { ApiResult, AuditedOperation, SupportResult } from "../contract/api.js";
import { ERROR_CATALOG } from "../native-bridge/service/error-catalog.js";
import { redactLine } from "./logging.js";
import { buildSupportReport, formatSupportReport, type ReportSources } from "./support-report.js";

export interface SupportProvider {
  support(): Promise<SupportResult>;
  exportDiagnostics(): Promise<ApiResult<{ path: string }>>;
}

export async function supportResult(sources: ReportSources): Promise<SupportResult> {
  const report = await buildSupportReport(sources);
  return { report, text: { sv: formatSupportReport(report, "sv"), en: formatSupportReport(report, "en") } };
}

/** pinwarden.log, pinwarden1.log … : the current and the rotated logs. */
function logFiles(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory).filter((f) => /^pinwarden\d*\.log$/.test(f));
}

/** Writes the diagnostics zip to `file` and returns its path. */
export async function writeDiagnostics(sources: ReportSources, file: string): Promise<string> {
  const { report, text } = await supportResult(sources);
  const entries: Record<string, Uint8Array> = {
    "report-sv.txt": strToU8(text.sv),
    "report-en.txt": strToU8(text.en),
    "report.json": strToU8(JSON.stringify(report, null, 2)),
  };
  for (const name of logFiles(sources.logDirectory)) {
    const lines = readFileSync(join(sources.logDirectory, name), "utf8").split("\n");
    entries[`logs/${name}`] = strToU8(lines.map((l) => (l ? redactLine(l) : l)).join("\n"));
  }
  writeFileSync(file, zipSync(entries, { level: 6 }));
  return file;
}

/** The last audit line in the logs, for a report made outside the app (the CLI). */
export function lastAuditFromLogs(directory: string): ReportSources["lastOperation"] {
  const file = join(directory, "pinwarden.log");
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, "utf8").trim().split("\n").reverse();
  for (const line of lines) {
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.message === "audit") {
        return {
          operation: entry.operation as AuditedOperation,
          codeId: String(entry.codeId),
          reader: String(entry.reader),
          serial: (entry.serial as string | null) ?? null,
          result: entry.result as "ok",
          triesLeft: (entry.triesLeft as number | null) ?? null,
          at: String(entry.timestamp),
        };
      }
    } catch {
      // not a JSON line
    }
  }
  return null;
}

export const diagnosticsFileName = (now = new Date()) =>
  `pinwarden-diagnostics-${now.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-")}.zip`;

export function supportProvider(sources: () => ReportSources, exportDirectory: () => string): SupportProvider {
  return {
    support: () => supportResult(sources()),
    async exportDiagnostics() {
      try {
        const path = await writeDiagnostics(sources(), join(exportDirectory(), diagnosticsFileName()));
        return { ok: true, value: { path } };
      } catch {
        return { ok: false, error: { code: "EXPORT_FAILED", support: ERROR_CATALOG.EXPORT_FAILED.support } };
      }
    },
  };
}
