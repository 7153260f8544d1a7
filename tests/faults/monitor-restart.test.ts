/**
 * `pinwarden monitor` through a pcscd stop and start: the real CLI in a process of its
 * own (bin/pinwarden.js, as a person runs it) keeps running, and after its opening
 * snapshot prints `service-down` and then `service-up`, once each. Stops the machine's
 * pcscd, so it belongs to the faults project (runs last, alone, under the pcscd lock).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { afterAll, afterEach, expect, it } from "vitest";
import { waitFor } from "../integration/pcsc-rig.js";

const pcscd = (cmd: "start" | "stop") => execFileSync("bash", ["scripts/pcscd.sh", cmd], { stdio: "ignore" });

afterAll(() => pcscd("start"));

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = undefined;
});

interface Line {
  type: string;
  reader?: string;
}

it("keeps running through a pcscd restart and says service-down, then service-up, once each", async () => {
  pcscd("start");
  const lines: Line[] = [];
  let stderr = "";
  child = spawn(process.execPath, ["bin/pinwarden.js", "monitor", "--json"], { stdio: ["ignore", "pipe", "pipe"] });
  let buffered = "";
  child.stdout!.on("data", (d: Buffer) => {
    buffered += d.toString();
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const text = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (text.trim()) lines.push(JSON.parse(text) as Line);
    }
  });
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const running = () => child!.exitCode === null && child!.signalCode === null;

  // The opening snapshot: the service and vpcd's readers.
  await waitFor("the monitor's opening snapshot", () => lines.some((l) => l.type === "reader-added"), 20_000);
  expect(lines[0]!.type).toBe("service-up");
  const opening = lines.length;

  pcscd("stop");
  await waitFor("service-down", () => lines.slice(opening).some((l) => l.type === "service-down") || !running(), 10_000);
  // Down for longer than several of the backend's 1 s retries: each retry finds no
  // service and must neither end the process nor say service-down again.
  await new Promise((r) => setTimeout(r, 3_500));
  expect(running(), `monitor exited (${child.exitCode ?? child.signalCode}): ${stderr}`).toBe(true);

  pcscd("start");
  await waitFor("service-up", () => lines.slice(opening).some((l) => l.type === "service-up") || !running(), 15_000);
  await waitFor("the readers again", () => lines.slice(opening).filter((l) => l.type === "reader-added").length >= 2, 10_000);
  // Time for a duplicate to show up if there were one.
  await new Promise((r) => setTimeout(r, 2_500));

  const service = lines.slice(opening).filter((l) => l.type.startsWith("service-"));
  expect(service.map((l) => l.type)).toEqual(["service-down", "service-up"]);
  expect(running(), `monitor exited (${child.exitCode ?? child.signalCode}): ${stderr}`).toBe(true);

  // Stopped the way a person stops it, it ends on its own.
  const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  const code = await Promise.race([exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 10_000))]);
  expect(code).toBe(0);
});
