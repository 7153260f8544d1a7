/**
 * pcscd stopped and started under a running monitor: the app says the PC/SC service is not
 * running, then finds the service, its readers and the card again on its own, within 2 s
 * of pcscd being back. Stops the machine's pcscd, so this project runs last.
 *
 * The monitor runs in a process of its own (scripts/check-pcscd-restart.ts), as in the app,
 * so the one-PcscReaders-per-test-process rule of the other suites is not disturbed.
 */
import { execFileSync, spawn } from "node:child_process";
import { afterAll, expect, it } from "vitest";

afterAll(() => execFileSync("bash", ["scripts/pcscd.sh", "start"], { stdio: "ignore" }));

function check(): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/check-pcscd-restart.ts"], { timeout: 50_000 });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.on("close", (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!)) : reject(new Error(`check exited ${code}: ${out}`)),
    );
  });
}

it("reports PCSC_UNAVAILABLE while pcscd is down and recovers on its own within 2 s", async () => {
  const r = await check();
  expect(r.before).toBe(true);
  expect(r.whileDown).toBe("PCSC_UNAVAILABLE");
  expect(r.eventsWhileDown).toEqual(expect.arrayContaining(["service-down", "card-removed", "reader-removed"]));
  expect((r.eventsWhileDown as string[]).filter((e) => e === "service-down")).toHaveLength(1);
  expect(r.recoveryMs).not.toBeNull();
  expect(r.recoveryMs as number).toBeLessThanOrEqual(2_000);
  expect(r.eventsAfter).toEqual(expect.arrayContaining(["service-up", "reader-added", "card-inserted"]));
  expect(r.after).toBe(true);
  expect(r.triesAfter).toEqual([3, 3, 10]);
  process.stdout.write(`recovered ${r.recoveryMs} ms after pcscd was back\n`);
});
