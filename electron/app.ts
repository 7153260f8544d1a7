/**
 * The tray app: the application core (host/app-core.ts) inside Electron's shell. Each part
 * of the shell is its own module: one instance per session (single-instance.ts), the tray
 * icon (tray.ts), the window and IPC (window.ts, ipc.ts), notifications (notifications.ts),
 * following machine policy (host/policy-watch.ts). Electron's objects are passed in, so the
 * same code runs under tests with `electron` mocked (the binary cannot run on our build
 * machines) and for real in main.ts.
 */
import type * as ElectronModule from "electron";
import type { Logger } from "winston";
import type { CardStatus, StatusPush } from "../contract/api.js";
import { isNoCard } from "../contract/errors.js";
import { createAppCore } from "../host/app-core.js";
import { subscribeCardEvents, type Handlers, type StatusFeed } from "../host/handlers.js";
import { loadPolicy, type LoadedPolicy } from "../host/policy.js";
import { windowsRegistry } from "../host/policy-registry.js";
import { watchPolicy } from "../host/policy-watch.js";
import { trayStateOf, type MonitorSnapshot, type TrayState } from "../host/tray-state.js";
import type { ReaderBackend, ReaderEvent } from "../native-bridge/pcsc/types.js";
import type { CardService } from "../native-bridge/service/card-service.js";
import { TRAY } from "../native-bridge/service/error-catalog.js";
import { registerIpc, senderCheck } from "./ipc.js";
import { createNotifier } from "./notifications.js";
import { claimSingleInstance } from "./single-instance.js";
import { createTrayIcon } from "./tray.js";
import { hardenSession, WindowManager } from "./window.js";
import { join } from "node:path";

export type ElectronApi = Pick<
  typeof ElectronModule,
  "app" | "Tray" | "Menu" | "BrowserWindow" | "ipcMain" | "Notification" | "nativeTheme" | "session" | "dialog"
>;

export interface AppOptions {
  /** Where assets/ is (tray icons, app icon). */
  assetsDir: string;
  /** The renderer's page, e.g. file:///…/dist/renderer/index.html. */
  pageUrl: string;
  preloadPath: string;
  /** A reader stack to use instead of the PC/SC service (demo mode, tests). */
  backend?: ReaderBackend;
  logger?: Logger;
  /** Machine policy as loaded; by default read from the registry and the policy file, and watched. */
  loadPolicy?: () => LoadedPolicy;
  /** The organisation's name where machine policy sets none (the demo's), for the tray and the window. */
  organisationName?: string;
}

export interface RunningApp {
  service: CardService;
  handlers: Handlers;
  /** The one status read per card event, shared by the tray and the window. */
  feed: StatusFeed;
  windows: WindowManager;
  snapshot(): MonitorSnapshot;
  trayState(): TrayState;
  /** Reads the card again and updates the tray; resolves when done. */
  refresh(): Promise<void>;
  quit(): void;
  /** Reads machine policy again and applies it (also done when the policy file changes). */
  reloadPolicy(): void;
  policy(): LoadedPolicy;
}

export async function startApp(electron: ElectronApi, options: AppOptions): Promise<RunningApp | null> {
  const { app, BrowserWindow, ipcMain, Notification, session, dialog } = electron;
  // The window is made on demand; the manager exists from the start, for a second instance.
  const win = new WindowManager({
    BrowserWindow,
    pageUrl: options.pageUrl,
    preload: options.preloadPath,
    isPackaged: app.isPackaged,
    icon: join(options.assetsDir, process.platform === "win32" ? "icon.ico" : "icon.png"),
    title: "Pinwarden",
  });
  if (!claimSingleInstance(app, () => void win.show())) return null;
  await app.whenReady();

  const core = createAppCore({
    readPolicy: options.loadPolicy ?? (() => loadPolicy({ registry: windowsRegistry })),
    locale: app.getLocale(),
    downloadsDir: () => app.getPath("downloads"),
    consoleLog: !app.isPackaged,
    backend: options.backend,
    logger: options.logger,
    organisationName: options.organisationName,
    onBusy: () => tray.update(),
  });
  const { backend, service, feed, handlers, log, language, policy } = core;

  hardenSession(session.defaultSession);
  registerIpc(
    ipcMain,
    // The preload asks for the latest status when the page connects, right after it subscribed
    // to app events: from then on the window hears a view it is sent.
    {
      ...handlers,
      latestStatus: () => {
        win.rendererListening();
        return handlers.latestStatus();
      },
    },
    senderCheck((sender, url, isMain) => win.isOwnFrame(sender, url, isMain)),
    log,
  );

  let status: CardStatus | null = null;
  let error: string | null = null;
  const snapshot = (): MonitorSnapshot => {
    const readers = backend.readers();
    return {
      serviceAvailable: backend.serviceAvailable,
      readerCount: readers.length,
      cardPresent: readers.some((r) => r.cardPresent),
      status,
      error,
      busy: core.busy(),
    };
  };

  const tray = createTrayIcon(electron, {
    assetsDir: options.assetsDir,
    language,
    organisationName: core.organisationName,
    snapshot,
    actions: {
      change: () => void win.show({ type: "navigate", view: "change" }),
      unlock: () => void win.show({ type: "navigate", view: "unlock" }),
      status: () => void win.show({ type: "navigate", view: "status" }),
      support: () => void win.show({ type: "navigate", view: "support" }),
      about: () =>
        void dialog.showMessageBox({
          type: "info",
          title: "Pinwarden",
          message: `Pinwarden ${app.getVersion()}`,
          detail: TRAY[language].about,
        }),
      quit: () => quit(),
    },
  });
  const notify = createNotifier(Notification, {
    language,
    enabled: () => policy().notifications,
    show: (view) => void win.show(view),
    userDataDir: () => app.getPath("userData"),
    log,
  });

  // A card arrived: notify once its status is in (the feed reads it on the same event).
  let notifyNext = false;
  feed.on((pushed: StatusPush) => {
    status = pushed.ok ? pushed.value : (pushed.status ?? null);
    const code = pushed.ok ? null : pushed.error.code;
    // No service, no reader and no card are states of their own, not errors of a read.
    error = code && !isNoCard(code) ? code : null;
    tray.update();
    win.sendStatus(pushed);
    if (notifyNext && status) {
      notifyNext = false;
      notify.aboutCodes(status);
    }
    // The certificates come in a later push of the same card's status.
    if (status?.certificateWarnings?.length) notify.aboutCertificates(status);
  });
  backend.on((e: ReaderEvent) => {
    if (e.type === "card-inserted") notifyNext = true;
    if (e.type === "card-removed") notifyNext = false;
  });
  subscribeCardEvents(backend, (e) => win.send(e));

  // The tray keeps running with no window open.
  app.on("window-all-closed", () => undefined);
  app.setLoginItemSettings({ openAtLogin: policy().startAtLogin });

  function reloadPolicy(): void {
    core.reloadPolicy();
    app.setLoginItemSettings({ openAtLogin: policy().startAtLogin });
    tray.update();
  }
  watchPolicy(core.loaded().file, reloadPolicy);

  /** Reads the card again (tests, start-up); the feed pushes the result to the tray and the window. */
  async function refresh(): Promise<void> {
    await feed.refresh();
  }

  function quit(): void {
    win.quitting();
    tray.destroy();
    feed.close();
    service.close();
    app.quit();
  }

  await backend.ready();
  notifyNext = false;
  await refresh();
  notify.aboutCodes(status);
  log.info("started", { version: app.getVersion(), reader: backend.readers()[0]?.name ?? null });

  return {
    service,
    handlers,
    feed,
    windows: win,
    snapshot,
    trayState: () => trayStateOf(snapshot()),
    refresh,
    quit,
    reloadPolicy,
    policy: () => core.loaded(),
  };
}
