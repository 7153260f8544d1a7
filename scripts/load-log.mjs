/**
 * `node --import ./scripts/load-log.mjs …` with PINWARDEN_LOAD_LOG=FILE: appends to FILE the
 * URL of every ES module Node loads ("esm <url>") and the request of every require()
 * ("cjs <request>"), one a line, as it happens (so a process.exit() loses nothing). Used by
 * tests/unit/cli-bundle.test.ts and scripts/bench-startup.ts to see what a command loads.
 */
import { appendFileSync } from "node:fs";
import Module, { register } from "node:module";
import { isMainThread } from "node:worker_threads";

let log = process.env.PINWARDEN_LOAD_LOG;

if (isMainThread && log) {
  // This same file is the hooks module; Node 20 runs it again on the hooks thread.
  register("./load-log.mjs", import.meta.url, { data: { log } });
  const load = Module._load;
  Module._load = function (request, ...rest) {
    appendFileSync(log, `cjs ${request}\n`);
    return load.call(this, request, ...rest);
  };
}

export function initialize(data) {
  log = data.log;
}

export async function load(url, context, nextLoad) {
  appendFileSync(log, `esm ${url}\n`);
  return nextLoad(url, context);
}
