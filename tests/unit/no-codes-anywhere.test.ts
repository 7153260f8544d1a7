/**
 * Every wizard path through the app's IPC handlers, then a search of the support report,
 * the diagnostics export and the log files for every code typed: none may appear.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { startApp, type RunningApp } from "../../electron/app.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import { CHANNELS } from "../../contract/calls.js";
import { fakeElectron, FakeBrowserWindow, policyFrom } from "./electron-fakes.js";

const PAGE = "file:///opt/pinwarden/dist/renderer/index.html";

describe("codes never leave the card path", () => {
  it("are in no report, export or log after every wizard path", async () => {
    const logs = mkdtempSync(join(tmpdir(), "pinwarden-logs-"));
    const downloads = mkdtempSync(join(tmpdir(), "pinwarden-downloads-"));
    const readers = new InProcessReaders(["R"]);
    const card = new Pkcs15Card({ serial: "0000111122223333" });
    readers.insert(card);
    const fake = fakeElectron({ downloads });
    const app = (await startApp(fake.electron, {
      assetsDir: "/a",
      pageUrl: PAGE,
      preloadPath: "/p",
      backend: readers,
      loadPolicy: policyFrom({ logDirectory: logs, logLevel: "debug", helpdeskPhone: ["intern 30000"] }),
    })) as RunningApp;
    await app.windows.show();
    const win = FakeBrowserWindow.created[0]!;
    const event = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    const call = (channel: string, payload?: unknown) => fake.ipc.get(channel)!(event, payload);
    const used = new Set<string>();
    const change = (pinId: string, current: string, next: string) => {
      used.add(current).add(next);
      return call(CHANNELS.changePin, { pinId, current, next });
    };
    const unblock = (pinId: string, puk: string, next: string) => {
      used.add(puk).add(next);
      return call(CHANNELS.unblockPin, { pinId, puk, next });
    };

    await change("sign", "654321", "246813"); // success
    await change("auth", "901287", "246814"); // wrong PIN, 2 left
    await change("auth", "901288", "246815"); // wrong PIN, 1 left
    await change("auth", "901289", "246816"); // blocked
    await change("auth", "123456", "1357"); // refused: too short
    await change("auth", "123456", "777777"); // refused: weak
    await unblock("auth", "55554444", "246817"); // wrong PUK
    await unblock("auth", "12345678", "246818"); // unlocked
    await call(CHANNELS.changePin, { pinId: "auth", current: "246818", next: "975312", stray: "864209" }); // rejected payload
    used.add("864209");
    expect(card.codeOf(0x81)).toBe("246818");

    const support = (await call(CHANNELS.support)) as { report: unknown; text: { sv: string; en: string } };
    const exported = (await call(CHANNELS.exportDiagnostics)) as { ok: boolean; value: { path: string } };
    expect(exported.ok).toBe(true);
    await new Promise((r) => setTimeout(r, 100)); // let winston flush

    const zip = unzipSync(readFileSync(exported.value.path));
    const haystacks: Record<string, string> = {
      "report sv": support.text.sv,
      "report en": support.text.en,
      "report json": JSON.stringify(support.report),
      ...Object.fromEntries(Object.entries(zip).map(([name, data]) => [`export ${name}`, strFromU8(data)])),
      ...Object.fromEntries(readdirSync(logs).map((f) => [`log ${f}`, readFileSync(join(logs, f), "utf8")])),
    };
    // The places searched do hold what support needs.
    expect(support.text.sv).toContain("Lås upp Legitimering – lyckades");
    expect(Object.keys(zip).sort()).toEqual(["logs/pinwarden.log", "report-en.txt", "report-sv.txt", "report.json"]);
    expect(haystacks["log pinwarden.log"]).toContain('"message":"audit"');
    expect(haystacks["log pinwarden.log"]).toContain("0000111122223333");
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of used) expect(text.includes(secret), `${secret} in ${where}`).toBe(false);
    }
    app.quit();
  });
});
