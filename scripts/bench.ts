/**
 * `npm run bench [-- --runs 20] [--idle-seconds 60] [--write]`
 * APDUs and milliseconds per status read, change and unblock for each card family,
 * in-process and through pcscd + vpcd; OpenSC reading the same card, as a ratio; the
 * time from a card's arrival to its status; and the idle cost of the card monitor.
 * With --write the tables replace the generated part of docs/benchmarks.md.
 */
import { spawn, execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PcscReaders } from "../native-bridge/pcsc/pcsc-readers.js";
import type { ReaderBackend } from "../native-bridge/pcsc/types.js";
import { CardService } from "../native-bridge/service/card-service.js";
import { Secret } from "../native-bridge/service/secret.js";
import { createCard, type SimProfile } from "../native-bridge/simulator/cards.js";
import { InProcessReaders } from "../native-bridge/simulator/in-process-readers.js";
import { insertIntoVpcd } from "../native-bridge/simulator/vpcd-client.js";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "20" },
    "idle-seconds": { type: "string", default: "60" },
    write: { type: "boolean", default: false },
  },
});
const RUNS = Number(values.runs);
const IDLE_SECONDS = Number(values["idle-seconds"]);
const READER = "Virtual PCD 00 00";

const s = (t: string) => Secret.fromString(t);
const median = (xs: number[]) => {
  const a = [...xs].sort((x, y) => x - y);
  return a[Math.floor(a.length / 2)]!;
};
const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));

interface Row {
  family: SimProfile;
  transport: string;
  op: string;
  apdus: number;
  ms: number;
}

const FAMILY: Record<SimProfile, { pin: string; puk: string; pinId: string }> = {
  pkcs15: { pin: "123456", puk: "12345678", pinId: "auth" },
  piv: { pin: "123456", puk: "12345678", pinId: "auth" },
  openpgp: { pin: "123456", puk: "12345678", pinId: "user" },
};
/** New PINs to alternate between (the default 123456 is refused as a new PIN: too simple). */
const A = "246810";
const B = "135790";

async function measure(service: CardService, op: () => Promise<{ ok: boolean }>): Promise<{ apdus: number; ms: number }> {
  const times: number[] = [];
  let apdus = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = await op();
    times.push(performance.now() - t0);
    if (!r.ok) throw new Error(`operation failed: ${JSON.stringify(r)}`);
    apdus = service.lastApduCount;
  }
  return { apdus, ms: median(times) };
}

async function benchFamily(
  family: SimProfile,
  transport: string,
  backend: ReaderBackend,
  reader: string,
  insert: () => Promise<() => Promise<void>>,
): Promise<Row[]> {
  const f = FAMILY[family];
  const rows: Row[] = [];
  const remove = await insert();
  const service = new CardService(backend);
  const opts = { reader };
  // First read: detection and layout.
  const t0 = performance.now();
  const first = await service.status(opts);
  if (!first.ok) throw new Error(JSON.stringify(first));
  rows.push({ family, transport, op: "status (first read)", apdus: service.lastApduCount, ms: performance.now() - t0 });
  const status = await measure(service, () => service.status(opts));
  rows.push({ family, transport, op: "status", ...status });
  let current = f.pin;
  const change = await measure(service, async () => {
    const next = current === A ? B : A;
    const r = await service.changePin(f.pinId, s(current), s(next), opts);
    current = next;
    return r;
  });
  rows.push({ family, transport, op: "change PIN", ...change });
  const unblock = await measure(service, async () => {
    const next = current === A ? B : A;
    const r = await service.unblockPin(f.pinId, s(f.puk), s(next), opts);
    current = next;
    return r;
  });
  rows.push({ family, transport, op: "unblock PIN", ...unblock });
  service.close();
  await remove();
  return rows;
}

function runTool(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: "ignore" });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${cmd} exited ${code}`))));
  });
}

async function waitFor(check: () => boolean, ms = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 1));
  }
}

function quickackOn(): boolean {
  try {
    return /127\.0\.0\.1 .*quickack 1/.test(execFileSync("ip", ["route", "show", "table", "local"], { encoding: "utf8" }));
  } catch {
    return false;
  }
}

async function main() {
  const rows: Row[] = [];
  for (const family of ["pkcs15", "piv", "openpgp"] as SimProfile[]) {
    const readers = new InProcessReaders(["R"]);
    rows.push(
      ...(await benchFamily(family, "in-process", readers, "R", async () => {
        readers.insert(createCard(family));
        return async () => readers.remove();
      })),
    );
  }
  const pcsc = new PcscReaders();
  await pcsc.ready();
  const present = () => pcsc.readers().find((r) => r.name === READER)?.cardPresent === true;
  if (!present() && !pcsc.readers().some((r) => r.name === READER)) throw new Error("no vpcd reader: run scripts/pcscd.sh start");
  const vpcdInsert = (family: SimProfile) => async () => {
    const inserted = await insertIntoVpcd(createCard(family));
    await waitFor(present);
    return async () => {
      await inserted.remove();
      await waitFor(() => !present());
    };
  };
  for (const family of ["pkcs15", "piv", "openpgp"] as SimProfile[]) {
    rows.push(...(await benchFamily(family, "pcscd + vpcd", pcsc, READER, vpcdInsert(family))));
  }

  // OpenSC on the same cards, same stack.
  const conf = join(mkdtempSync(join(tmpdir(), "pinwarden-bench-")), "opensc.conf");
  writeFileSync(conf, "app default {\n  enable_default_driver = true;\n  card_drivers = default;\n}\n");
  const opensc: { family: SimProfile; tool: string; ours: number; theirs: number }[] = [];
  for (const [family, env] of [
    ["pkcs15", { OPENSC_CONF: conf }],
    ["piv", {}],
  ] as [SimProfile, NodeJS.ProcessEnv][]) {
    const remove = await vpcdInsert(family)();
    const service = new CardService(pcsc);
    const times: number[] = [];
    const ours: number[] = [];
    for (let i = 0; i < Math.min(RUNS, 10); i++) {
      times.push(await runTool("pkcs15-tool", ["--reader", "0", "--list-pins"], env));
      // A cold read, as a new process does: detection, layout, tries.
      const fresh = new CardService(pcsc);
      const t0 = performance.now();
      await fresh.status({ reader: READER });
      ours.push(performance.now() - t0);
      fresh.close();
    }
    service.close();
    await remove();
    opensc.push({ family, tool: "pkcs15-tool --list-pins", ours: median(ours), theirs: median(times) });
  }

  // Arrival: from vpcd connect to a status in hand.
  const arrivals: number[] = [];
  const afterEvent: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 10); i++) {
    const service = new CardService(pcsc);
    const t0 = performance.now();
    const inserted = await insertIntoVpcd(createCard("pkcs15"));
    await new Promise<void>((resolve) => {
      const off = pcsc.on((e) => {
        if (e.type === "card-inserted" && e.reader === READER) {
          off();
          resolve();
        }
      });
    });
    const t1 = performance.now();
    const r = await service.status({ reader: READER });
    arrivals.push(performance.now() - t0);
    afterEvent.push(performance.now() - t1);
    if (!r.ok) throw new Error(JSON.stringify(r));
    service.close();
    await inserted.remove();
    await waitFor(() => !present());
  }

  // Idle: the monitor with no events.
  const cpu0 = process.cpuUsage();
  const rss0 = process.memoryUsage().rss;
  await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
  const cpu = process.cpuUsage(cpu0);
  const idleCpuPct = ((cpu.user + cpu.system) / 1000 / (IDLE_SECONDS * 1000)) * 100;
  const rss1 = process.memoryUsage().rss;

  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}, loopback quickack ${quickackOn() ? "on" : "off"}`;
  const lines: string[] = [];
  lines.push(`Measured ${new Date().toISOString().slice(0, 10)} on ${machine}; median of ${RUNS} runs.`, "");
  lines.push("| family | transport | operation | APDUs | ms |", "|---|---|---|---:|---:|");
  for (const r of rows) lines.push(`| ${r.family} | ${r.transport} | ${r.op} | ${r.apdus} | ${fmt(r.ms)} |`);
  lines.push("", "| family | OpenSC | OpenSC ms | Pinwarden cold status ms | ratio |", "|---|---|---:|---:|---:|");
  for (const o of opensc)
    lines.push(`| ${o.family} | ${o.tool} | ${fmt(o.theirs)} | ${fmt(o.ours)} | ${(o.theirs / o.ours).toFixed(1)}× |`);
  lines.push(
    "",
    `Card arrival to status available (pkcs15, pcscd + vpcd): median ${fmt(median(arrivals))} ms, of which ${fmt(median(afterEvent))} ms from the insertion event to the status; the rest is pcscd noticing the card (it polls drivers without card-event support, vpcd among them, every 400 ms).`,
  );
  lines.push(
    `Card monitor idle for ${IDLE_SECONDS} s: CPU ${idleCpuPct.toFixed(3)} % of one core, RSS ${(rss0 / 2 ** 20).toFixed(1)} → ${(rss1 / 2 ** 20).toFixed(1)} MiB.`,
  );
  const table = lines.join("\n");
  process.stdout.write(table + "\n");
  if (values.write) {
    const path = "docs/benchmarks.md";
    const doc = readFileSync(path, "utf8");
    const begin = "<!-- bench:begin -->";
    const end = "<!-- bench:end -->";
    const next = doc.slice(0, doc.indexOf(begin) + begin.length) + "\n" + table + "\n" + doc.slice(doc.indexOf(end));
    writeFileSync(path, next);
    process.stdout.write(`written to ${path}\n`);
  }
  process.exit(0);
}

await main();
