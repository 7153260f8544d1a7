/** `pinwarden monitor [--json] [--count N]`: one line per reader, card or service event, until stopped. */
import type { ReaderEvent } from "../../native-bridge/pcsc/types.js";
import { EXIT } from "../../native-bridge/service/error-catalog.js";
import type { CommandContext } from "../context.js";
import type { CardSession } from "../session.js";

export async function monitorCommand({ values, io }: CommandContext, { backend }: CardSession): Promise<number> {
  const limit = values.count ? Number(values.count) : Infinity;
  let seen = 0;
  const print = (e: ReaderEvent) => {
    const line = { at: new Date().toISOString(), ...e };
    io.out(
      values.json
        ? JSON.stringify(line) + "\n"
        : `${line.at} ${e.type}${"reader" in e ? ` ${e.reader}` : ""}${"atr" in e ? ` ${e.atr}` : ""}\n`,
    );
  };
  // The state at start, as events, so a reader of the stream needs nothing else.
  print(backend.serviceAvailable ? { type: "service-up" } : { type: "service-down" });
  for (const r of backend.readers()) {
    print({ type: "reader-added", reader: r.name });
    if (r.cardPresent) print({ type: "card-inserted", reader: r.name, atr: r.atr ?? "", insertion: r.insertion });
  }
  // The backend's own timers are unref'd (a library must not keep its host alive), so
  // while pcscd is down nothing else would hold the process: the monitor holds it
  // itself, until it is stopped, so it sees the service come back.
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  try {
    await new Promise<void>((resolve) => {
      backend.on((e) => {
        print(e);
        if (++seen >= limit) resolve();
      });
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    });
  } finally {
    clearInterval(keepAlive);
  }
  return EXIT.ok;
}
