/**
 * The CLI as installed: bin/pinwarden.js runs the esbuild bundle (dist/cli/pinwarden.mjs),
 * and a command loads only what it uses. What a process loaded is seen from outside it:
 * scripts/load-log.mjs (`node --import`) logs every ES module URL and require() request,
 * and dist/cli/manifest.json says which npm packages each chunk holds. A top-level zod
 * import in cli.ts (or anything it imports on every path) puts zod in a chunk `--help` loads.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { defaultLoadedPolicy, POLICY_DEFAULTS } from "../../host/policy-defaults.js";
import { defaultPolicy, loadPolicy } from "../../host/policy.js";
import { buildCli } from "../../scripts/build-cli.js";

const ROOT = resolve(".");
const LOAD_LOG_HOOK = resolve("scripts/load-log.mjs");
let temp: string;
let manifest: { inputs: string[]; chunks: Record<string, string[]> };

/** dist/cli as bin/pinwarden.js would run it: built now unless it is newer than its sources. */
async function currentBundle(): Promise<void> {
  const bundle = join(ROOT, "dist/cli/pinwarden.mjs");
  const list = join(ROOT, "dist/cli/manifest.json");
  const current =
    existsSync(bundle) &&
    existsSync(list) &&
    (JSON.parse(readFileSync(list, "utf8")) as typeof manifest).inputs.every(
      (f) => existsSync(f) && statSync(f).mtimeMs <= statSync(bundle).mtimeMs,
    );
  if (!current) await buildCli("dist/cli");
  manifest = JSON.parse(readFileSync(list, "utf8"));
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** ES module URLs and require() requests, in load order. */
  loaded: string[];
  /** npm packages the process loaded: from node_modules paths, require() names and bundle chunks. */
  packages: Set<string>;
}

function run(bin: string, args: string[], env: Record<string, string> = {}): Run {
  const log = join(temp, `load-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, "");
  const r = spawnSync(process.execPath, ["--import", pathToFileURL(LOAD_LOG_HOOK).href, bin, ...args], {
    cwd: temp,
    encoding: "utf8",
    timeout: 30_000,
    // No machine policy file unless a test gives one; LANG fixed so the text is known.
    env: { PATH: process.env.PATH, LANG: "en_US.UTF-8", PINWARDEN_POLICY: join(temp, "no-policy.json"), PINWARDEN_LOAD_LOG: log, ...env },
  });
  const loaded = readFileSync(log, "utf8").split("\n").filter(Boolean);
  const packages = new Set<string>();
  const chunkDir = pathToFileURL(join(ROOT, "dist/cli")).href + "/";
  for (const line of loaded) {
    const [kind, what = ""] = line.split(" ");
    const fromPath = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(what)?.[1];
    if (fromPath) packages.add(fromPath);
    if (kind === "cjs" && /^[@a-z]/.test(what) && !isBuiltin(what)) packages.add(what.split("/")[0]!);
    if (kind === "esm" && what.startsWith(chunkDir)) for (const p of manifest.chunks[what.slice(chunkDir.length)] ?? []) packages.add(p);
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, loaded, packages };
}

const bin = () => join(ROOT, "bin/pinwarden.js");
const ranBundle = (r: Run) => r.loaded.some((l) => l.endsWith("/dist/cli/pinwarden.mjs"));

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), "pinwarden-cli-"));
  await currentBundle();
}, 60_000);
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe("the bundled CLI", () => {
  it("prints the usage for --help from the bundle, without zod, the card service or the PC/SC binding", () => {
    const r = run(bin(), ["--help"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^usage:\n {2}pinwarden readers/);
    expect(r.stdout).toContain("pinwarden status");
    expect(ranBundle(r)).toBe(true);
    expect(r.loaded.some((l) => l.includes("/tsx/") || l.endsWith(".ts"))).toBe(false);
    expect([...r.packages]).toEqual([]);
    expect(r.loaded.some((l) => /card-service|in-process-readers|pcsc-readers/.test(l))).toBe(false);
  });

  it("reads the demo card's status as JSON without loading zod when there is no policy file", () => {
    const r = run(bin(), ["status", "--demo", "--json"]);
    expect(r.code).toBe(0);
    expect(ranBundle(r)).toBe(true);
    const status = JSON.parse(r.stdout);
    expect(status.reader).toBe("Pinwarden Demo Reader");
    expect(status.card.profile).toBe("pkcs15");
    expect(status.codes.map((c: { id: string }) => c.id)).toEqual(["auth", "sign", "puk"]);
    expect(status.codes[0]).toMatchObject({ kind: "pin", triesLeft: 3, maxTries: 3, state: "ok" });
    expect(r.packages.has("zod")).toBe(false);
    expect(r.packages.has("winston")).toBe(false);
    expect(r.packages.has("fflate")).toBe(false);
    expect(r.packages.has("pcsclite")).toBe(false); // --demo: the simulator, not the binding
  });

  it("loads zod when a policy file is there to validate, and obeys it (the detection can see zod)", () => {
    const file = join(temp, "policy.json");
    writeFileSync(file, JSON.stringify({ language: "sv", pin: { minLength: 3, maxLength: 3 } }));
    const r = run(bin(), ["status", "--demo"], { PINWARDEN_POLICY: file });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Kortläsare: Pinwarden Demo Reader");
    expect(r.packages.has("zod")).toBe(true);

    const p = run(bin(), ["policy", "--json"], { PINWARDEN_POLICY: file });
    const policy = JSON.parse(p.stdout);
    expect(policy.policy.language).toBe("sv");
    expect(policy.sources.language).toBe("file");
    // pin 3–3 is below the schema's 4: reported, and the default kept.
    expect(policy.policy.pin).toEqual({ minLength: 6, maxLength: 6 });
    expect(policy.problems.map((x: { key: string }) => x.key)).toEqual(["pin"]);
  });

  it("runs the sources through tsx, printing the same, only in a checkout without a build", () => {
    // A checkout without dist/: bin/ copied, the rest linked.
    const tree = join(temp, "checkout");
    cpSync(join(ROOT, "bin"), join(tree, "bin"), { recursive: true });
    for (const name of [
      "contract",
      "native-bridge",
      "host",
      "cli",
      "electron",
      "renderer",
      "node_modules",
      "package.json",
      "tsconfig.json",
    ]) {
      symlinkSync(join(ROOT, name), join(tree, name));
    }
    const r = run(join(tree, "bin/pinwarden.js"), ["--help"]);
    expect(r.code).toBe(0);
    expect(ranBundle(r)).toBe(false);
    expect(r.loaded.some((l) => l.endsWith("/cli/main.ts"))).toBe(true);
    expect(r.stdout).toBe(run(bin(), ["--help"]).stdout);
    expect(r.stderr).toBe("");
    expect(r.packages.has("zod")).toBe(false);
  }, 30_000);
});

describe("the zod-free policy defaults", () => {
  it("are the defaults of the schema, and what loadPolicy gives with no registry and no file", () => {
    expect(POLICY_DEFAULTS).toEqual(defaultPolicy());
    const file = "/nonexistent/policy.json";
    expect(defaultLoadedPolicy(file)).toEqual(loadPolicy({ platform: "linux", env: { PINWARDEN_POLICY: file }, registry: () => null }));
  });
});

describe("electron-builder.yml", () => {
  it("ships the CLI bundle and its runtime in resources/cli, outside the asar", () => {
    const config = parse(readFileSync("electron-builder.yml", "utf8")) as { extraResources: { from: string; to: string }[] };
    const cli = config.extraResources.filter((r) => r.to === "cli").map((r) => r.from);
    expect(cli.sort()).toEqual(["dist/cli", "dist/cli-runtime"]);
  });
});
