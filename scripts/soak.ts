/**
 * `npm run soak [-- --cycles 1000 --reads 10000] [--write]`: card insert/remove cycles and
 * status reads against the card monitor on pcscd + vpcd. Checks that no event is missed or
 * duplicated, that no counter moves, that nothing is rejected unhandled, and reports RSS.
 * The test suite runs a short version (tests/integration/soak-short.test.ts).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { PcscReaders } from "../native-bridge/pcsc/pcsc-readers.js";
import type { ReaderEvent } from "../native-bridge/pcsc/types.js";
import { CardService } from "../native-bridge/service/card-service.js";
import { Pkcs15Card } from "../native-bridge/simulator/pkcs15-card.js";
import { insertIntoVpcd } from "../native-bridge/simulator/vpcd-client.js";

export interface SoakResult {
  cycles: number;
  reads: number;
  inserted: number;
  removed: number;
  insertionsInOrder: boolean;
  countersUnchanged: boolean;
  failedReads: number;
  unhandledRejections: number;
  rssMiB: { start: number; afterWarmup: number; end: number };
  seconds: number;
}

const READER = "Virtual PCD 00 01";
const PORT = 35964;

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error("timed out waiting for the monitor");
    await new Promise((r) => setTimeout(r, 2));
  }
}

export async function runSoak(cycles: number, reads: number, backend?: PcscReaders): Promise<SoakResult> {
  const t0 = Date.now();
  let unhandled = 0;
  const onUnhandled = () => unhandled++;
  process.on("unhandledRejection", onUnhandled);
  const monitor = backend ?? new PcscReaders({ readerFilter: READER });
  await monitor.ready();
  const events: ReaderEvent[] = [];
  const off = monitor.on((e) => {
    if ("reader" in e && e.reader === READER) events.push(e);
  });
  const present = () => monitor.readers().find((r) => r.name === READER)?.cardPresent === true;
  const rss = () => process.memoryUsage().rss / 2 ** 20;
  const rssStart = rss();
  let rssWarm = rssStart;
  const card = new Pkcs15Card();
  for (let i = 0; i < cycles; i++) {
    const inserted = await insertIntoVpcd(card, { port: PORT });
    await until(present);
    await inserted.remove();
    await until(() => !present());
    if (i === Math.min(49, cycles - 1)) rssWarm = rss();
  }
  const inserts = events.filter((e) => e.type === "card-inserted") as Extract<ReaderEvent, { type: "card-inserted" }>[];
  const removes = events.filter((e) => e.type === "card-removed");
  const insertionsInOrder = inserts.every((e, i) => i === 0 || e.insertion === inserts[i - 1]!.insertion + 1);

  const service = new CardService(monitor);
  const inserted = await insertIntoVpcd(card, { port: PORT });
  await until(present);
  const before = [...card.pins.values()].map((p) => p.triesLeft);
  let failedReads = 0;
  for (let i = 0; i < reads; i++) if (!(await service.status({ reader: READER })).ok) failedReads++;
  const countersUnchanged = [...card.pins.values()].every((p, i) => p.triesLeft === before[i]);
  await inserted.remove();
  await until(() => !present());
  service.close();
  off();
  process.off("unhandledRejection", onUnhandled);
  return {
    cycles,
    reads,
    inserted: inserts.length,
    removed: removes.length,
    insertionsInOrder,
    countersUnchanged,
    failedReads,
    unhandledRejections: unhandled,
    rssMiB: { start: +rssStart.toFixed(1), afterWarmup: +rssWarm.toFixed(1), end: +rss().toFixed(1) },
    seconds: +((Date.now() - t0) / 1000).toFixed(1),
  };
}

if (process.argv[1]?.endsWith("soak.ts")) {
  const { values } = parseArgs({
    options: {
      cycles: { type: "string", default: "1000" },
      reads: { type: "string", default: "10000" },
      write: { type: "boolean", default: false },
    },
  });
  const r = await runSoak(Number(values.cycles), Number(values.reads));
  const ok =
    r.inserted === r.cycles &&
    r.removed === r.cycles &&
    r.insertionsInOrder &&
    r.countersUnchanged &&
    r.failedReads === 0 &&
    r.unhandledRejections === 0;
  const text = [
    `Soak ${new Date().toISOString().slice(0, 10)} (\`npm run soak -- --cycles ${r.cycles} --reads ${r.reads}\`), ${r.seconds} s:`,
    "",
    `- ${r.cycles} insert/remove cycles: ${r.inserted} insertions and ${r.removed} removals seen, insertion numbers ${r.insertionsInOrder ? "consecutive" : "NOT consecutive"}.`,
    `- ${r.reads} status reads: ${r.failedReads} failed; every counter ${r.countersUnchanged ? "unchanged" : "CHANGED"}.`,
    `- Unhandled rejections: ${r.unhandledRejections}.`,
    `- RSS: ${r.rssMiB.start} MiB at start, ${r.rssMiB.afterWarmup} MiB after 50 cycles, ${r.rssMiB.end} MiB at the end.`,
  ].join("\n");
  process.stdout.write(text + "\n");
  if (values.write) {
    const path = "docs/reliability.md";
    const doc = readFileSync(path, "utf8");
    const begin = "<!-- soak:begin -->";
    const end = "<!-- soak:end -->";
    writeFileSync(path, doc.slice(0, doc.indexOf(begin) + begin.length) + "\n" + text + "\n" + doc.slice(doc.indexOf(end)));
  }
  process.exit(ok ? 0 : 1);
}
