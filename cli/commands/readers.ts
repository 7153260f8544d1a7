/** `pinwarden readers [--json]`: the readers and whether each holds a card. */
import { EXIT } from "../../native-bridge/service/error-catalog.js";
import type { CommandContext } from "../context.js";
import { TEXT } from "../output.js";
import type { CardSession } from "../session.js";

export async function readersCommand(ctx: CommandContext, { backend, service }: CardSession): Promise<number> {
  const { values, io } = ctx;
  const t = TEXT[ctx.lang];
  if (!backend.serviceAvailable) return ctx.failCode("PCSC_UNAVAILABLE");
  const readers = service.readers();
  if (values.json) io.out(JSON.stringify({ readers }) + "\n");
  else if (readers.length === 0) io.out(t.noReaders + "\n");
  else for (const r of readers) io.out(`${r.name}: ${r.cardPresent ? `${t.cardPresent}, ATR ${r.atr}` : t.empty}\n`);
  return EXIT.ok;
}
