/**
 * The full path of a PIN change from the tray app: IPC handler → CardService → pcscd →
 * virtual card. Only `electron` is mocked (its binary cannot run here): ipcMain is a fake
 * that records handlers, and the call comes from a fake sender frame showing our page.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startApp, type RunningApp } from "../../electron/app.js";
import { PcscReaders } from "../../native-bridge/pcsc/pcsc-readers.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import { CHANNELS } from "../../renderer/contract.js";
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

    await rig.remove();
    await app.refresh();
    expect(app.trayState()).toBe("no-card");
    app.quit();
  });
});
