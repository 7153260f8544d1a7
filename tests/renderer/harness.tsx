/**
 * Renders the app on the real handlers and CardService with in-process virtual cards.
 * The only stand-in is the IPC hop itself, replaced by a JSON round trip (what crosses
 * Electron's IPC is a structured clone, which JSON approximates for these plain objects).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "@testing-library/react";
import { loadPolicy } from "../../host/policy.js";
import { supportProvider } from "../../host/support.js";
import type { ReportSources } from "../../host/support-report.js";
import type { AuditEvent } from "../../native-bridge/service/types.js";
import { I18nextProvider } from "react-i18next";
import { createHandlers, createStatusFeed, subscribeCardEvents, type StatusFeed } from "../../host/handlers.js";
import { CardService } from "../../native-bridge/service/card-service.js";
import { DEFAULT_RULES } from "../../contract/rules.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import type { VirtualCard } from "../../native-bridge/simulator/virtual-card.js";
import type { AppInfo, Language, PinwardenApi } from "../../contract/api.js";
import { CALL_NAMES, CALLS } from "../../contract/calls.js";
import { App } from "../../renderer/src/App.js";
import { createI18n } from "../../renderer/src/i18n/index.js";
import { useApp, type View } from "../../renderer/src/state/store.js";

const initial = useApp.getState();
const clone = <T,>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

export interface Harness {
  readers: InProcessReaders;
  service: CardService;
  /** The main process's one read per card event, as app.ts wires it. */
  feed: StatusFeed;
  /** CardService.status calls since the harness started (the tray's and the window's together). */
  statusReads(): number;
  api: PinwardenApi;
  logDirectory: string;
  /** Everything the renderer sent over the bridge, for "was anything sent?" checks. */
  sent: string[];
}

/** `infoExtra`: app info as a policy would set it (the PUK help …). */
export async function renderApp(
  card: VirtualCard | null,
  language: Language = "sv",
  readerNames = ["Testläsare"],
  infoExtra: Partial<AppInfo> = {},
  /** A view already asked for before the app info arrived (a tray item at start). */
  view?: View,
): Promise<Harness> {
  useApp.setState(initial, true);
  if (view) useApp.setState({ view });
  const readers = new InProcessReaders(readerNames);
  if (card) readers.insert(card);
  let onAudit: (e: AuditEvent) => void = () => undefined;
  const setAudit = (fn: typeof onAudit) => (onAudit = fn);
  const service = new CardService(readers, { audit: (e) => onAudit(e) });
  let reads = 0;
  const realStatus = service.status.bind(service);
  service.status = (...args) => {
    reads++;
    return realStatus(...args);
  };
  const feed = createStatusFeed(service, readers);
  const info: AppInfo = { rules: DEFAULT_RULES, helpdeskPhone: ["intern 30000"], organisationName: null, language, ...infoExtra };
  const policy = loadPolicy({
    platform: "linux",
    env: {},
    registry: () => null,
    readFile: () => JSON.stringify({ helpdeskPhone: ["intern 30000"] }),
  });
  const logDirectory = mkdtempSync(join(tmpdir(), "pinwarden-renderer-"));
  let lastOperation: ReportSources["lastOperation"] = null;
  const support = supportProvider(
    () => ({ backend: readers, service, policy, logDirectory, lastOperation }),
    () => logDirectory,
  );
  const handlers = createHandlers(service, () => info, support, { feed });
  // The app reads once at start-up, before any window exists.
  await feed.refresh();
  setAudit((e) => (lastOperation = { ...e, at: "2026-11-22T10:00:00.000Z" }));
  const sent: string[] = [];
  // Every exposed call of the table, as the preload makes them; the ones carrying a request
  // (the codes) are recorded in `sent`.
  const calls = Object.fromEntries(
    CALL_NAMES.filter((name) => CALLS[name].exposed).map((name) => [
      name,
      async (request?: unknown) => {
        if (CALLS[name].takesRequest) sent.push(name);
        return clone(await handlers[name](request === undefined ? undefined : clone(request)));
      },
    ]),
  ) as unknown as Omit<PinwardenApi, "subscribe" | "onStatus">;
  const api: PinwardenApi = {
    ...calls,
    subscribe: (listener) => subscribeCardEvents(readers, (e) => listener(clone(e))),
    // As the preload does: the latest status at once, then every push.
    onStatus: (listener) => {
      const latest = feed.latest();
      if (latest) queueMicrotask(() => listener(clone(latest)));
      return feed.on((s) => listener(clone(s)));
    },
  };
  render(
    <I18nextProvider i18n={createI18n(language)}>
      <App />
    </I18nextProvider>,
  );
  await useApp.getState().connect(api);
  return { readers, service, feed, statusReads: () => reads, api, sent, logDirectory };
}
