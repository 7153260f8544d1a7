/** The docs tell the same story as the code. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_CATALOG } from "../../native-bridge/service/error-catalog.js";
import { ERROR_CODES } from "../../contract/errors.js";

describe("docs/cli.md", () => {
  const doc = readFileSync("docs/cli.md", "utf8");
  const rows = doc.split("\n").filter((l) => /^\|\s*\d+\s*\|/.test(l));

  it("puts every error code in the exit-code table, on the row of its exit code", () => {
    for (const code of ERROR_CODES) {
      const row = rows.find((r) => r.includes(`\`${code}\``));
      expect(row, code).toBeDefined();
      expect(Number(row!.split("|")[1]!.trim()), code).toBe(ERROR_CATALOG[code].exitCode);
    }
  });

  it("gives every error a support number of its own", () => {
    const numbers = ERROR_CODES.map((c) => ERROR_CATALOG[c].support);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const n of numbers) expect(n).toMatch(/^PW-\d{3}$/);
  });
});
