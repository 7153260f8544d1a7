#!/usr/bin/env node
// The `pinwarden` command of a checkout (npm's "bin"). It runs the bundle `npm run build`
// makes (dist/cli/pinwarden.mjs, plain JavaScript, starts in a few tens of ms). Only where
// there is no bundle, or a source it was built from has changed since, does it run the
// TypeScript sources through tsx (a devDependency: checkouts only). An installed app has no
// bin/: it runs resources/cli/pinwarden.mjs with its own Node (docs/admin.md).
import { readFileSync, statSync } from "node:fs";
import { URL } from "node:url";

const root = new URL("../", import.meta.url);
const bundle = new URL("dist/cli/pinwarden.mjs", root);

/** The bundle, if it exists and is newer than every source it was built from. */
function currentBundle() {
  let built;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return false;
  }
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(new URL("dist/cli/manifest.json", root), "utf8")).inputs;
  } catch {
    return true; // a bundle without its list (copied by hand): trust it
  }
  for (const input of inputs) {
    try {
      if (statSync(new URL(input, root)).mtimeMs > built) return false;
    } catch {
      return false; // a source it was built from is gone: the bundle is of another tree
    }
  }
  return true;
}

if (currentBundle()) {
  await import(bundle.href); // runs the CLI
} else {
  const { register } = await import("tsx/esm/api");
  register();
  const { runCli } = await import("../cli/main.ts");
  runCli(process.argv.slice(2));
}
