/** Loads the app's real main entry (dist/electron/main.cjs) with `electron` resolved to an electron stand-in. */
import { existsSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { resolve } from "node:path";
import type { StandInElectron } from "./electron-stand-in.js";

const require = createRequire(import.meta.url);
export const MAIN = resolve("dist/electron/main.cjs");
/** The module id `electron` resolves to while a main entry loads. */
const STAND_IN_ID = resolve("tests/shell/electron-stand-in.module");

type Resolve = (request: string, parent: unknown, ...rest: unknown[]) => string;
const moduleWithResolver = Module as unknown as { _resolveFilename: Resolve };
let hooked = false;

export function startMain(standIn: StandInElectron, args: string[] = []): void {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
  if (!hooked) {
    const original = moduleWithResolver._resolveFilename;
    moduleWithResolver._resolveFilename = function (this: unknown, request, parent, ...rest) {
      if (request === "electron") return STAND_IN_ID;
      return original.call(this, request, parent, ...rest);
    };
    hooked = true;
  }
  require.cache[STAND_IN_ID] = {
    id: STAND_IN_ID,
    filename: STAND_IN_ID,
    loaded: true,
    exports: standIn.module,
  } as unknown as NodeJS.Module;
  Reflect.deleteProperty(require.cache, MAIN);
  const saved = process.argv;
  process.argv = [process.execPath, MAIN, ...args];
  try {
    require(MAIN);
  } finally {
    process.argv = saved;
  }
}
