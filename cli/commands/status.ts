/** `pinwarden status [--reader NAME] [--app APP] [--json]`: every code's tries, then the certificate warnings. */
import type { Family } from "../../contract/families.js";
import { EXIT } from "../../native-bridge/service/error-catalog.js";
import type { CommandContext } from "../context.js";
import { formatCertificateWarnings, formatStatus, statusCertificateWarnings, statusJson } from "../output.js";
import type { CardSession } from "../session.js";

/** The reader and application a command is aimed at (--reader, --app). */
export function targetOf(ctx: CommandContext): { reader?: string; app?: Family } {
  const { values } = ctx;
  return { ...(values.reader !== undefined ? { reader: values.reader } : {}), ...(values.app ? { app: values.app as Family } : {}) };
}

export async function statusCommand(ctx: CommandContext, { service }: CardSession): Promise<number> {
  const { values, lang, io, loaded } = ctx;
  const target = targetOf(ctx);
  const status = await service.status(target);
  if (!status.ok) return ctx.fail(status.error);
  // The certificates after the status, never interleaved with it (issue 14): a one-shot
  // run has no cache to wait for. Off by policy: none, and nothing read for them.
  const warnings = await statusCertificateWarnings(service, target, loaded.policy);
  io.out(
    values.json
      ? JSON.stringify({ ...statusJson(status.value), certificateWarnings: warnings }) + "\n"
      : formatStatus(status.value, lang, target.app) + formatCertificateWarnings(warnings, lang),
  );
  return EXIT.ok;
}
