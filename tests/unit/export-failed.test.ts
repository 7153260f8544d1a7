/** A diagnostics file that cannot be written is said as such (EXPORT_FAILED), not as a card error. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("saving the diagnostics file where it cannot be written", () => {
  it("the CLI says so in the person's language, with its own support number and exit code", () => {
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "cli/main.ts", "support", "--demo", "--export", "/nonexistent/dir/x.zip", "--lang", "sv"],
      {
        encoding: "utf8",
        env: { ...process.env, PINWARDEN_POLICY: "/nonexistent/policy.json" },
      },
    );
    expect(r.status).toBe(10);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("Diagnostikfilen kunde inte sparas");
    expect(r.stderr).toContain("PW-330");
    expect(r.stderr).not.toMatch(/kort|card/i);
  }, 30_000);
});
