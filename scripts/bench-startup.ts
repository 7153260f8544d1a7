/**
 * `npx tsx scripts/bench-startup.ts [--runs N]`: how long a cold `pinwarden` takes to start,
 * against a bare `node -e 0` measured side by side (the commands take turns, so a busy
 * machine slows both alike), as medians of N fresh processes each. Target (issue 11):
 * `pinwarden --help` ≤ 2.5× `node -e 0`. Exits 1 when the target is missed.
 * benchStartup() is exported for `npm run bench`.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { buildCli, cliBundleIsCurrent } from "./build-cli.js";

export const STARTUP_TARGET = 2.5;

export interface StartupFigures {
  runs: number;
  /** Median wall time in ms of each command. */
  medians: Record<string, number>;
  /** `pinwarden --help` over `node -e 0`. */
  ratio: number;
}

/** The middle value (the mean of the two middle ones for an even count). */
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Builds dist/cli unless it is newer than every source it was built from (as bin/pinwarden.js checks). */
async function ensureBundle(): Promise<void> {
  if (!cliBundleIsCurrent()) await buildCli("dist/cli");
}

export async function benchStartup(runs = 30): Promise<StartupFigures> {
  await ensureBundle();
  const node = process.execPath;
  const bin = resolve("bin/pinwarden.js");
  // No machine policy file: what a PC without one does (a policy file adds zod, by design).
  const env = { PATH: process.env.PATH, LANG: "en_US.UTF-8", PINWARDEN_POLICY: resolve("dist/no-such-policy.json") };
  const commands: Record<string, string[]> = {
    "node -e 0": ["-e", "0"],
    "pinwarden --help": [bin, "--help"],
    "pinwarden status --demo --json": [bin, "status", "--demo", "--json"],
    // Before the bundle: the sources through tsx, as bin/pinwarden.js did.
    "tsx cli/main.ts --help": ["--import", pathToFileURL(resolve("node_modules/tsx/dist/esm/index.mjs")).href, "cli/main.ts", "--help"],
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < runs + 2; i++) {
    for (const [name, args] of Object.entries(commands)) {
      const start = process.hrtime.bigint();
      const r = spawnSync(node, args, { env, stdio: ["ignore", "pipe", "pipe"], timeout: 20_000 });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (r.status !== 0) throw new Error(`${name} exited ${r.status ?? r.signal}: ${r.stderr.toString().slice(0, 500)}`);
      if (i >= 2) times[name]!.push(ms); // two warm-up rounds: the file cache, not the process, warm
    }
  }
  const medians = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  return { runs, medians, ratio: medians["pinwarden --help"]! / medians["node -e 0"]! };
}

if (process.argv[1] && /bench-startup\.ts$/.test(process.argv[1])) {
  const i = process.argv.indexOf("--runs");
  const runs = i > 0 ? Number(process.argv[i + 1]) : 30;
  const f = await benchStartup(runs);
  const base = f.medians["node -e 0"]!;
  process.stdout.write(`CLI start-up, median of ${f.runs} fresh processes each, taking turns (Node ${process.version}):\n`);
  for (const [name, ms] of Object.entries(f.medians)) {
    process.stdout.write(`  ${name.padEnd(34)} ${ms.toFixed(1).padStart(7)} ms  ${(ms / base).toFixed(2)}×\n`);
  }
  const met = f.ratio <= STARTUP_TARGET;
  process.stdout.write(`pinwarden --help / node -e 0 = ${f.ratio.toFixed(2)} (target ≤ ${STARTUP_TARGET}: ${met ? "met" : "NOT met"})\n`);
  process.exitCode = met ? 0 : 1;
}
