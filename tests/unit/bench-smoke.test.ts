/**
 * `npm run bench`'s in-process part, one run per figure, so a change that breaks the bench
 * shows here rather than when someone next runs it; and its Markdown, held to Prettier so
 * `--write` leaves docs/benchmarks.md formatted. The budgets themselves are asserted in
 * apdu-economy.test.ts; this checks that the bench measures and reports them.
 */
import { format, resolveConfig } from "prettier";
import { describe, expect, it } from "vitest";
import { benchInProcess, render, targetLines, VARIANTS, withTimeout, StepTimeout, type Report } from "../../scripts/bench.js";

const defaults = VARIANTS.filter((v) => v.name === v.profile);

describe("npm run bench, in-process part", () => {
  it("measures cold and warm status, the CLI's change and unblock on every family", async () => {
    const { rows, skipped } = await benchInProcess({ runs: 1, stepTimeoutMs: 10_000 }, defaults);
    expect(skipped).toEqual([]);
    expect(rows.map((r) => r.variant)).toEqual(["pkcs15", "piv", "openpgp"]);
    for (const r of rows) {
      expect(r.notes, r.variant).toEqual([]);
      // Counted on the virtual card: a cold read sends at least a SELECT and a counter read.
      expect(r.cold!.apdus, r.variant).toBeGreaterThanOrEqual(2);
      expect(r.warm!.apdus, r.variant).toBeGreaterThanOrEqual(1);
      expect(r.warm!.apdus, r.variant).toBeLessThanOrEqual(r.cold!.apdus);
      // The CLI's change reads what the prompt needs, then sends at least SELECT + CHANGE.
      expect(r.change!.apdus, r.variant).toBeGreaterThan(2);
      expect(r.unblock!.apdus, r.variant).toBeGreaterThan(2);
    }
  });

  it("says which targets are met, and writes Markdown that Prettier leaves alone", async () => {
    const { rows } = await benchInProcess({ runs: 1, stepTimeoutMs: 10_000 }, defaults);
    const report: Report = {
      runs: 1,
      rows,
      skipped: ["pkcs15 example (--profile pkcs15 --quirks example): not in the simulator yet"],
      tools: [
        { family: "piv", program: "pinwarden status", apdus: 5, ms: 60, runs: 1 },
        { family: "piv", program: "pkcs15-tool --list-pins", apdus: 21, ms: 20, runs: 1 },
      ],
      startup: { help: 100, node: 50, runs: 1, source: "test" },
      failures: ["pcscd + vpcd: example"],
    };
    const lines = targetLines(report);
    // 60 + 5 × 20 = 160 ms against 20 + 21 × 20 = 440 ms: 2.75× faster.
    expect(lines.find((l) => l.includes("PIV ≥ 2×"))).toMatch(/: met \(160 ms vs 440 ms, 2\.8×\)/);
    expect(lines.find((l) => l.includes("--help"))).toMatch(/: met \(2\.00×\)/);
    expect(lines.find((l) => l.includes("twice"))).toMatch(/: met \(3 variant/);
    const twice = targetLines({ ...report, rows: [...rows, { ...rows[0]!, variant: "x", repeated: ["> 00F70080"] }] });
    expect(twice.find((l) => l.includes("twice"))).toContain("**not met**: x (in-process) `00F70080`");
    const text = render(report, "test machine");
    expect(text).toContain("Not measured: pcscd + vpcd: example");
    expect(text).toContain("skipped pkcs15 example");
    expect(await format(text, { ...(await resolveConfig("docs/benchmarks.md")), parser: "markdown" })).toBe(text + "\n");
  });

  it("ends a step that does not answer", async () => {
    await expect(withTimeout("a step", 20, new Promise(() => undefined))).rejects.toBeInstanceOf(StepTimeout);
  });
});
