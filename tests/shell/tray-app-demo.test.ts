/**
 * The tray app's main entry with `--demo` (its built-in virtual card) on an electron stand-in
 * and Debian's Chromium: the organisation name, one instance per session, and what a page in
 * the window cannot do — navigate away, open windows, reach past the contract, run an inline
 * script (the CSP the page really gets, from its meta tag).
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { CSP } from "../../electron/window.js";
import { CHANNELS } from "../../contract/calls.js";
import { StandInElectron, type StandInBrowserWindow } from "./electron-stand-in.js";
import { startMain } from "./main-loader.js";
import { logText, shot, startShellApp, until, usePolicy, type ShellApp } from "./rig.js";

let policy: ReturnType<typeof usePolicy>;
const apps: ShellApp[] = [];
beforeAll(() => {
  policy = usePolicy({});
});
afterEach(async () => {
  for (const app of apps.splice(0)) await app.quit();
});

async function start(session = "shell-demo"): Promise<ShellApp> {
  const app = await startShellApp(["--demo"], session);
  apps.push(app);
  await until("ready icon", () => app.tray().iconName === "ready-light.png");
  return app;
}

/** Opens the window from the tray (left click: the status view) and waits for the card's codes. */
async function openWindow(app: ShellApp) {
  app.tray().click();
  await until("the window", () => app.standIn.windows[0]?.visible === true);
  const page = app.window().page!;
  await page.locator(".codes").waitFor();
  return page;
}

describe("the demo tray app", () => {
  it("shows the demo's organisation name in the tray's tooltip and in the window", async () => {
    const app = await start();
    expect(app.tray().tooltip).toBe("Pinwarden – card ready (Pinwarden demo)");
    const page = await openWindow(app);
    await page.getByText("Pinwarden demo", { exact: true }).waitFor();
    await shot(app.window(), "demo-status");
  });

  it("applies a policy change while it runs: the organisation in the tooltip, start at login", async () => {
    const app = await start();
    expect(app.standIn.loginItem.openAtLogin).toBe(true);
    try {
      policy.write({ organisationName: "Region Skåne", startAtLogin: false });
      await until("the new organisation in the tooltip", () => app.tray().tooltip === "Pinwarden – card ready (Region Skåne)");
      expect(app.standIn.loginItem.openAtLogin).toBe(false);
    } finally {
      policy.write({});
    }
    await until("the demo's name again", () => app.tray().tooltip === "Pinwarden – card ready (Pinwarden demo)");
  });

  it("runs once per session: a second start shows and focuses the first one's window and quits", async () => {
    const first = await start("shell-single");
    expect(first.standIn.windows).toHaveLength(0);
    const second = new StandInElectron({ session: "shell-single" });
    startMain(second, ["--demo"]);
    await until("the first one's window", () => first.standIn.windows[0]?.visible === true);
    await until("the second one quits", () => second.quitted);
    expect(second.trays).toHaveLength(0);
    expect(second.windows).toHaveLength(0);
    const win = first.window();
    expect(win.isFocused()).toBe(true);
    // Closed (hidden: the tray keeps running), then a third start brings it back.
    win.close();
    expect(win.isVisible()).toBe(false);
    const focusBefore = win.focusCount;
    const third = new StandInElectron({ session: "shell-single" });
    startMain(third, ["--demo"]);
    await until("the window again", () => win.isVisible());
    expect(win.focusCount).toBeGreaterThan(focusBefore);
    expect(first.standIn.windows).toHaveLength(1);
  });

  it("keeps a page in the window inside the app: no navigation, no new window, no channel outside the contract, no inline script", async () => {
    const app = await start();
    const page = await openWindow(app);
    const win = app.window();
    const pageUrl = page.url();
    expect(pageUrl).toMatch(/^file:\/\/.*\/dist\/renderer\/index\.html$/);

    // The contract's methods and nothing else; no Node, no ipcRenderer in the page.
    const seen = await page.evaluate(() => ({
      keys: Object.keys((window as unknown as { pinwarden: object }).pinwarden).sort(),
      node: ["require", "process", "module", "ipcRenderer", "electron", "Buffer"].filter((k) => k in window),
    }));
    expect(seen.keys).toEqual([
      "changePin",
      "checkCode",
      "exportDiagnostics",
      "info",
      "onStatus",
      "status",
      "subscribe",
      "support",
      "unblockPin",
    ]);
    expect(seen.node).toEqual([]);
    // A payload naming another channel, or with a field the contract lacks, is refused.
    const refused = await page.evaluate(
      async () =>
        await (window as unknown as { pinwarden: { changePin(r: unknown): Promise<unknown> } }).pinwarden.changePin({
          pinId: "auth",
          current: "123456",
          next: "246810",
          channel: "pinwarden:evil",
        }),
    );
    expect(refused).toMatchObject({ ok: false, error: { code: "REQUEST_REJECTED" } });

    // Navigation away is stopped by the app's will-navigate handler, to the web and to a file.
    for (const target of ["https://example.invalid/", "file:///etc/hostname"]) {
      await page.evaluate((t) => void (location.href = t), target);
      await until(`the app's answer to ${target}`, () => win.webContents.navigations.some((n) => n.url === target));
      expect(win.webContents.navigations.find((n) => n.url === target)!.allowed).toBe(false);
    }
    await page.waitForTimeout(200);
    expect(page.url()).toBe(pageUrl);
    await page.locator(".codes").waitFor();

    // window.open: the app's window-open handler denies it, and no page is left open.
    await page.evaluate(() => void window.open("https://example.invalid/popup"));
    await until("the open handler's answer", () => win.webContents.opens.length === 1);
    expect(win.webContents.opens[0]).toEqual({ url: "https://example.invalid/popup", action: "deny" });
    await until("no page outside the window", async () => (await app.standIn.strayPages()).length === 0);

    // No permission is granted to the page.
    expect(app.standIn.session.defaultSession.permissionLog.filter((p) => p.granted)).toEqual([]);
    expect(await page.evaluate(() => Notification.permission)).not.toBe("granted");

    // The CSP the page gets (a file:// page has no response headers: the meta tag applies):
    // the window's policy, less what a meta tag cannot carry (frame-ancestors) and connect-src
    // 'self' (the preview bridge's fetch; the window has nothing to connect to over file://).
    const meta = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute("content")!);
    const directives = (policy: string) => new Set(policy.split(";").map((d) => d.trim().replace(/\s+/g, " ")));
    const expected = [...directives(CSP)].filter((d) => !d.startsWith("frame-ancestors") && !d.startsWith("connect-src"));
    expect([...directives(meta)].sort()).toEqual([...expected, "connect-src 'self'"].sort());
    const csp = await page.evaluate(() => {
      const events: string[] = [];
      document.addEventListener("securitypolicyviolation", (e) => events.push(e.violatedDirective));
      const script = document.createElement("script");
      script.textContent = "window.__inlineRan = true";
      document.head.appendChild(script);
      const img = document.createElement("img");
      img.setAttribute("onerror", "window.__handlerRan = true");
      img.src = "data:,";
      document.body.appendChild(img);
      return new Promise<{ ran: boolean; events: string[] }>((resolve) =>
        setTimeout(() => {
          const w = window as unknown as { __inlineRan?: boolean; __handlerRan?: boolean };
          resolve({ ran: !!(w.__inlineRan || w.__handlerRan), events });
        }, 300),
      );
    });
    expect(csp.ran).toBe(false);
    expect(csp.events).toEqual(expect.arrayContaining(["script-src-elem", "script-src-attr"]));
    await shot(win, "window-after-attempts");
  });

  it("answers only its own window: the same page in another window gets REQUEST_REJECTED, logged without the payload", async () => {
    const app = await start();
    const page = await openWindow(app);
    const BrowserWindow = app.standIn.module.BrowserWindow as new (o: Record<string, unknown>) => StandInBrowserWindow;
    const own = app.window();
    const other = new BrowserWindow({ show: false, width: 400, height: 300, webPreferences: { ...own.options.webPreferences } });
    await other.loadURL(page.url());
    const answer = await other.page!.evaluate(
      async () =>
        await (window as unknown as { pinwarden: { changePin(r: unknown): Promise<unknown> } }).pinwarden.changePin({
          pinId: "auth",
          current: "123456",
          next: "246810",
        }),
    );
    expect(answer).toMatchObject({ ok: false, error: { code: "REQUEST_REJECTED", support: "PW-499" } });
    // The window's own page is still answered.
    expect(
      await page.evaluate(
        async () => await (window as unknown as { pinwarden: { info(): Promise<{ organisationName: string }> } }).pinwarden.info(),
      ),
    ).toMatchObject({
      organisationName: "Pinwarden demo",
    });
    // The other window's page asks for the latest status too (rejected as well, logged
    // first): wait for the change's own line, which names its channel.
    const rejectedChange = (text: string) =>
      text.split("\n").some((l) => l.includes("ipc call rejected: not from the app's own page") && l.includes(CHANNELS.changePin));
    await until("the log line", () => rejectedChange(logText(policy.logs)));
    const log = logText(policy.logs);
    expect(rejectedChange(log)).toBe(true);
    expect(log).not.toMatch(/123456|246810/);
    other.destroy();
  });
});
