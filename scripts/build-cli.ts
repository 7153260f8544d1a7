/**
 * The `pinwarden` CLI bundle (scripts/build.ts runs it; tests/unit/cli-bundle.test.ts too)
 * and, for an installer, the runtime it is shipped with.
 */
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { build as esbuild } from "esbuild";

/**
 * dist/cli/pinwarden.mjs runs the CLI when loaded. ESM with code splitting: what cli.ts
 * loads with `await import()` (zod, winston, fflate, the simulator, the card service) is in
 * chunks/ and is read from disk only by a command that needs it. pcsclite stays external and
 * is found at run time from the chunk's own place upwards (createRequire(import.meta.url)):
 * node_modules/ in a checkout, resources/cli/node_modules/ in an installed app.
 * dist/cli/manifest.json lists the sources, so bin/pinwarden.js can tell a stale bundle.
 */
export async function buildCli(outdir: string): Promise<void> {
  // Built beside and renamed into place, so a `pinwarden` started meanwhile sees the old bundle or the new.
  const temp = `${outdir}.tmp-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  const result = await esbuild({
    stdin: {
      contents: 'import { runCli } from "./cli/main.ts";\nrunCli(process.argv.slice(2));\n',
      resolveDir: process.cwd(),
      sourcefile: "pinwarden-cli-entry.ts",
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    splitting: true,
    target: "node20",
    sourcemap: true,
    logLevel: "warning",
    metafile: true,
    outdir: temp,
    entryNames: "pinwarden",
    chunkNames: "chunks/[name]-[hash]",
    outExtension: { ".js": ".mjs" },
    external: ["pcsclite"],
    // CommonJS packages bundled into ESM (winston's dependencies) call require() for Node's
    // built-ins: give each chunk a real one.
    banner: {
      js: 'import { createRequire as __pinwardenCreateRequire } from "node:module";\nconst require = __pinwardenCreateRequire(import.meta.url);',
    },
  });
  // manifest.json: the sources (bin/pinwarden.js's staleness check) and, per chunk, the npm
  // packages in it, so a test or the bench can say which packages a command loaded.
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith("node_modules/") && f !== "pinwarden-cli-entry.ts");
  const chunks: Record<string, string[]> = {};
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith(".map")) continue;
    const packages = new Set(Object.keys(output.inputs).flatMap((f) => /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1] ?? []));
    chunks[relative(temp, file).replaceAll("\\", "/")] = [...packages].sort();
  }
  writeFileSync(join(temp, "manifest.json"), JSON.stringify({ inputs: inputs.sort(), chunks }, null, 1) + "\n");
  rmSync(outdir, { recursive: true, force: true });
  renameSync(temp, outdir);
}

/**
 * Whether `outdir` (dist/cli under `root`) holds a bundle newer than every source it was
 * built from (its manifest's inputs): what bin/pinwarden.js runs, by the same rule. The
 * bench scripts ask this; bin/pinwarden.js, plain JavaScript that must run before any
 * TypeScript can, keeps its own copy of these lines.
 */
export function cliBundleIsCurrent(root = process.cwd(), outdir = join("dist", "cli")): boolean {
  const bundle = join(root, outdir, "pinwarden.mjs");
  if (!existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  let inputs: string[];
  try {
    inputs = (JSON.parse(readFileSync(join(root, outdir, "manifest.json"), "utf8")) as { inputs: string[] }).inputs;
  } catch {
    return true; // a bundle without its list (copied by hand): trusted, as bin/pinwarden.js does
  }
  return inputs.every((input) => existsSync(join(root, input)) && statSync(join(root, input)).mtimeMs <= built);
}

/**
 * The installed CLI cannot use the app's Electron binary (the RunAsNode fuse is off) nor the
 * app's copy of pcsclite (rebuilt for Electron's ABI and inside app.asar's unpacked twin),
 * so it ships its own Node and a pcsclite built for that Node: the Node running this build,
 * with the binding `npm ci` built for it. Run on the release machine before electron-builder.
 */
export function stageCliRuntime(): void {
  const out = "dist/cli-runtime";
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const windows = process.platform === "win32";
  copyFileSync(process.execPath, join(out, windows ? "node.exe" : "node"));
  // The binding and what it requires at run time (bindings → file-uri-to-path).
  const require = createRequire(resolve("package.json"));
  for (const name of ["pcsclite", "bindings", "file-uri-to-path"]) {
    const root = dirname(require.resolve(`${name}/package.json`));
    cpSync(root, join(out, "node_modules", name), {
      recursive: true,
      filter: (src) => !/[\\/](obj\.target|\.deps|test|examples|src)([\\/]|$)/.test(`/${relative(root, src)}`),
    });
  }
  // electron-builder's npmRebuild rebuilds node_modules/pcsclite for Electron in place: staged
  // after that, the copy would not load in this Node. Load it here (no PC/SC call) to be sure.
  try {
    createRequire(resolve(out, "node_modules", "pcsclite", "package.json"))("pcsclite");
  } catch (error) {
    throw new Error(
      `the staged pcsclite does not load in Node ${process.version} (run npm rebuild pcsclite first): ${(error as Error).message}`,
    );
  }
  writeFileSync(join(out, "pinwarden.cmd"), '@"%~dp0node.exe" "%~dp0pinwarden.mjs" %*\r\n');
  writeFileSync(join(out, "pinwarden"), '#!/bin/sh\nhere=$(dirname "$(readlink -f "$0")")\nexec "$here/node" "$here/pinwarden.mjs" "$@"\n');
  chmodSync(join(out, "pinwarden"), 0o755);
  process.stdout.write(`staged ${out}/ (Node ${process.version}, ABI ${process.versions.modules}) for resources/cli/\n`);
}
