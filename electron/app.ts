/**
 * The tray app: one instance per user session, a tray icon that follows the card, a menu,
 * a window on demand, IPC, notifications and the audit log. Electron's objects are passed
 * in, so the same code runs under tests with `electron` mocked (the binary cannot run on
 * our build machines) and for real in main.ts.
 */
import { join } from "node:path";
import type * as ElectronModule from "electron";
import type { Logger } from "winston";
import { PcscReaders } from "../native-bridge/pcsc/pcsc-readers.js";
import type { ReaderBackend, ReaderEvent } from "../native-bridge/pcsc/types.js";
import { CardService } from "../native-bridge/service/card-service.js";
import { certificateLine, codeName, TRAY, trayText } from "../native-bridge/service/error-catalog.js";
import { warningDays } from "../native-bridge/certs/warnings.js";
import { applicationsOf, unblockedByPuk } from "../contract/codes.js";
import type { AppInfo, CardStatus, Language, StatusPush } from "../contract/api.js";
import { isNoCard } from "../contract/errors.js";
import { createHandlers, createStatusFeed, subscribeCardEvents, type Handlers, type StatusFeed } from "../host/handlers.js";
import { lastAuditFromLogs, supportProvider } from "../host/support.js";
import type { AuditEvent } from "../native-bridge/service/types.js";
import { registerIpc, senderCheck } from "./ipc.js";
import { createLogger, defaultLogDirectory } from "../host/logging.js";
import { iconFile, menuTemplate, tooltipWithCertificates, trayStateOf, type MonitorSnapshot, type TrayState } from "../host/tray-state.js";
import { hardenSession, WindowManager } from "./window.js";
import { serviceOptionsOf, rulesOf } from "../host/apply-policy.js";
import { loadPolicy, type LoadedPolicy } from "../host/policy.js";
import { windowsRegistry } from "../host/policy-registry.js";
import { mkdirSync, readFileSync, watch, writeFileSync } from "node:fs";
import { dirname } from "node:path";

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

/**
 * The day (local, YYYY-MM-DD) each card was last told about its certificates, by serial, in
 * the app's user-data directory: a warning comes at most once a day a card (issue 14). Nothing
 * secret: a card serial and a date.
 */
export const CERTIFICATE_NOTICES_FILE = "certificate-notices.json";

const localDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;

function readNotices(file: string): Record<string, string> {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as unknown;
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

export async function startApp(electron: ElectronApi, options: AppOptions): Promise<RunningApp | null> {
  const { app, Tray, Menu, BrowserWindow, ipcMain, Notification, nativeTheme, session, dialog } = electron;
  // One instance per user session: a second start shows the first one's window.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  await app.whenReady();

  const readPolicy = options.loadPolicy ?? (() => loadPolicy({ registry: windowsRegistry }));
  let loaded = readPolicy();
  const policy = () => loaded.policy;
  const organisationName = () => policy().organisationName ?? options.organisationName ?? null;
  const language: Language = policy().language ?? (app.getLocale().toLowerCase().startsWith("sv") ? "sv" : "en");
  const logDirectory = policy().logDirectory || defaultLogDirectory();
  const log = options.logger ?? createLogger({ directory: logDirectory, level: policy().logLevel, console: !app.isPackaged });
  for (const problem of loaded.problems) log.warn("policy value ignored", { ...problem });
  const backend = options.backend ?? new PcscReaders(policy().readerFilter ? { readerFilter: policy().readerFilter } : {});
  const service = new CardService(backend, {
    ...serviceOptionsOf(policy()),
    audit: (event) => {
      lastOperation = { ...event, at: new Date().toISOString() };
      log.info("audit", { ...event });
    },
  });
  const info = (): AppInfo => ({
    rules: rulesOf(policy()),
    helpdeskPhone: policy().helpdeskPhone,
    organisationName: organisationName(),
    language,
    pukHelp: policy().pukHelp,
  });

  let busy = false;
  let lastOperation: (AuditEvent & { at: string }) | null = lastAuditFromLogs(logDirectory);
  const support = supportProvider(
    () => ({ backend, service, policy: loaded, logDirectory, lastOperation, certificateWarnings: feedWarnings }),
    () => app.getPath("downloads"),
  );
  // One read per card event, for the tray and the window alike; the certificates once per
  // insertion, in the background after it (issue 14).
  const feed = createStatusFeed(service, backend, { certificateWarningDays: () => warningDays(policy()) });
  /** The warnings the feed's last status carries: null while not read. */
  function feedWarnings() {
    const latest = feed.latest();
    return latest?.ok ? (latest.value.certificateWarnings ?? null) : null;
  }
  const handlers = createHandlers(service, info, support, {
    onRejected: (what) => log.warn("ipc payload rejected", { channel: what }),
    feed,
    async around(work) {
      busy = true;
      updateTray();
      try {
        return await work();
      } finally {
        busy = false;
        // The result carries the card's status: the handler pushes it, no second read.
        updateTray();
      }
    },
  });

  const windows = new WindowManager({
    BrowserWindow,
    pageUrl: options.pageUrl,
    preload: options.preloadPath,
    isPackaged: app.isPackaged,
    icon: join(options.assetsDir, process.platform === "win32" ? "icon.ico" : "icon.png"),
    title: "Pinwarden",
  });
  hardenSession(session.defaultSession);
  registerIpc(
    ipcMain,
    // The preload asks for the latest status when the page connects, right after it subscribed
    // to app events: from then on the window hears a view it is sent.
    {
      ...handlers,
      latestStatus: () => {
        windows.rendererListening();
        return handlers.latestStatus();
      },
    },
    senderCheck((sender, url, isMain) => windows.isOwnFrame(sender, url, isMain)),
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
      busy,
    };
  };

  const tray = new Tray(join(options.assetsDir, "tray", iconFile("no-card", nativeTheme.shouldUseDarkColors, process.platform)));
  const actions = {
    change: () => void windows.show({ type: "navigate", view: "change" }),
    unlock: () => void windows.show({ type: "navigate", view: "unlock" }),
    status: () => void windows.show({ type: "navigate", view: "status" }),
    support: () => void windows.show({ type: "navigate", view: "support" }),
    about: () =>
      void dialog.showMessageBox({
        type: "info",
        title: "Pinwarden",
        message: `Pinwarden ${app.getVersion()}`,
        detail: TRAY[language].about,
      }),
    quit: () => quit(),
  };
  function updateTray(): void {
    const s = snapshot();
    const state = trayStateOf(s);
    tray.setImage(join(options.assetsDir, "tray", iconFile(state, nativeTheme.shouldUseDarkColors, process.platform)));
    const organisation = organisationName();
    const tooltip = tooltipWithCertificates(s, language);
    tray.setToolTip(organisation ? `${tooltip} (${organisation})` : tooltip);
    tray.setContextMenu(
      Menu.buildFromTemplate(
        menuTemplate(s, language, actions).map(({ id, ...item }) => (id === "separator" ? { type: "separator" } : { id, ...item })),
      ),
    );
  }
  tray.on("click", actions.status);
  nativeTheme.on("updated", updateTray);

  /** Reads the card again (tests, start-up); the feed pushes the result to the tray and the window. */
  async function refresh(): Promise<void> {
    await feed.refresh();
  }

  /** A card arrives whose PIN is blocked or has one try left, in any application: say so, and open the right wizard on click. */
  function notifyAbout(current: CardStatus | null): void {
    if (!policy().notifications || !current || !Notification.isSupported()) return;
    const pins = applicationsOf(current).flatMap((a) =>
      a.codes.filter((c) => c.kind === "pin").map((c) => ({ app: a.app, code: c, codes: a.codes })),
    );
    const found = pins.find((p) => p.code.state === "blocked") ?? pins.find((p) => p.code.state === "low");
    if (!found) return;
    const { code: pin, app: family } = found;
    const text = TRAY[language].notify;
    const blocked = pin.state === "blocked";
    const byPuk = unblockedByPuk(pin, found.codes);
    // The name the window uses for this code in this language, not the card's own label.
    const name = codeName({ ...pin, app: family }, language);
    const body = trayText(!blocked ? text.low : byPuk ? text.blocked : text.blockedNoPuk, { code: name });
    const note = new Notification({ title: text.title, body });
    note.on("click", () => void windows.show({ type: "navigate", view: blocked ? "unlock" : "change", pinId: pin.id, app: family }));
    note.show();
  }

  /**
   * Certificates about to expire (issue 14): one notification a day a card at most, the
   * day remembered by card serial in the user-data directory.
   */
  function notifyAboutCertificates(current: CardStatus): void {
    const first = current.certificateWarnings?.[0];
    if (!first || !policy().notifications || !Notification.isSupported()) return;
    const card = current.card.serial ?? current.applications.find((a) => a.serial)?.serial ?? `atr-${current.card.atr}`;
    const file = join(app.getPath("userData"), CERTIFICATE_NOTICES_FILE);
    const notices = readNotices(file);
    const today = localDay(new Date());
    if (notices[card] === today) return;
    notices[card] = today;
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(notices, null, 2));
    } catch (e) {
      // Not remembered: the next start may say it again today; say it now all the same.
      log.warn("certificate notice not saved", { error: e instanceof Error ? e.name : typeof e });
    }
    const text = TRAY[language].notify;
    const note = new Notification({ title: text.title, body: trayText(text.certificate, { line: certificateLine(first, language) }) });
    note.on("click", () => void windows.show({ type: "navigate", view: "status" }));
    note.show();
  }

  // A card arrived: notify once its status is in (the feed reads it on the same event).
  let notifyNext = false;
  feed.on((pushed: StatusPush) => {
    status = pushed.ok ? pushed.value : (pushed.status ?? null);
    const code = pushed.ok ? null : pushed.error.code;
    // No service, no reader and no card are states of their own, not errors of a read.
    error = code && !isNoCard(code) ? code : null;
    updateTray();
    windows.sendStatus(pushed);
    if (notifyNext && status) {
      notifyNext = false;
      notifyAbout(status);
    }
    // The certificates come in a later push of the same card's status.
    if (status?.certificateWarnings?.length) notifyAboutCertificates(status);
  });
  const onReaderEvent = (e: ReaderEvent) => {
    if (e.type === "card-inserted") notifyNext = true;
    if (e.type === "card-removed") notifyNext = false;
  };
  backend.on(onReaderEvent);
  subscribeCardEvents(backend, (e) => windows.send(e));

  app.on("second-instance", () => void windows.show());
  // The tray keeps running with no window open.
  app.on("window-all-closed", () => undefined);
  app.setLoginItemSettings({ openAtLogin: policy().startAtLogin });

  function reloadPolicy(): void {
    loaded = readPolicy();
    service.configure(serviceOptionsOf(policy()));
    app.setLoginItemSettings({ openAtLogin: policy().startAtLogin });
    for (const problem of loaded.problems) log.warn("policy value ignored", { ...problem });
    log.info("policy applied", { sources: loaded.sources });
    // The certificate warnings follow the policy's days (or its "off") at once.
    const latest = feed.latest();
    if (latest) feed.publish(latest);
    updateTray();
  }
  // The file is watched; the registry is read again every ten minutes (Group Policy itself
  // refreshes every 90 minutes or so). Language, log and reader settings apply at next start.
  try {
    const watcher = watch(dirname(loaded.file), (_event, name) => {
      if (name && loaded.file.endsWith(name)) reloadPolicy();
    });
    watcher.unref();
  } catch {
    // No policy directory: nothing to watch; a restart picks up a new one.
  }
  if (process.platform === "win32") setInterval(reloadPolicy, 10 * 60_000).unref();

  function quit(): void {
    windows.quitting();
    tray.destroy();
    feed.close();
    service.close();
    app.quit();
  }

  await backend.ready();
  notifyNext = false;
  await refresh();
  notifyAbout(status);
  log.info("started", { version: app.getVersion(), reader: backend.readers()[0]?.name ?? null });

  return {
    service,
    handlers,
    feed,
    windows,
    snapshot,
    trayState: () => trayStateOf(snapshot()),
    refresh,
    quit,
    reloadPolicy,
    policy: () => loaded,
  };
}
