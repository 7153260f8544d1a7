/**
 * The layers keep themselves (issue 13): the lint rules in eslint.config.js refuse an import
 * that runs up a layer, and the registries derive from one list. These tests run ESLint
 * itself on sample imports placed in each layer, so a rule that stops firing fails here.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { CALL_NAMES, CALLS, CHANNELS, PUSH_CHANNELS } from "../../contract/calls.js";
import { FAMILIES } from "../../contract/families.js";
import { REQUEST_SCHEMAS } from "../../contract/requests.js";

const eslint = new ESLint();
async function refused(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: file });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports" || m.ruleId === "no-restricted-syntax").map((m) => m.message);
}

describe("the layers", () => {
  const cases: [string, string, boolean][] = [
    // [file in a layer, what it imports, refused?]
    ["renderer/src/x.ts", "../../native-bridge/service/card-service.js", true],
    ["renderer/src/x.ts", "../../host/policy.js", true],
    ["renderer/src/x.ts", "../../electron/app.js", true],
    ["renderer/src/x.ts", "node:fs", true],
    ["renderer/src/x.ts", "../../contract/api.js", false],
    ["contract/x.ts", "../native-bridge/core/errors.js", true],
    ["contract/x.ts", "node:path", true],
    ["contract/x.ts", "./families.js", false],
    ["native-bridge/service/x.ts", "../../host/policy.js", true],
    ["native-bridge/service/x.ts", "../../electron/app.js", true],
    ["native-bridge/service/x.ts", "../../cli/main.js", true],
    ["native-bridge/service/x.ts", "../core/errors.js", false],
    ["native-bridge/profiles/x.ts", "../service/card-service.js", true],
    ["native-bridge/pcsc/x.ts", "../service/card-service.js", true],
    ["native-bridge/profiles/x.ts", "../core/secret.js", false],
    ["native-bridge/profiles/x.ts", "pcsclite", true],
    ["native-bridge/pcsc/pcsc-readers.ts", "pcsclite", false],
    ["host/x.ts", "../electron/window.js", true],
    ["host/x.ts", "electron", true],
    ["host/x.ts", "../renderer/src/App.js", true],
    ["host/x.ts", "../native-bridge/service/card-service.js", false],
    ["cli/x.ts", "../electron/app.js", true],
    ["cli/x.ts", "../host/policy.js", false],
    ["electron/x.ts", "../cli/main.js", true],
    ["electron/x.ts", "electron", false],
  ];
  it.each(cases)("%s importing %s: refused = %s", async (file, spec, expected) => {
    const messages = await refused(file, `import "${spec}";\n`);
    expect(messages.length > 0, messages.join("; ")).toBe(expected);
  });

  // The same rules for import("…"), which the CLI and the host use to load what a path needs.
  const dynamicCases: [string, string, boolean][] = [
    ["host/x.ts", "../electron/app.js", true],
    ["cli/x.ts", "../electron/window.js", true],
    ["native-bridge/service/x.ts", "../../host/policy.js", true],
    ["native-bridge/profiles/x.ts", "../service/card-service.js", true],
    ["native-bridge/profiles/x.ts", "pcsclite", true],
    ["renderer/src/x.ts", "node:fs", true],
    ["contract/x.ts", "../native-bridge/core/errors.js", true],
    ["cli/x.ts", "../host/policy.js", false],
    ["cli/x.ts", "../native-bridge/simulator/cards.js", false],
  ];
  it.each(dynamicCases)("%s loading %s with import(): refused = %s", async (file, spec, expected) => {
    const messages = await refused(file, `export const load = () => import("${spec}");\n`);
    expect(messages.length > 0, messages.join("; ")).toBe(expected);
  });

  it("the tree as it is passes those rules", async () => {
    const results = await eslint.lintFiles(["contract", "renderer/src", "native-bridge", "host", "cli", "electron"]);
    const upImports = results.flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId === "no-restricted-imports" || m.ruleId === "no-restricted-syntax")
        .map((m) => `${r.filePath}: ${m.message}`),
    );
    expect(upImports).toEqual([]);
  }, 60_000);
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

describe("the registries derive from one place", () => {
  it("no file but contract/families.ts spells out the list of families", () => {
    const literal = /["']pkcs15["']\s*[,|]\s*["']piv["']\s*[,|]\s*["']openpgp["']/;
    const offenders = ["contract", "native-bridge", "host", "cli", "electron", "renderer/src", "scripts"]
      .flatMap(sources)
      .filter((f) => f !== join("contract", "families.ts") && literal.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
    expect(FAMILIES.length).toBeGreaterThanOrEqual(3);
  });

  it("every call has one channel, one route and a schema row; channels are unique", () => {
    const channels = CALL_NAMES.map((n) => CALLS[n].channel);
    expect(new Set([...channels, ...Object.values(PUSH_CHANNELS)]).size).toBe(channels.length + Object.keys(PUSH_CHANNELS).length);
    for (const name of CALL_NAMES) {
      expect(CHANNELS[name]).toBe(CALLS[name].channel);
      expect(REQUEST_SCHEMAS[name] !== null, name).toBe(CALLS[name].takesRequest);
    }
  });

  it("only the table names a channel: no 'pinwarden:' string outside contract/", () => {
    const offenders = ["native-bridge", "host", "cli", "electron", "renderer/src", "scripts"]
      .flatMap(sources)
      .filter((f) => /["'`]pinwarden:[a-z-]+["'`]/.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });
});
