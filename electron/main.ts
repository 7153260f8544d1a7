/**
 * Electron's entry point: the real `electron` module handed to startApp. `--demo` runs on
 * a built-in virtual card instead of the PC/SC service.
 */
import * as electron from "electron";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createCard } from "../native-bridge/simulator/cards.js";
import { InProcessReaders } from "../native-bridge/simulator/in-process-readers.js";
import { startApp } from "./app.js";

// Built by scripts/build.ts into dist/electron/main.cjs; assets/ and dist/renderer/ sit beside.
const root = join(__dirname, "..", "..");
const demo = process.argv.includes("--demo");

let backend: InProcessReaders | undefined;
if (demo) {
  backend = new InProcessReaders(["Pinwarden Demo Reader"]);
  backend.insert(createCard("pkcs15"));
}

void startApp(electron, {
  assetsDir: join(root, "assets"),
  pageUrl: pathToFileURL(join(root, "dist", "renderer", "index.html")).href,
  preloadPath: join(__dirname, "preload.cjs"),
  ...(backend ? { backend, organisationName: "Pinwarden demo" } : {}),
});
