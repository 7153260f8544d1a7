/**
 * `npm run build`: the Electron main and preload bundles (esbuild, CommonJS, Electron and
 * the native PC/SC binding left external), the renderer (Vite), and the `pinwarden` CLI
 * (esbuild, ESM split into chunks so a command loads only the code it uses), into dist/.
 *
 * `npm run build -- --cli-runtime` also stages dist/cli-runtime/ for an installer: the Node
 * binary running this build, the PC/SC binding built for it and the `pinwarden` launchers;
 * electron-builder.yml copies it with dist/cli/ to resources/cli/ (docs/admin.md).
 */
import { chmodSync, copyFileSync, cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { createRequire } from "node:module";
import { build as esbuild } from "esbuild";
import { build as vite } from "vite";

const common = {
  bundle: true,
  platform: "node" as const,
  format: "cjs" as const,
  target: "node20",
  sourcemap: true,
  logLevel: "warning" as const,
  // pcsclite is a native module: electron-builder rebuilds it for Electron and unpacks it from the asar.
  external: ["electron", "pcsclite"],
  // ESM code (createRequire(import.meta.url)) bundled into CommonJS: give it a real URL.
  define: { "import.meta.url": "__pinwardenImportMetaUrl" },
  banner: { js: 'const __pinwardenImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
};

await esbuild({ ...common, entryPoints: ["electron/main.ts"], outfile: "dist/electron/main.cjs" });
// The preload runs sandboxed: it may only require "electron", which stays external.
await esbuild({ ...common, entryPoints: ["electron/preload.ts"], outfile: "dist/electron/preload.cjs", external: ["electron"] });
await buildCli();
await vite({ configFile: "renderer/vite.config.ts", logLevel: "warn" });
if (process.argv.includes("--cli-runtime")) stageCliRuntime();
process.stdout.write("built dist/electron/main.cjs, dist/electron/preload.cjs, dist/cli/pinwarden.mjs and dist/renderer/\n");

/**
 * dist/cli/pinwarden.mjs runs the CLI when loaded. ESM with code splitting: what cli.ts
 * loads with `await import()` (zod, winston, fflate, the simulator, the card service) is in
 * chunks/ and is read from disk only by a command that needs it. pcsclite stays external and
 * is found at run time from the chunk's own place upwards (createRequire(import.meta.url)):
 * node_modules/ in a checkout, resources/cli/node_modules/ in an installed app.
 * dist/cli/manifest.json lists the sources, so bin/pinwarden.js can tell a stale bundle.
 */
async function buildCli(): Promise<void> {
  rmSync("dist/cli", { recursive: true, force: true });
  const result = await esbuild({
    stdin: {
      contents: 'import { runCli } from "./native-bridge/cli.ts";\nrunCli(process.argv.slice(2));\n',
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
    outdir: "dist/cli",
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
    chunks[relative("dist/cli", file).replaceAll("\\", "/")] = [...packages].sort();
  }
  writeFileSync("dist/cli/manifest.json", JSON.stringify({ inputs: inputs.sort(), chunks }, null, 1) + "\n");
}

/**
 * The installed CLI cannot use the app's Electron binary (the RunAsNode fuse is off) nor the
 * app's copy of pcsclite (rebuilt for Electron's ABI and inside app.asar's unpacked twin),
 * so it ships its own Node and a pcsclite built for that Node: the Node running this build,
 * with the binding `npm ci` built for it. Run on the release machine before electron-builder.
 */
function stageCliRuntime(): void {
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
  writeFileSync(join(out, "pinwarden.cmd"), '@"%~dp0node.exe" "%~dp0pinwarden.mjs" %*\r\n');
  writeFileSync(join(out, "pinwarden"), '#!/bin/sh\nhere=$(dirname "$(readlink -f "$0")")\nexec "$here/node" "$here/pinwarden.mjs" "$@"\n');
  chmodSync(join(out, "pinwarden"), 0o755);
  process.stdout.write(`staged ${out}/ (Node ${process.version}, ABI ${process.versions.modules}) for resources/cli/\n`);
}
