/**
 * The one window: created on first use, reused, hidden on close. Electron's security
 * checklist applied here, and every choice is asserted by tests/unit/electron-window.test.ts.
 */
import type { BrowserWindow as BrowserWindowType, BrowserWindowConstructorOptions, Session, WebContents } from "electron";
import type { AppEvent, StatusPush } from "../contract/api.js";
import { CHANNELS } from "../contract/calls.js";

/** The renderer talks to main over IPC only: nothing to connect to, nothing remote. */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'none'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export function webPreferences(preload: string, isPackaged: boolean): NonNullable<BrowserWindowConstructorOptions["webPreferences"]> {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: !isPackaged,
  };
}

/** Locks a session down: no permission is ever granted, and every response carries the CSP. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, "Content-Security-Policy": [CSP] } });
  });
}

/** No navigation away from the app's page, no new windows, no webviews. */
export function hardenContents(contents: WebContents, pageUrl: string): void {
  contents.on("will-navigate", (event, url) => {
    if (url !== pageUrl) event.preventDefault();
  });
  contents.on("will-redirect", (event) => event.preventDefault());
  contents.on("will-attach-webview", (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: "deny" }));
}

export interface WindowDeps {
  BrowserWindow: typeof BrowserWindowType;
  pageUrl: string;
  preload: string;
  isPackaged: boolean;
  icon?: string;
  title: string;
}

export class WindowManager {
  #window: BrowserWindowType | undefined;
  #ready: Promise<void> | undefined;
  #quitting = false;
  /** The page has subscribed to app events (it asked for the latest status). */
  #listening = false;
  /** A view sent before the page listened, sent again once it does. */
  #pending: Extract<AppEvent, { type: "navigate" }> | undefined;

  constructor(private readonly deps: WindowDeps) {}

  get window(): BrowserWindowType | undefined {
    return this.#window;
  }

  /** Lets close() really close (on quit) instead of hiding. */
  quitting(): void {
    this.#quitting = true;
  }

  #create(): BrowserWindowType {
    const { BrowserWindow, pageUrl, preload, isPackaged, icon, title } = this.deps;
    const win = new BrowserWindow({
      width: 560,
      height: 680,
      minWidth: 420,
      show: false,
      title,
      autoHideMenuBar: true,
      ...(icon ? { icon } : {}),
      webPreferences: webPreferences(preload, isPackaged),
    });
    hardenContents(win.webContents, pageUrl);
    win.on("close", (event) => {
      if (!this.#quitting) {
        event.preventDefault();
        win.hide();
      }
    });
    win.on("closed", () => {
      this.#window = undefined;
      this.#ready = undefined;
      this.#listening = false;
      this.#pending = undefined;
    });
    this.#ready = win.loadURL(pageUrl).then(
      () => undefined,
      () => undefined,
    );
    this.#window = win;
    this.#listening = false;
    return win;
  }

  /** Shows the window (creating it on first use) and tells the renderer which view to open. */
  async show(view?: Extract<AppEvent, { type: "navigate" }>): Promise<void> {
    const win = this.#window ?? this.#create();
    await this.#ready;
    if (view) {
      win.webContents.send(CHANNELS.events, view);
      // A new page subscribes only after its first call to main returns, after "load": the
      // view the tray asked for (e.g. the change wizard) would be lost; it is sent again.
      if (!this.#listening) this.#pending = view;
    }
    win.show();
    win.focus();
  }

  /** The page has subscribed to app events: a view sent before it did is sent again. */
  rendererListening(): void {
    this.#listening = true;
    const view = this.#pending;
    this.#pending = undefined;
    if (view) this.send(view);
  }

  send(event: AppEvent): void {
    this.#window?.webContents.send(CHANNELS.events, event);
  }

  /** The status the main process read (or an operation returned), for the window to show. */
  sendStatus(status: StatusPush): void {
    this.#window?.webContents.send(CHANNELS.statusPush, status);
  }

  /** True for the main frame of our own window showing our own page. */
  isOwnFrame(sender: WebContents, frameUrl: string | undefined, isMainFrame: boolean): boolean {
    const win = this.#window;
    if (!win || sender.id !== win.webContents.id || !isMainFrame || !frameUrl) return false;
    return stripHash(frameUrl) === stripHash(this.deps.pageUrl);
  }
}

const stripHash = (url: string) => url.split("#")[0]!.split("?")[0]!;
