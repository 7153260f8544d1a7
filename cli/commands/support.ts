/** `pinwarden support [--json] [--export FILE]`: the support report, as the app's support view says it. */
import { EXIT } from "../../native-bridge/service/error-catalog.js";
import type { CommandContext } from "../context.js";
import { statusCertificateWarnings } from "../output.js";
import type { CardSession } from "../session.js";

export async function supportCommand(ctx: CommandContext, { backend, service }: CardSession): Promise<number> {
  const { values, loaded, lang, io } = ctx;
  const [{ defaultLogDirectory }, { lastAuditFromLogs, supportResult, writeDiagnostics }] = await Promise.all([
    import("../../host/logging.js"),
    import("../../host/support.js"),
  ]);
  const logDirectory = loaded.policy.logDirectory || defaultLogDirectory();
  const reader = values.reader !== undefined ? { reader: values.reader } : {};
  const sources = {
    backend,
    service,
    policy: loaded,
    logDirectory,
    lastOperation: lastAuditFromLogs(logDirectory),
    // Read after the report's status, as `status` does (no cache across runs).
    certificateWarnings: () => statusCertificateWarnings(service, reader, loaded.policy),
  };
  if (values.export) {
    let path: string;
    try {
      path = await writeDiagnostics(sources, values.export);
    } catch {
      return ctx.failCode("EXPORT_FAILED");
    }
    io.out(values.json ? JSON.stringify({ ok: true, path }) + "\n" : `${path}\n`);
    return EXIT.ok;
  }
  const result = await supportResult(sources);
  io.out(values.json ? JSON.stringify(result.report) + "\n" : result.text[lang]);
  return EXIT.ok;
}
