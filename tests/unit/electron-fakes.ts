/**
 * A stand-in for the `electron` module: the Electron binary cannot be downloaded on our
 * build machines, so main-process code is tested against these recording fakes. Each fake
 * keeps only what the tests look at.
 */
import { EventEmitter } from "node:events";
import type { ElectronApi } from "../../electron/app.js";
import { loadPolicy, type LoadedPolicy } from "../../host/policy.js";

/** A policy loader reading `values` as if they were the machine's policy file. */
export const policyFrom =
  (values: Record<string, unknown>): (() => LoadedPolicy) =>
  () =>
    loadPolicy({ platform: "linux", env: {}, registry: () => null, readFile: () => JSON.stringify(values) });

export interface MenuItemRecord {
  id?: string;
  label?: string;
  enabled?: boolean;
  type?: string;
  click?: () => void;
}

let nextId = 1;

export class FakeWebContents extends EventEmitter {
  id = nextId++;
  sent: { channel: string; payload: unknown }[] = [];
  windowOpenHandler: ((d: { url: string }) => { action: string }) | undefined;
  mainFrame = { url: "" };
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(handler: (d: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static created: FakeBrowserWindow[] = [];
  webContents = new FakeWebContents();
  visible = false;
  loaded: string | undefined;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.created.push(this);
  }
  async loadURL(url: string) {
    this.loaded = url;
    this.webContents.mainFrame.url = url;
  }
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  focus() {}
  /** What a user's click on the close box does. */
  userClose() {
    let prevented = false;
    this.emit("close", { preventDefault: () => (prevented = true) });
    if (!prevented) this.emit("closed");
  }
}

export class FakeTray extends EventEmitter {
  static last: FakeTray | undefined;
  image: string;
  tooltip = "";
  menu: MenuItemRecord[] = [];
  destroyed = false;
  constructor(image: string) {
    super();
    this.image = image;
    FakeTray.last = this;
  }
  setImage(image: string) {
    this.image = image;
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  setContextMenu(menu: MenuItemRecord[]) {
    this.menu = menu;
  }
  destroy() {
    this.destroyed = true;
  }
  item(id: string): MenuItemRecord {
    const found = this.menu.find((m) => m.id === id);
    if (!found) throw new Error(`no menu item ${id}`);
    return found;
  }
}

export class FakeNotification extends EventEmitter {
  static shown: FakeNotification[] = [];
  static isSupported() {
    return true;
  }
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show() {
    FakeNotification.shown.push(this);
  }
}

export function fakeElectron(options: { lock?: boolean; locale?: string; downloads?: string } = {}) {
  FakeBrowserWindow.created = [];
  FakeNotification.shown = [];
  const app = Object.assign(new EventEmitter(), {
    isPackaged: true,
    quitCalled: false,
    loginItem: undefined as unknown,
    requestSingleInstanceLock: () => options.lock ?? true,
    quit() {
      app.quitCalled = true;
    },
    whenReady: async () => undefined,
    getLocale: () => options.locale ?? "sv-SE",
    getPath: (name: string) => (name === "downloads" && options.downloads ? options.downloads : "/tmp"),
    getVersion: () => "0.1.0",
    setLoginItemSettings(s: unknown) {
      app.loginItem = s;
    },
  });
  const handlers = new Map<string, (event: unknown, payload?: unknown) => Promise<unknown>>();
  const ipcMain = {
    handle: (channel: string, fn: (event: unknown, payload?: unknown) => Promise<unknown>) => handlers.set(channel, fn),
  };
  const permission = {
    request: undefined as unknown as (wc: unknown, p: string, cb: (ok: boolean) => void) => void,
    check: undefined as unknown as () => boolean,
  };
  let headers:
    | ((d: { responseHeaders: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void)
    | undefined;
  const session = {
    defaultSession: {
      setPermissionRequestHandler: (fn: typeof permission.request) => (permission.request = fn),
      setPermissionCheckHandler: (fn: typeof permission.check) => (permission.check = fn),
      webRequest: { onHeadersReceived: (fn: typeof headers) => (headers = fn) },
    },
  };
  const nativeTheme = Object.assign(new EventEmitter(), { shouldUseDarkColors: false });
  const Menu = { buildFromTemplate: (t: MenuItemRecord[]) => t };
  const dialogs: { message: string }[] = [];
  const dialog = { showMessageBox: async (o: { message: string }) => void dialogs.push(o) };
  const electron = {
    dialog,
    app,
    ipcMain,
    session,
    nativeTheme,
    Menu,
    Tray: FakeTray,
    BrowserWindow: FakeBrowserWindow,
    Notification: FakeNotification,
  } as unknown as ElectronApi;
  return {
    electron,
    dialogs,
    app,
    ipc: handlers,
    permission,
    nativeTheme,
    /** The response headers the session would add to a response. */
    headersFor(): Record<string, string[]> {
      let out: Record<string, string[]> = {};
      headers!({ responseHeaders: { "content-type": ["text/html"] } }, (r) => (out = r.responseHeaders));
      return out;
    },
  };
}
