/**
 * The electron stand-in: the parts of Electron's API that Pinwarden's main process and
 * preload use, built on Node and Debian's Chromium (driven by playwright-core), so the
 * app's real main entry, preload and renderer run in tests on machines where the Electron
 * binary cannot be downloaded. It is not Electron, and says so wherever it differs
 * (docs/electron.md, "The electron stand-in").
 *
 * - A BrowserWindow is a real Chromium page; loadURL loads the built renderer from file://.
 * - The preload runs in a fresh Node `vm` context per document, with the sandboxed preload's
 *   `require` (electron's contextBridge and ipcRenderer, events, timers, url): it never sees
 *   the page, and the page never sees Node. contextBridge.exposeInMainWorld is emulated with
 *   one binding (page.exposeBinding): the page gets proxies of the exposed functions only.
 * - ipcRenderer.invoke reaches the app's ipcMain.handle handlers with an event whose sender is
 *   the window's webContents and whose senderFrame is the calling Chromium frame (its live URL),
 *   so the app's sender checks run on what Chromium really shows.
 * - will-navigate, setWindowOpenHandler, the permission check handler and onHeadersReceived are
 *   consulted where Chromium's requests pass through playwright's routing.
 * - Tray, Menu, Notification, dialog and shell record what they were given, for tests to read
 *   and click, as a person would.
 */
import { EventEmitter } from "node:events";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as timers from "node:timers";
import * as url from "node:url";
import * as vm from "node:vm";
import { chromium, type Browser, type BrowserContext, type Frame, type Page, type Route } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../e2e/browser.js";

export const STAND_IN_CHROMIUM_ARGS = [
  ...CHROMIUM_ARGS,
  // Electron lets a file:// page load its own module scripts; Chromium needs this switch for it.
  "--allow-file-access-from-files",
];

/** The one name the page's proxies call; nothing else of the stand-in is in the page. */
const BINDING = "__pinwardenStandInBridge";
const CALLBACKS = "__pinwardenStandInCallbacks";

export interface StandInOptions {
  /** Single-instance lock scope: instances with the same key are one user session. */
  session?: string;
  locale?: string;
  version?: string;
  isPackaged?: boolean;
  argv?: string[];
  /** Where app.getPath() points (downloads, userData, logs …); a fresh temp directory by default. */
  home?: string;
}

// ---------------------------------------------------------------------------------- menus, tray

export interface StandInMenuItem {
  id?: string;
  label?: string;
  type?: string;
  enabled: boolean;
  click?: (...args: unknown[]) => void;
}

export class StandInMenu {
  readonly items: StandInMenuItem[];
  constructor(template: Record<string, unknown>[]) {
    this.items = template.map((t) => ({ ...t, enabled: t.enabled !== false }) as StandInMenuItem);
  }
  static buildFromTemplate(template: Record<string, unknown>[]): StandInMenu {
    return new StandInMenu(template);
  }
  static setApplicationMenu(): void {}
}

export class StandInTray extends EventEmitter {
  image: string;
  tooltip = "";
  menu: StandInMenu | null = null;
  destroyed = false;
  /** Every image the tray was given, in order; a path that does not exist shows no icon. */
  readonly images: string[] = [];
  constructor(
    image: string,
    private readonly owner: StandInElectron,
  ) {
    super();
    this.image = image;
    this.images.push(image);
    owner.trays.push(this);
  }
  setImage(image: string): void {
    this.image = image;
    this.images.push(image);
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: StandInMenu | null): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** The icon's file name (what a person sees, as a name), e.g. "ready-light.png". */
  get iconName(): string {
    return this.image.split(/[\\/]/).pop()!;
  }
  get iconExists(): boolean {
    return existsSync(this.image);
  }
  /** The menu's items (no separators) as a person reads them. */
  menuItems(): StandInMenuItem[] {
    return (this.menu?.items ?? []).filter((i) => i.type !== "separator");
  }
  item(id: string): StandInMenuItem {
    const found = this.menuItems().find((i) => i.id === id);
    if (!found) throw new Error(`electron stand-in: the tray menu has no item "${id}"`);
    return found;
  }
  /** A person's click on a menu item: a disabled item cannot be clicked. */
  clickItem(id: string): void {
    const item = this.item(id);
    if (!item.enabled) throw new Error(`electron stand-in: the tray menu item "${id}" is disabled`);
    item.click?.(item, this.owner.focusedWindow() ?? undefined, {});
  }
  /** A person's left click on the icon. */
  click(): void {
    this.emit("click", {}, {});
  }
}

// -------------------------------------------------------------------------------- notifications

export class StandInNotificationBase extends EventEmitter {
  shown = false;
  constructor(readonly options: { title?: string; body?: string }) {
    super();
  }
  get title(): string {
    return this.options.title ?? "";
  }
  get body(): string {
    return this.options.body ?? "";
  }
  close(): void {
    this.emit("close", {});
  }
  /** A person clicks the notification. */
  click(): void {
    this.emit("click", {});
  }
}

// ------------------------------------------------------------------------------------- session

type PermissionCheck = (wc: unknown, permission: string, origin: string, details: unknown) => boolean;
type PermissionRequest = (wc: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void;
type HeadersHandler = (
  details: { url: string; resourceType: string; responseHeaders: Record<string, string[]>; statusCode: number },
  callback: (r: { responseHeaders?: Record<string, string[]>; cancel?: boolean }) => void,
) => void;

/** Permissions Chromium knows by these names, asked of the check handler when a window opens. */
const PERMISSIONS = ["geolocation", "notifications", "camera", "microphone", "clipboard-read", "clipboard-write", "midi"] as const;

export class StandInSession {
  permissionCheck: PermissionCheck | null = null;
  permissionRequest: PermissionRequest | null = null;
  headersReceived: HeadersHandler | null = null;
  /** Permissions asked for, and the answers, in order. */
  readonly permissionLog: { permission: string; origin: string; granted: boolean }[] = [];
  readonly webRequest = {
    onHeadersReceived: (handler: HeadersHandler | null) => {
      this.headersReceived = handler;
    },
  };
  setPermissionCheckHandler(handler: PermissionCheck | null): void {
    this.permissionCheck = handler;
  }
  setPermissionRequestHandler(handler: PermissionRequest | null): void {
    this.permissionRequest = handler;
  }

  /** Grants the context only what the handlers allow (Electron grants everything when none is set). */
  async applyPermissions(context: BrowserContext, origin: string, wc: unknown): Promise<void> {
    const granted: string[] = [];
    for (const permission of PERMISSIONS) {
      let allowed = true;
      if (this.permissionCheck) allowed = this.permissionCheck(wc, permission, origin, {});
      if (allowed && this.permissionRequest) {
        allowed = await new Promise<boolean>((resolve) => this.permissionRequest!(wc, permission, resolve, { requestingUrl: origin }));
      }
      this.permissionLog.push({ permission, origin, granted: allowed });
      if (allowed) granted.push(permission);
    }
    await context.clearPermissions();
    if (granted.length && origin.startsWith("http")) await context.grantPermissions(granted, { origin });
    else if (granted.length) await context.grantPermissions(granted);
  }
}

// --------------------------------------------------------------------------- frames, contents

/** Electron's WebFrameMain for a Chromium frame: one object per frame, its URL live. */
class StandInFrame {
  constructor(readonly frame: Frame) {}
  get url(): string {
    return this.frame.url();
  }
  get name(): string {
    return this.frame.name();
  }
  get parent(): StandInFrame | null {
    const p = this.frame.parentFrame();
    return p ? frameOf(p) : null;
  }
}
const frames = new WeakMap<Frame, StandInFrame>();
function frameOf(frame: Frame): StandInFrame {
  let f = frames.get(frame);
  if (!f) frames.set(frame, (f = new StandInFrame(frame)));
  return f;
}

let nextContentsId = 1;

interface PreloadWorld {
  document: string;
  frame: Frame;
  exposed: Map<string, unknown>;
  listeners: EventEmitter;
  handles: Map<number, (...args: unknown[]) => unknown>;
}

/** What the page's proxies send through the binding. */
type BridgeMessage =
  | { op: "call"; document: string; key: string; path: string[]; args: unknown[] }
  | { op: "handle"; document: string; id: number; args: unknown[] };

export class StandInWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  page: Page | undefined;
  windowOpenHandler: ((details: { url: string; frameName: string; features: string; disposition: string }) => { action: string }) | null =
    null;
  /** Navigations asked for by the page, and whether they were let through. */
  readonly navigations: { url: string; allowed: boolean }[] = [];
  /** window.open and target=_blank attempts, and the handler's answer. */
  readonly opens: { url: string; action: string }[] = [];
  #world: PreloadWorld | undefined;
  #shape: Record<string, unknown> | undefined;
  #loading: string | undefined;
  destroyed = false;

  constructor(
    readonly owner: StandInElectron,
    readonly session: StandInSession,
    readonly preload: string | undefined,
  ) {
    super();
  }

  get mainFrame(): StandInFrame {
    return frameOf(this.#page().mainFrame());
  }

  getURL(): string {
    return this.page?.url() ?? "";
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  setWindowOpenHandler(handler: StandInWebContents["windowOpenHandler"]): void {
    this.windowOpenHandler = handler;
  }

  /** main → the preload's ipcRenderer listeners of the current document. */
  send(channel: string, ...args: unknown[]): void {
    if (!this.#world) return;
    this.#world.listeners.emit(channel, { sender: null, senderId: 0 }, ...args.map((a) => structuredClone(a)));
  }

  focus(): void {}
  openDevTools(): void {}

  #page(): Page {
    if (!this.page) throw new Error("electron stand-in: the window has no page yet");
    return this.page;
  }

  /** Sets up the page: the binding, the proxies' script, routing. Called once, before the first load. */
  async attach(page: Page): Promise<void> {
    this.page = page;
    if (process.env.STAND_IN_DEBUG) {
      page.on("console", (m) => console.log("[page]", m.type(), m.text()));
      page.on("pageerror", (e) => console.log("[pageerror]", e.message));
    }
    await page.exposeBinding(BINDING, (source, message: BridgeMessage) => this.#onBridge(source.frame, message));
    if (this.preload) {
      // Run the preload once to learn what it exposes; each document then gets its own run.
      this.#shape = shapeOf(this.#runPreload("(shape)", page.mainFrame()).exposed);
      const init = { binding: BINDING, callbacks: CALLBACKS, shape: this.#shape };
      await page.addInitScript({ content: `${PAGE_PROXIES}(${JSON.stringify(init)});` });
    }
  }

  async load(target: string): Promise<void> {
    const page = this.#page();
    await this.session.applyPermissions(page.context(), originOf(target), this);
    this.#loading = target;
    try {
      await page.goto(target, { waitUntil: "load" });
    } finally {
      this.#loading = undefined;
    }
    this.emit("did-finish-load");
  }

  /** A request passing through Chromium's routing: navigations, popups and response headers. */
  async route(route: Route): Promise<void> {
    const request = route.request();
    if (request.isNavigationRequest() && request.frame() === this.page?.mainFrame()) {
      const target = request.url();
      if (this.#loading !== target) {
        let prevented = false;
        this.emit("will-navigate", { preventDefault: () => (prevented = true), url: target }, target);
        this.navigations.push({ url: target, allowed: !prevented });
        if (prevented) return route.abort("aborted");
      }
    }
    const handler = this.session.headersReceived;
    if (!handler || !/^https?:/.test(request.url())) return route.continue();
    const response = await route.fetch();
    const headers: Record<string, string[]> = {};
    for (const { name, value } of response.headersArray()) (headers[name] ??= []).push(value);
    const answer = await new Promise<{ responseHeaders?: Record<string, string[]>; cancel?: boolean }>((resolve) =>
      handler(
        { url: request.url(), resourceType: request.resourceType(), responseHeaders: headers, statusCode: response.status() },
        resolve,
      ),
    );
    if (answer.cancel) return route.abort("aborted");
    const flat = Object.fromEntries(Object.entries(answer.responseHeaders ?? headers).map(([k, v]) => [k, v.join(", ")]));
    return route.fulfill({ response, headers: flat });
  }

  /** A page this window's page opened (window.open, target=_blank): the open handler decides. */
  async popup(page: Page, target: string): Promise<string> {
    const answer = this.windowOpenHandler?.({ url: target, frameName: "", features: "", disposition: "new-window" }) ?? { action: "allow" };
    this.opens.push({ url: target, action: answer.action });
    if (answer.action !== "allow") await page.close();
    return answer.action;
  }

  #runPreload(document: string, frame: Frame): PreloadWorld {
    const world: PreloadWorld = { document, frame, exposed: new Map(), listeners: new EventEmitter(), handles: new Map() };
    const ipcRenderer = this.#ipcRenderer(world);
    const contextBridge = {
      exposeInMainWorld(key: string, api: unknown) {
        if (world.exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${key}`);
        world.exposed.set(key, api);
      },
      exposeInIsolatedWorld() {
        throw new Error("electron stand-in: exposeInIsolatedWorld is not emulated");
      },
    };
    const electronForPreload = { contextBridge, ipcRenderer };
    // The sandboxed preload's require: these modules and nothing else.
    const modules: Record<string, unknown> = {
      electron: electronForPreload,
      events: { EventEmitter, default: EventEmitter },
      timers,
      url,
      "node:events": { EventEmitter, default: EventEmitter },
      "node:timers": timers,
      "node:url": url,
    };
    const sandboxRequire = (name: string) => {
      if (!(name in modules)) throw new Error(`module not found: ${name}`);
      return modules[name];
    };
    const source = readFileSync(this.preload!, "utf8");
    const context = vm.createContext({ console, setTimeout, clearTimeout, setInterval, clearInterval, queueMicrotask, Promise });
    const wrapper = vm.runInContext(`(function (exports, require, module, __filename, __dirname, process) {${source}\n})`, context, {
      filename: this.preload!,
    }) as (...args: unknown[]) => void;
    const module = { exports: {} };
    const process = { platform: globalThis.process.platform, sandboxed: true, type: "renderer", versions: {}, env: {}, argv: [] };
    wrapper(module.exports, sandboxRequire, module, this.preload!, join(this.preload!, ".."), process);
    return world;
  }

  #ipcRenderer(world: PreloadWorld) {
    const ipcMain = this.owner.ipcMain;
    const invoke = async (channel: string, ...args: unknown[]) => {
      const handler = ipcMain.handlers.get(channel);
      if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
      const event = {
        sender: this,
        senderFrame: frameOf(world.frame),
        frameId: 0,
        processId: 1,
        type: "frame",
      };
      return structuredClone(await handler(event, ...args.map((a) => structuredClone(a))));
    };
    const on = (channel: string, listener: (...a: unknown[]) => void) => {
      world.listeners.on(channel, listener);
      return renderer;
    };
    const off = (channel: string, listener: (...a: unknown[]) => void) => {
      world.listeners.off(channel, listener);
      return renderer;
    };
    const renderer = {
      invoke,
      on,
      off,
      removeListener: off,
      once: (channel: string, listener: (...a: unknown[]) => void) => {
        world.listeners.once(channel, listener);
        return renderer;
      },
      removeAllListeners: (channel?: string) => {
        world.listeners.removeAllListeners(channel);
        return renderer;
      },
      send: (channel: string, ...args: unknown[]) => ipcMain.emit(channel, { sender: this, senderFrame: frameOf(world.frame) }, ...args),
      sendSync: () => {
        throw new Error("electron stand-in: ipcRenderer.sendSync is not emulated");
      },
    };
    return renderer;
  }

  /** The page's proxies call here: the preload world of their document runs the exposed function. */
  async #onBridge(frame: Frame, message: BridgeMessage): Promise<unknown> {
    // The preload runs in the main frame only (nodeIntegrationInSubFrames is off).
    if (frame !== this.page?.mainFrame()) throw new Error("electron stand-in: the bridge answers the main frame only");
    if (!this.#world || this.#world.document !== message.document) {
      // A new document: a fresh preload run for it; the old document's listeners are gone with it.
      this.#world = this.#runPreload(message.document, frame);
    }
    const world = this.#world;
    const args = message.args.map((a) => fromPage(a, frame));
    let result: unknown;
    if (message.op === "handle") {
      const fn = world.handles.get(message.id);
      if (!fn) throw new Error("electron stand-in: no such function");
      result = fn(...args);
    } else {
      let target: unknown = world.exposed.get(message.key);
      for (const part of message.path) {
        // Own properties only: the page cannot walk up to prototypes, constructors or Node.
        if (target === null || typeof target !== "object" || !Object.prototype.hasOwnProperty.call(target, part)) {
          throw new Error(`electron stand-in: ${message.key}.${message.path.join(".")} is not exposed`);
        }
        target = (target as Record<string, unknown>)[part];
      }
      if (typeof target !== "function") throw new Error(`electron stand-in: ${message.key}.${message.path.join(".")} is not a function`);
      result = (target as (...a: unknown[]) => unknown)(...args);
    }
    const value = await result;
    if (typeof value === "function") {
      const id = world.handles.size + 1;
      world.handles.set(id, value as (...a: unknown[]) => unknown);
      return { __standInFunction: id };
    }
    return value === undefined ? undefined : structuredClone(value);
  }
}

function originOf(target: string): string {
  try {
    const u = new URL(target);
    return u.protocol === "file:" ? "file://" : u.origin;
  } catch {
    return target;
  }
}

/** A page-side function reference becomes a Node function that calls it back in the page. */
function fromPage(value: unknown, frame: Frame): unknown {
  if (value && typeof value === "object" && "__standInCallback" in value) {
    const id = (value as { __standInCallback: number }).__standInCallback;
    return (...args: unknown[]) => {
      // A string, not a function: it runs in the page as written.
      const script = `window[${JSON.stringify(CALLBACKS)}](${id}, ${JSON.stringify(args)})`;
      void frame.evaluate(script).catch(() => undefined);
    };
  }
  return value;
}

/** The exposed API's shape: which keys are functions, which are objects of them. */
function shapeOf(exposed: Map<string, unknown>): Record<string, unknown> {
  const describe = (v: unknown): unknown => {
    if (typeof v === "function") return "function";
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, describe(x)]));
    return { value: v };
  };
  return Object.fromEntries([...exposed].map(([k, v]) => [k, describe(v)]));
}

/**
 * Runs in each document's main world before its scripts (addInitScript): builds, from the
 * shape, frozen proxies that forward calls through the binding. Function arguments become
 * callback ids; a function returned (an unsubscribe) becomes a proxy too. Electron returns a
 * synchronous value synchronously; a binding cannot, so a proxy's result is a thenable that
 * can also be called (for the returned-function case). Plain JavaScript in a string: it runs
 * in Chromium as written, untouched by the test's TypeScript transform.
 */
const PAGE_PROXIES = `(({ binding, callbacks, shape }) => {
  if (window.top !== window) return;
  const call = window[binding];
  const documentId = Date.now() + "-" + Math.random();
  const registry = new Map();
  Object.defineProperty(window, callbacks, { value: (id, args) => registry.get(id)?.(...args), enumerable: false });
  const encode = (args) =>
    args.map((a) => {
      if (typeof a !== "function") return a;
      const id = registry.size + 1;
      registry.set(id, a);
      return { __standInCallback: id };
    });
  const settle = (promise) => {
    const result = promise.then((value) => {
      if (value && typeof value === "object" && "__standInFunction" in value) {
        const id = value.__standInFunction;
        return (...args) => settle(call({ op: "handle", document: documentId, id, args: encode(args) }));
      }
      return value;
    });
    const hybrid = (...args) => result.then((fn) => (typeof fn === "function" ? fn(...args) : undefined));
    return Object.assign(hybrid, { then: result.then.bind(result), catch: result.catch.bind(result), finally: result.finally.bind(result) });
  };
  const build = (key, path, s) => {
    if (s === "function") return (...args) => settle(call({ op: "call", document: documentId, key, path, args: encode(args) }));
    if (s && typeof s === "object" && "value" in s) return s.value;
    return Object.freeze(Object.fromEntries(Object.entries(s).map(([k, v]) => [k, build(key, [...path, k], v)])));
  };
  for (const [key, s] of Object.entries(shape)) {
    Object.defineProperty(window, key, { value: build(key, [], s), enumerable: true, writable: false, configurable: false });
  }
})`;

// ------------------------------------------------------------------------------------ windows

export class StandInBrowserWindow extends EventEmitter {
  readonly webContents: StandInWebContents;
  readonly ready: Promise<Page>;
  visible = false;
  focused = false;
  /** How many times focus() was called: a second instance's start shows up here. */
  focusCount = 0;
  destroyed = false;
  title: string;

  constructor(
    readonly options: Record<string, unknown> & { webPreferences?: Record<string, unknown> },
    private readonly owner: StandInElectron,
  ) {
    super();
    const prefs = options.webPreferences ?? {};
    // The stand-in emulates isolated, sandboxed renderers only.
    if (prefs.contextIsolation === false || prefs.nodeIntegration === true || prefs.sandbox === false) {
      throw new Error("electron stand-in: only contextIsolation + sandbox without nodeIntegration is emulated");
    }
    this.title = String(options.title ?? "");
    this.webContents = new StandInWebContents(owner, owner.session.defaultSession, prefs.preload as string | undefined);
    this.ready = owner.newPage(this);
    owner.windows.push(this);
    if (options.show !== false) this.visible = true;
  }

  static getAllWindows(): StandInBrowserWindow[] {
    throw new Error("electron stand-in: use the instance's BrowserWindow class");
  }

  async loadURL(target: string): Promise<void> {
    await this.ready;
    await this.webContents.load(target);
  }

  get page(): Page | undefined {
    return this.webContents.page;
  }

  show(): void {
    this.visible = true;
    this.focused = true;
    void this.page?.bringToFront();
    this.emit("show");
  }
  hide(): void {
    this.visible = false;
    this.focused = false;
    this.emit("hide");
  }
  focus(): void {
    this.focused = true;
    this.focusCount++;
    void this.page?.bringToFront();
    this.emit("focus");
  }
  isVisible(): boolean {
    return this.visible;
  }
  isFocused(): boolean {
    return this.focused;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setTitle(title: string): void {
    this.title = title;
  }
  getTitle(): string {
    return this.title;
  }
  /** What a click on the close box does: "close" may be prevented (the app hides instead). */
  close(): void {
    let prevented = false;
    this.emit("close", { preventDefault: () => (prevented = true) });
    if (!prevented) this.destroy();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroyed = true;
    void this.page?.close().catch(() => undefined);
    this.owner.windows.splice(this.owner.windows.indexOf(this), 1);
    this.emit("closed");
  }
  /** A screenshot of the window's page. */
  async screenshot(path: string): Promise<void> {
    await (await this.ready).screenshot({ path });
  }
}

// ----------------------------------------------------------------------------------- the app

/** Single-instance locks held, by session key: one per user session, as Electron's is. */
const locks = new Map<string, StandInElectron>();

export class StandInElectron {
  readonly trays: StandInTray[] = [];
  readonly windows: StandInBrowserWindow[] = [];
  readonly notifications: StandInNotificationBase[] = [];
  readonly dialogs: { kind: string; options: unknown }[] = [];
  readonly opened: string[] = [];
  readonly app: EventEmitter;
  readonly ipcMain: EventEmitter & {
    handlers: Map<string, (event: unknown, ...args: unknown[]) => unknown>;
    handle(channel: string, fn: (event: unknown, ...args: unknown[]) => unknown): void;
    handleOnce(channel: string, fn: (event: unknown, ...args: unknown[]) => unknown): void;
    removeHandler(channel: string): void;
  };
  readonly session = { defaultSession: new StandInSession() };
  readonly nativeTheme = Object.assign(new EventEmitter(), { shouldUseDarkColors: false, themeSource: "system" });
  /** What `require("electron")` returns in the app's main process. */
  readonly module: Record<string, unknown>;
  quitted = false;
  readonly loginItem: { openAtLogin: boolean } = { openAtLogin: false };
  #browser: Promise<Browser> | undefined;
  readonly #popupTargets: string[] = [];
  readonly #allowedPopups = new WeakSet<Page>();
  #context: Promise<BrowserContext> | undefined;
  readonly #session: string;
  readonly home: string;

  constructor(readonly options: StandInOptions = {}) {
    this.#session = options.session ?? "default";
    this.home = options.home ?? mkdtempSync(join(tmpdir(), "pinwarden-stand-in-"));
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the classes below are bound to this instance
    const self = this;
    const app = Object.assign(new EventEmitter(), {
      isPackaged: options.isPackaged ?? true,
      name: "Pinwarden",
      requestSingleInstanceLock(): boolean {
        const holder = locks.get(self.#session);
        if (holder && holder !== self && !holder.quitted) {
          // Electron tells the first instance, with the second one's command line.
          setImmediate(() => holder.app.emit("second-instance", {}, options.argv ?? [], process.cwd(), {}));
          return false;
        }
        locks.set(self.#session, self);
        return true;
      },
      hasSingleInstanceLock: () => locks.get(self.#session) === self,
      releaseSingleInstanceLock: () => void (locks.get(self.#session) === self && locks.delete(self.#session)),
      whenReady: () => Promise.resolve(),
      isReady: () => true,
      getLocale: () => options.locale ?? "en-US",
      getVersion: () => options.version ?? (JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version,
      getName: () => "Pinwarden",
      getPath: (name: string) => join(self.home, name),
      setLoginItemSettings: (settings: { openAtLogin: boolean }) => Object.assign(self.loginItem, settings),
      getLoginItemSettings: () => ({ ...self.loginItem }),
      setAppUserModelId: () => undefined,
      quit: () => void self.quit(),
      exit: () => void self.quit(),
      focus: () => undefined,
    });
    this.app = app;
    const ipcMain = Object.assign(new EventEmitter(), {
      handlers: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
      handle(channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) {
        if (ipcMain.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        ipcMain.handlers.set(channel, fn);
      },
      handleOnce(channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) {
        ipcMain.handle(channel, (event, ...args) => {
          ipcMain.handlers.delete(channel);
          return fn(event, ...args);
        });
      },
      removeHandler(channel: string) {
        ipcMain.handlers.delete(channel);
      },
    });
    this.ipcMain = ipcMain;

    class BrowserWindow extends StandInBrowserWindow {
      constructor(opts: Record<string, unknown> = {}) {
        super(opts, self);
      }
      static override getAllWindows() {
        return [...self.windows];
      }
      static getFocusedWindow() {
        return self.focusedWindow();
      }
      static fromWebContents(wc: StandInWebContents) {
        return self.windows.find((w) => w.webContents === wc) ?? null;
      }
    }
    class Tray extends StandInTray {
      constructor(image: string) {
        super(image, self);
      }
    }
    class Notification extends StandInNotificationBase {
      static isSupported() {
        return true;
      }
      show() {
        this.shown = true;
        self.notifications.push(this);
        this.emit("show", {});
      }
    }
    const record =
      <T>(kind: string, answer: T) =>
      async (...args: unknown[]) => {
        // dialog.showMessageBox([window,] options)
        self.dialogs.push({ kind, options: args.at(-1) });
        return answer;
      };
    this.module = {
      app,
      ipcMain,
      BrowserWindow,
      Tray,
      Menu: StandInMenu,
      Notification,
      nativeTheme: this.nativeTheme,
      session: this.session,
      dialog: {
        showMessageBox: record("messageBox", { response: 0, checkboxChecked: false }),
        showSaveDialog: record("save", { canceled: true }),
        showOpenDialog: record("open", { canceled: true, filePaths: [] }),
        showErrorBox: (title: string, content: string) => void self.dialogs.push({ kind: "error", options: { title, content } }),
      },
      shell: {
        openExternal: async (target: string) => void self.opened.push(target),
        openPath: async (target: string) => (self.opened.push(target), ""),
        showItemInFolder: (target: string) => void self.opened.push(target),
      },
    };
  }

  focusedWindow(): StandInBrowserWindow | null {
    return this.windows.find((w) => w.focused) ?? null;
  }

  /** The browser and its one context (Electron's default session), launched on first use. */
  async context(): Promise<BrowserContext> {
    this.#browser ??= chromium.launch({ executablePath: CHROMIUM_PATH, args: STAND_IN_CHROMIUM_ARGS });
    this.#context ??= this.#browser.then(async (browser) => {
      const context = await browser.newContext();
      await context.route("**/*", (route) => this.#route(route));
      context.on("page", (page) => void this.#maybePopup(page));
      return context;
    });
    return this.#context;
  }

  async newPage(win: StandInBrowserWindow): Promise<Page> {
    const context = await this.context();
    const page = await context.newPage();
    const width = Number(win.options.width ?? 800);
    const height = Number(win.options.height ?? 600);
    await page.setViewportSize({ width, height });
    await win.webContents.attach(page);
    return page;
  }

  #contentsOf(page: Page): StandInWebContents | undefined {
    return this.windows.find((w) => w.page === page)?.webContents;
  }

  async #route(route: Route): Promise<void> {
    const request = route.request();
    let page: Page;
    try {
      page = request.frame().page();
    } catch {
      // A navigation with no frame yet is a popup's first one (window pages exist before they
      // load): held back until its opener's window-open handler has answered.
      if (!request.isNavigationRequest()) return route.continue();
      this.#popupTargets.push(request.url());
      // "blockedbyclient": the popup settles at once (an "aborted" one keeps playwright waiting).
      return route.abort("blockedbyclient");
    }
    const contents = this.#contentsOf(page);
    if (contents) return contents.route(route);
    if (request.isNavigationRequest() && !this.#allowedPopups.has(page)) return route.abort("aborted");
    return route.continue();
  }

  /** A new page with an opener is a popup: its opener's window-open handler decides. */
  async #maybePopup(page: Page): Promise<void> {
    const opener = await page.opener();
    const owner = opener ? this.#contentsOf(opener) : undefined;
    if (!owner) return;
    const target = this.#popupTargets.shift() ?? page.url();
    if ((await owner.popup(page, target)) === "allow") {
      this.#allowedPopups.add(page);
      await page.goto(target).catch(() => undefined);
    }
  }

  /** Pages open in the browser that belong to no window (popups the app let through). */
  async strayPages(): Promise<Page[]> {
    const context = await this.context();
    return context.pages().filter((p) => !this.#contentsOf(p));
  }

  async quit(): Promise<void> {
    if (this.quitted) return;
    let prevented = false;
    this.app.emit("before-quit", { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.quitted = true;
    for (const w of [...this.windows]) w.destroy();
    if (locks.get(this.#session) === this) locks.delete(this.#session);
    this.app.emit("will-quit", { preventDefault: () => undefined });
    this.app.emit("quit", {}, 0);
    const browser = this.#browser;
    this.#browser = undefined;
    this.#context = undefined;
    await (await browser)?.close();
  }
}
