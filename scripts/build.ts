/**
 * `npm run build`: the Electron main and preload bundles (esbuild, CommonJS, Electron and
 * the native PC/SC binding left external) and the renderer (Vite), into dist/.
 */
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
await vite({ configFile: "renderer/vite.config.ts", logLevel: "warn" });
process.stdout.write("built dist/electron/main.cjs, dist/electron/preload.cjs and dist/renderer/\n");
