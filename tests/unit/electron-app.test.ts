/** The tray app's main process, with `electron` mocked (the binary cannot run here). */
import { describe, expect, it, beforeEach, vi } from "vitest";
import winston from "winston";
import { Writable } from "node:stream";
import { startApp, type RunningApp } from "../../electron/app.js";
import { CSP } from "../../electron/window.js";
import { CHANNELS } from "../../contract/calls.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import { UnknownCardForTests } from "../shared/unknown-card.js";
import { CompositeCard as SecurityKeyCard } from "../../native-bridge/simulator/composite-card.js";
import { fakeElectron, FakeBrowserWindow, FakeNotification, FakeTray, policyFrom } from "./electron-fakes.js";

const PAGE = "file:///opt/pinwarden/dist/renderer/index.html";

function memoryLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = winston.createLogger({ transports: [new winston.transports.Stream({ stream })] });
  return { logger, lines };
}

async function start(readers: InProcessReaders, opts: { lock?: boolean; locale?: string } = {}) {
  const fake = fakeElectron(opts);
  const { logger, lines } = memoryLogger();
  const running = await startApp(fake.electron, {
    assetsDir: "/assets",
    pageUrl: PAGE,
    preloadPath: "/preload.cjs",
    backend: readers,
    logger,
    loadPolicy: policyFrom({ helpdeskPhone: ["intern 30000"], language: opts.locale?.startsWith("en") ? "en" : null }),
  });
  return { ...fake, running: running as RunningApp, tray: FakeTray.last!, lines };
}

const ipcEvent = (win: FakeBrowserWindow | undefined, url = PAGE, mainFrame = true) => {
  const sender = win?.webContents ?? { id: -1, mainFrame: { url } };
  const frame = mainFrame ? sender.mainFrame : { url };
  frame.url = url;
  return { sender, senderFrame: frame };
};

let readers: InProcessReaders;
beforeEach(() => {
  readers = new InProcessReaders(["R"]);
});

describe("tray", () => {
  it("follows the card: no card, ready, one try left, blocked; icon, tooltip and menu", async () => {
    const { running, tray } = await start(readers);
    expect(running.trayState()).toBe("no-card");
    expect(tray.image).toBe("/assets/tray/no-card-light.png");
    expect(tray.tooltip).toBe("Pinwarden – sätt i ditt kort");
    expect(tray.item("change").enabled).toBe(false);
    expect(tray.item("unlock").enabled).toBe(false);
    expect(tray.item("status").enabled).toBe(true);
    expect(tray.menu.map((m) => m.label ?? "—")).toEqual([
      "Ändra säkerhetskod…",
      "Lås upp kort med PUK-kod…",
      "—",
      "Kortstatus",
      "Supportinformation",
      "Om",
      "—",
      "Avsluta",
    ]);

    const card = new Pkcs15Card();
    readers.insert(card);
    await running.refresh();
    expect(running.trayState()).toBe("ready");
    expect(tray.image).toBe("/assets/tray/ready-light.png");
    expect(tray.item("change").enabled).toBe(true);
    expect(tray.item("unlock").enabled).toBe(true);

    card.pins.get(0x81)!.triesLeft = 1;
    await running.refresh();
    expect(running.trayState()).toBe("low");
    expect(tray.tooltip).toBe("Pinwarden – en kod har bara ett försök kvar");

    card.pins.get(0x81)!.triesLeft = 0;
    await running.refresh();
    expect(running.trayState()).toBe("blocked");
    expect(tray.image).toBe("/assets/tray/blocked-light.png");
    // The signing PIN still works, so change stays on; unlock is what the user needs.
    expect(tray.item("change").enabled).toBe(true);
    expect(tray.item("unlock").enabled).toBe(true);

    card.pins.get(0x82)!.triesLeft = 0;
    card.pins.get(0x83)!.triesLeft = 0;
    await running.refresh();
    expect(tray.item("change").enabled).toBe(false);
    expect(tray.item("unlock").enabled).toBe(false);
  });

  it("says no reader, no service and unsupported card, and uses dark icons on a dark taskbar", async () => {
    const empty = new InProcessReaders([]);
    const { running, tray, nativeTheme } = await start(empty, { locale: "en-GB" });
    expect(running.trayState()).toBe("no-reader");
    expect(tray.tooltip).toBe("Pinwarden – no card reader");
    nativeTheme.shouldUseDarkColors = true;
    nativeTheme.emit("updated");
    expect(tray.image).toBe("/assets/tray/no-reader-dark.png");

    const { running: r2 } = await start(readers);
    readers.setServiceAvailable(false);
    await r2.refresh();
    expect(r2.trayState()).toBe("no-service");
    readers.setServiceAvailable(true);
    readers.insert(new UnknownCardForTests());
    await r2.refresh();
    expect(r2.trayState()).toBe("unsupported");
  });

  it("shows busy while a change runs, and disables the code items", async () => {
    readers.insert(new Pkcs15Card());
    const { running, tray, ipc } = await start(readers);
    await running.windows.show();
    const win = FakeBrowserWindow.created[0];
    const pending = ipc.get(CHANNELS.changePin)!(ipcEvent(win), { pinId: "auth", current: "123456", next: "246810" });
    expect(running.trayState()).toBe("busy");
    expect(tray.item("change").enabled).toBe(false);
    await pending;
    expect(running.trayState()).toBe("ready");
  });

  it("opens the status view on left-click and the wizards from the menu", async () => {
    readers.insert(new Pkcs15Card());
    const { tray } = await start(readers);
    tray.emit("click");
    await new Promise((r) => setTimeout(r, 0));
    const win = FakeBrowserWindow.created[0]!;
    expect(win.visible).toBe(true);
    tray.item("unlock").click!();
    await new Promise((r) => setTimeout(r, 0));
    expect(win.webContents.sent.map((s) => s.payload)).toEqual([
      { type: "navigate", view: "status" },
      { type: "navigate", view: "unlock" },
    ]);
    expect(FakeBrowserWindow.created).toHaveLength(1);
  });

  it("shows the version under About", async () => {
    const { tray, dialogs } = await start(readers);
    tray.item("about").click!();
    expect(dialogs[0]!.message).toBe("Pinwarden 0.1.0");
  });

  it("quits from the menu: tray removed, window allowed to close", async () => {
    const { tray, app } = await start(readers);
    tray.item("quit").click!();
    expect(tray.destroyed).toBe(true);
    expect(app.quitCalled).toBe(true);
  });
});

describe("window and security", () => {
  it("creates one hardened window, reused, hidden on close", async () => {
    const { running } = await start(readers);
    await running.windows.show();
    const win = FakeBrowserWindow.created[0]!;
    expect(win.options.webPreferences).toMatchObject({
      preload: "/preload.cjs",
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(win.loaded).toBe(PAGE);
    win.userClose();
    expect(win.visible).toBe(false);
    await running.windows.show();
    expect(FakeBrowserWindow.created).toHaveLength(1);
    expect(win.visible).toBe(true);
  });

  it("denies navigation, new windows, webviews and every permission; sends a strict CSP", async () => {
    const { running, permission, headersFor } = await start(readers);
    await running.windows.show();
    const contents = FakeBrowserWindow.created[0]!.webContents;
    let prevented = 0;
    const ev = { preventDefault: () => prevented++ };
    contents.emit("will-navigate", ev, "https://evil.example/");
    contents.emit("will-redirect", ev, "https://evil.example/");
    contents.emit("will-attach-webview", ev);
    expect(prevented).toBe(3);
    expect(contents.windowOpenHandler!({ url: "https://evil.example/" })).toEqual({ action: "deny" });
    const granted: boolean[] = [];
    for (const p of ["media", "geolocation", "notifications", "clipboard-read", "hid", "usb"])
      permission.request(contents, p, (ok) => granted.push(ok));
    expect(granted.every((g) => g === false)).toBe(true);
    expect(permission.check()).toBe(false);
    expect(headersFor()["Content-Security-Policy"]).toEqual([CSP]);
    expect(CSP).toContain("default-src 'none'");
    expect(CSP).toContain("script-src 'self'");
    expect(CSP).not.toMatch(/unsafe-eval|https?:/);
  });
});

describe("IPC", () => {
  it("answers the app's own page, and rejects a foreign sender and a subframe without touching the card", async () => {
    const card = new Pkcs15Card();
    readers.insert(card);
    const { running, ipc, lines } = await start(readers);
    await running.windows.show();
    const win = FakeBrowserWindow.created[0]!;
    const ok = (await ipc.get(CHANNELS.status)!(ipcEvent(win))) as { ok: boolean };
    expect(ok.ok).toBe(true);

    const before = card.apduCount;
    const request = { pinId: "auth", current: "123456", next: "246810" };
    const foreign = await ipc.get(CHANNELS.changePin)!(ipcEvent(undefined), request);
    const otherPage = await ipc.get(CHANNELS.changePin)!(ipcEvent(win, "https://evil.example/"), request);
    const subframe = await ipc.get(CHANNELS.changePin)!(ipcEvent(win, PAGE, false), request);
    for (const r of [foreign, otherPage, subframe])
      expect(r).toEqual({ ok: false, error: { code: "REQUEST_REJECTED", support: "PW-499" } });
    expect(card.apduCount).toBe(before);
    expect(card.codeOf(0x81)).toBe("123456");
    expect(lines.join("")).toContain("not from the app's own page");
    expect(lines.join("")).not.toMatch(/123456|246810/);
  });

  it("rejects bad payloads by schema and logs them without the payload", async () => {
    const card = new Pkcs15Card();
    readers.insert(card);
    const { running, ipc, lines } = await start(readers);
    await running.windows.show();
    const win = FakeBrowserWindow.created[0]!;
    const bad: unknown[] = [
      undefined,
      "123456",
      { pinId: "auth", current: "123456" },
      { pinId: "auth", current: 123456, next: "246810" },
      { pinId: "../../x", current: "123456", next: "246810" },
      { pinId: "auth", current: "123456", next: "246810", extra: "975310" },
      { pinId: "auth", current: "1".repeat(65), next: "246810" },
    ];
    const before = card.apduCount;
    for (const payload of bad)
      expect(await ipc.get(CHANNELS.changePin)!(ipcEvent(win), payload)).toMatchObject({ ok: false, error: { code: "REQUEST_REJECTED" } });
    expect(card.apduCount).toBe(before);
    expect(lines.join("")).not.toMatch(/123456|246810|975310/);
  });
});

describe("notifications and instances", () => {
  it("notifies when a card with a blocked PIN is inserted, and the click opens the unlock wizard", async () => {
    const { running } = await start(readers);
    const card = new Pkcs15Card();
    card.pins.get(0x82)!.triesLeft = 0;
    readers.insert(card);
    await new Promise((r) => setTimeout(r, 20));
    expect(FakeNotification.shown).toHaveLength(1);
    const note = FakeNotification.shown[0]!;
    expect(note.options.body).toBe("Underskrift är spärrad. Klicka för att låsa upp med PUK-kod.");
    note.emit("click");
    await new Promise((r) => setTimeout(r, 0));
    expect(FakeBrowserWindow.created[0]!.webContents.sent.at(-1)!.payload).toEqual({
      type: "navigate",
      view: "unlock",
      pinId: "sign",
      app: "pkcs15",
    });
    expect(running.trayState()).toBe("blocked");
  });

  it("does not notify for a healthy card", async () => {
    await start(readers);
    readers.insert(new Pkcs15Card());
    await new Promise((r) => setTimeout(r, 20));
    expect(FakeNotification.shown).toHaveLength(0);
  });

  it("runs once per user session: a second start quits, and the first shows its window", async () => {
    const second = fakeElectron({ lock: false });
    const result = await startApp(second.electron, {
      assetsDir: "/a",
      pageUrl: PAGE,
      preloadPath: "/p",
      backend: readers,
      loadPolicy: policyFrom({}),
    });
    expect(result).toBeNull();
    expect(second.app.quitCalled).toBe(true);

    const { app } = await start(readers);
    app.emit("second-instance");
    await new Promise((r) => setTimeout(r, 0));
    expect(FakeBrowserWindow.created[0]!.visible).toBe(true);
  });
});

const settle = () => new Promise((r) => setTimeout(r, 20));
const pushes = (win: FakeBrowserWindow) => win.webContents.sent.filter((s) => s.channel === CHANNELS.statusPush).map((s) => s.payload);

describe("one status read per card event (issue 11)", () => {
  it("reads once per insertion and pushes the result to the tray and the window; no read for no card", async () => {
    const { running, tray } = await start(readers);
    await running.windows.show();
    const win = FakeBrowserWindow.created[0]!;
    const reads = vi.spyOn(running.service, "status");
    const card = new Pkcs15Card();
    card.pins.get(0x81)!.triesLeft = 1;

    readers.insert(card);
    await settle();
    expect(reads).toHaveBeenCalledTimes(1);
    // The card saw one cold status read: its APDUs are those of a single read.
    const oneRead = card.apduCount;
    expect(running.trayState()).toBe("low");
    expect(tray.image).toBe("/assets/tray/low-light.png");
    expect(pushes(win).at(-1)).toMatchObject({ ok: true, value: { card: { profile: "pkcs15" }, app: "pkcs15" } });

    readers.remove();
    await settle();
    expect(reads).toHaveBeenCalledTimes(1);
    expect(pushes(win).at(-1)).toEqual({ ok: false, error: { code: "NO_CARD", support: expect.any(String) } });
    expect(running.trayState()).toBe("no-card");

    const again = new Pkcs15Card();
    readers.insert(again);
    await settle();
    expect(reads).toHaveBeenCalledTimes(2);
    expect(again.apduCount).toBe(oneRead);
  });

  it("answers the window's latest-status call without reading the card", async () => {
    readers.insert(new Pkcs15Card());
    const { running, ipc } = await start(readers);
    await running.windows.show();
    const win = FakeBrowserWindow.created[0]!;
    const reads = vi.spyOn(running.service, "status");
    const latest = (await ipc.get(CHANNELS.latestStatus)!(ipcEvent(win))) as { ok: boolean };
    expect(latest).toMatchObject({ ok: true, value: { reader: "R" } });
    expect(reads).not.toHaveBeenCalled();
    // A foreign sender gets nothing.
    expect(await ipc.get(CHANNELS.latestStatus)!(ipcEvent(undefined))).toMatchObject({ error: { code: "REQUEST_REJECTED" } });
    // Refresh (the person asked) reads once, and the window gets the result pushed too.
    await ipc.get(CHANNELS.status)!(ipcEvent(win));
    expect(reads).toHaveBeenCalledTimes(1);
    expect(pushes(win)).toHaveLength(1);
  });

  it("takes the status a change returns: no read after it, and the tray and window follow", async () => {
    const card = new Pkcs15Card();
    readers.insert(card);
    const { running, ipc } = await start(readers);
    await running.windows.show();
    const win = FakeBrowserWindow.created[0]!;
    const reads = vi.spyOn(running.service, "status");
    const r = (await ipc.get(CHANNELS.changePin)!(ipcEvent(win), { pinId: "auth", current: "999999", next: "246810", app: "pkcs15" })) as {
      ok: boolean;
    };
    expect(r).toMatchObject({ ok: false, error: { code: "PIN_WRONG", triesLeft: 2 } });
    expect(reads).not.toHaveBeenCalled();
    expect(card.pins.get(0x81)!.triesLeft).toBe(2);
    expect(pushes(win).at(-1)).toMatchObject({ ok: true });
    const pushed = pushes(win).at(-1) as { value: { codes: { id: string; triesLeft: number }[] } };
    expect(pushed.value.codes.find((c) => c.id === "auth")!.triesLeft).toBe(2);
    expect(running.trayState()).toBe("ready");
  });
});

describe("several applications", () => {
  it("the tray considers every application: a blocked OpenPGP PIN next to a healthy PIV PIN is blocked", async () => {
    const key = new SecurityKeyCard();
    key.openpgp.pw1.triesLeft = 0;
    readers.insert(key);
    const { running, tray } = await start(readers, { locale: "en-GB" });
    expect(running.trayState()).toBe("blocked");
    expect(tray.image).toBe("/assets/tray/blocked-light.png");
    // The PIV PIN still works; the OpenPGP PIN can be unblocked with the admin PIN.
    expect(tray.item("change").enabled).toBe(true);
    expect(tray.item("unlock").enabled).toBe(true);
    // A PIV PUK and an OpenPGP admin PIN: the menu does not promise a PUK for both.
    expect(tray.item("unlock").label).toBe("Unlock PIN…");
  });

  it("notifies about a blocked OpenPGP PIN without the word PUK, and opens its unlock wizard", async () => {
    const { running } = await start(readers);
    const key = new SecurityKeyCard();
    key.openpgp.pw1.triesLeft = 0;
    readers.insert(key);
    // Waited for, not a fixed 20 ms: an app of an earlier test may still be reading its
    // card's certificates in the background (the virtual card makes them with openssl).
    await vi.waitFor(() => expect(FakeNotification.shown).toHaveLength(1));
    const note = FakeNotification.shown[0]!;
    expect(note.options.body).not.toMatch(/PUK/);
    note.emit("click");
    await new Promise((r) => setTimeout(r, 0));
    expect(FakeBrowserWindow.created[0]!.webContents.sent.at(-1)!.payload).toEqual({
      type: "navigate",
      view: "unlock",
      pinId: "user",
      app: "openpgp",
    });
    expect(running.trayState()).toBe("blocked");
  });

  it("passes app and using to the card service, and checks them by schema", async () => {
    const key = new SecurityKeyCard({ openpgp: { resetCode: "87654321" } });
    key.openpgp.pw1.triesLeft = 0;
    readers.insert(key);
    const { running, ipc } = await start(readers);
    await running.windows.show();
    const win = FakeBrowserWindow.created[0]!;
    const before = key.apduCount;
    for (const bad of [
      { pinId: "user", puk: "87654321", next: "246810", app: "gpg" },
      { pinId: "user", puk: "87654321", next: "246810", using: "../x" },
    ])
      expect(await ipc.get(CHANNELS.unblockPin)!(ipcEvent(win), bad)).toMatchObject({ ok: false, error: { code: "REQUEST_REJECTED" } });
    expect(key.apduCount).toBe(before);
    const r = await ipc.get(CHANNELS.unblockPin)!(ipcEvent(win), {
      pinId: "user",
      puk: "87654321",
      next: "246810",
      app: "openpgp",
      using: "reset",
    });
    expect(r).toMatchObject({ ok: true, value: { app: "openpgp" } });
    expect(key.openpgp.holds("user", "246810")).toBe(true);
    // The admin PIN was not used: its counter is untouched.
    expect(key.openpgp.pw3.triesLeft).toBe(3);
  });
});
