/**
 * `npm run build`: the Electron main and preload bundles (esbuild, CommonJS, Electron and
 * the native PC/SC binding left external), the renderer (Vite), and the `pinwarden` CLI
 * (esbuild, ESM split into chunks so a command loads only the code it uses), into dist/.
 *
 * `npm run build -- --cli-runtime` also stages dist/cli-runtime/ for an installer: the Node
 * binary running this build, the PC/SC binding built for it and the `pinwarden` launchers;
 * electron-builder.yml copies it with dist/cli/ to resources/cli/ (docs/admin.md).
 */
import { build as esbuild } from "esbuild";
import { build as vite } from "vite";
import { buildCli, stageCliRuntime } from "./build-cli.js";

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
await buildCli("dist/cli");
await vite({ configFile: "renderer/vite.config.ts", logLevel: "warn" });
if (process.argv.includes("--cli-runtime")) stageCliRuntime();
process.stdout.write("built dist/electron/main.cjs, dist/electron/preload.cjs, dist/cli/pinwarden.mjs and dist/renderer/\n");
