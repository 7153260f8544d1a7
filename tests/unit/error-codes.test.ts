/** One table of error codes (docs/error-codes.md): every code the app raises is in it, every row is raised. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorCodesMarkdown } from "../../native-bridge/service/error-docs.js";
import { describeError } from "../../native-bridge/service/error-catalog.js";
import { ERROR_CODES } from "../../contract/errors.js";
import { en } from "../../renderer/src/i18n/en.js";
import { sv } from "../../renderer/src/i18n/sv.js";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "i18n" ? [] : sources(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

/** The files that list or describe codes rather than raise them (contract/ lists them all and is not read). */
const CATALOGUES = ["error-catalog.ts", "support-actions.ts", "error-docs.ts"];
const code = sources("native-bridge")
  .concat(sources("host"), sources("cli"), sources("electron"), sources("renderer"))
  .filter((f) => !CATALOGUES.some((c) => f.endsWith(join("service", c))))
  .map((f) => readFileSync(f, "utf8"))
  .join("\n");

describe("error codes", () => {
  it("docs/error-codes.md is the generated table, with every code in it", () => {
    const doc = readFileSync("docs/error-codes.md", "utf8");
    expect(doc).toBe(errorCodesMarkdown());
    for (const c of ERROR_CODES) expect(doc, c).toContain(`\`${c}\``);
  });

  it("every row is raised somewhere in the code", () => {
    for (const c of ERROR_CODES) expect(code, c).toMatch(new RegExp(`"${c}"`));
  });

  it("every code raised is a row of the table", () => {
    const raised = new Set([...code.matchAll(/PinwardenError\(\s*"([A-Z_]+)"/g)].map((m) => m[1]!));
    expect(raised.size).toBeGreaterThan(10);
    for (const c of raised) expect(ERROR_CODES as readonly string[]).toContain(c);
  });

  it("the renderer has a sentence for every code in Swedish and English", () => {
    for (const c of ERROR_CODES) {
      expect((sv.errors as Record<string, string>)[c], `sv ${c}`).toBeTruthy();
      expect((en.errors as Record<string, string>)[c], `en ${c}`).toBeTruthy();
    }
  });

  it("says the card gave no count rather than 'Tries left: ?'", () => {
    expect(describeError("PIN_WRONG", { codeId: "auth", triesLeft: null }, "sv")).toBe(
      "Fel säkerhetskod för koden. Kortet visar inte hur många försök som återstår. (PW-101)",
    );
    expect(describeError("PUK_WRONG", { codeId: "puk" }, "en")).toBe("Wrong PUK. The card does not say how many tries are left. (PW-201)");
    expect(describeError("PIN_WRONG", { codeId: "auth", triesLeft: 2 }, "en", { name: "Signing" })).toBe(
      "Wrong PIN for Signing. Tries left: 2. (PW-101)",
    );
  });
});
