/**
 * The full path of a PIN change from the tray app: IPC handler → CardService → pcscd →
 * virtual card. Only `electron` is mocked (its binary cannot run here): ipcMain is a fake
 * that records handlers, and the call comes from a fake sender frame showing our page.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { startApp, type RunningApp } from "../../electron/app.js";
import { PcscReaders } from "../../native-bridge/pcsc/pcsc-readers.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import { CHANNELS } from "../../contract/calls.js";
import { fakeElectron, FakeBrowserWindow, policyFrom } from "../unit/electron-fakes.js";
import { READER_0, vpcdRig } from "./pcsc-rig.js";

const PAGE = "file:///opt/pinwarden/dist/renderer/index.html";
let rig: ReturnType<typeof vpcdRig> | undefined;
afterEach(async () => rig?.cleanup());

describe("tray app on pcscd, electron mocked", () => {
  it("changes a PIN through the IPC handler and the tray follows the card", async () => {
    const backend = new PcscReaders({ readerFilter: READER_0 });
    await backend.ready();
    rig = vpcdRig(backend, READER_0);
    const card = new Pkcs15Card();
    await rig.insert(card);

    const fake = fakeElectron();
    const app = (await startApp(fake.electron, {
      assetsDir: "/assets",
      pageUrl: PAGE,
      preloadPath: "/p.cjs",
      backend,
      loadPolicy: policyFrom({ notifications: false }),
    })) as RunningApp;
    await app.refresh();
    expect(app.trayState()).toBe("ready");
    await app.windows.show();
    const win = FakeBrowserWindow.created[0]!;
    const event = { sender: win.webContents, senderFrame: win.webContents.mainFrame };

    const wrong = (await fake.ipc.get(CHANNELS.changePin)!(event, { pinId: "auth", current: "999999", next: "246810" })) as {
      ok: boolean;
      error: { code: string; triesLeft: number; support: string };
    };
    expect(wrong).toMatchObject({ ok: false, error: { code: "PIN_WRONG", triesLeft: 2, support: "PW-101" } });
    const r = (await fake.ipc.get(CHANNELS.changePin)!(event, { pinId: "auth", current: "123456", next: "246810" })) as {
      ok: boolean;
      value: { codes: { id: string; triesLeft: number }[] };
    };
    expect(r.ok).toBe(true);
    expect(r.value.codes.find((c) => c.id === "auth")!.triesLeft).toBe(3);
    expect(card.codeOf(0x81)).toBe("246810");
    expect(JSON.stringify([wrong, r])).not.toMatch(/999999|123456|246810/);

    // One read per card event on the real pcscd too: the tray and the window share it.
    const reads = vi.spyOn(app.service, "status");
    await rig.remove();
    await new Promise((r) => setTimeout(r, 300));
    expect(app.trayState()).toBe("no-card");
    expect(reads).not.toHaveBeenCalled();
    const pushes = () => win.webContents.sent.filter((m) => m.channel === CHANNELS.statusPush).map((m) => m.payload);
    expect(pushes().at(-1)).toMatchObject({ ok: false, error: { code: "NO_CARD" } });
    await rig.insert(card);
    for (let i = 0; i < 50 && app.trayState() !== "ready"; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    expect(app.trayState()).toBe("ready");
    expect(reads).toHaveBeenCalledTimes(1);
    expect(pushes().at(-1)).toMatchObject({ ok: true, value: { app: "pkcs15" } });
    app.quit();
  });
});
