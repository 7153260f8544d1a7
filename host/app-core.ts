/**
 * The application without its shell: machine policy, the log, the reader backend, the card
 * service with its audit trail, the status feed (one read per card event, the certificates
 * in the background), the handlers of the table of calls and the support report. The tray
 * app builds its tray, window and notifications around it (electron/app.ts).
 */
import type { Logger } from "winston";
import type { AppInfo, Language } from "../contract/api.js";
import { warningDays } from "../native-bridge/certs/warnings.js";
import { PcscReaders } from "../native-bridge/pcsc/pcsc-readers.js";
import type { ReaderBackend } from "../native-bridge/pcsc/types.js";
import { CardService } from "../native-bridge/service/card-service.js";
import type { AuditEvent } from "../native-bridge/service/types.js";
import { rulesOf, serviceOptionsOf } from "./apply-policy.js";
import { createHandlers, createStatusFeed, type Handlers, type StatusFeed } from "./handlers.js";
import { createLogger, defaultLogDirectory } from "./logging.js";
import type { LoadedPolicy, Policy } from "./policy.js";
import { lastAuditFromLogs, supportProvider } from "./support.js";

export interface AppCoreOptions {
  readPolicy: () => LoadedPolicy;
  /** The system's locale, for the language where policy sets none. */
  locale: string;
  /** Where "Save diagnostics file" writes (the user's Downloads). */
  downloadsDir: () => string;
  /** Also log to the console (an unpackaged app). */
  consoleLog: boolean;
  backend?: ReaderBackend | undefined;
  logger?: Logger | undefined;
  /** The organisation's name where machine policy sets none (the demo's). */
  organisationName?: string | undefined;
  /** Called with true around each change or unblock (the tray shows "busy"), then false. */
  onBusy?: (busy: boolean) => void;
}

export interface AppCore {
  loaded(): LoadedPolicy;
  policy(): Policy;
  language: Language;
  log: Logger;
  backend: ReaderBackend;
  service: CardService;
  feed: StatusFeed;
  handlers: Handlers;
  info(): AppInfo;
  organisationName(): string | null;
  busy(): boolean;
  /** Reads machine policy again and applies it to the service and the feed; the shell does the rest. */
  reloadPolicy(): void;
}

export function createAppCore(options: AppCoreOptions): AppCore {
  let loaded = options.readPolicy();
  const policy = () => loaded.policy;
  const organisationName = () => policy().organisationName ?? options.organisationName ?? null;
  const language: Language = policy().language ?? (options.locale.toLowerCase().startsWith("sv") ? "sv" : "en");
  const logDirectory = policy().logDirectory || defaultLogDirectory();
  const log = options.logger ?? createLogger({ directory: logDirectory, level: policy().logLevel, console: options.consoleLog });
  for (const problem of loaded.problems) log.warn("policy value ignored", { ...problem });
  const backend = options.backend ?? new PcscReaders(policy().readerFilter ? { readerFilter: policy().readerFilter } : {});

  let lastOperation: (AuditEvent & { at: string }) | null = lastAuditFromLogs(logDirectory);
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

  // One read per card event, for the tray and the window alike; the certificates once per
  // insertion, in the background after it (issue 14).
  const feed = createStatusFeed(service, backend, {
    certificateWarningDays: () => warningDays(policy()),
    onListenerError: (error) => log.warn("status listener failed", { error: error instanceof Error ? error.name : typeof error }),
  });
  /** The warnings the feed's last status carries: null while not read. */
  const feedWarnings = () => {
    const latest = feed.latest();
    return latest?.ok ? (latest.value.certificateWarnings ?? null) : null;
  };
  const support = supportProvider(
    () => ({ backend, service, policy: loaded, logDirectory, lastOperation, certificateWarnings: feedWarnings }),
    options.downloadsDir,
  );

  let busy = false;
  const handlers = createHandlers(service, info, support, {
    onRejected: (what) => log.warn("ipc payload rejected", { channel: what }),
    feed,
    async around(work) {
      busy = true;
      options.onBusy?.(true);
      try {
        return await work();
      } finally {
        busy = false;
        // The result carries the card's status: the handler pushes it, no second read.
        options.onBusy?.(false);
      }
    },
  });

  return {
    loaded: () => loaded,
    policy,
    language,
    log,
    backend,
    service,
    feed,
    handlers,
    info,
    organisationName,
    busy: () => busy,
    reloadPolicy() {
      loaded = options.readPolicy();
      service.configure(serviceOptionsOf(policy()));
      for (const problem of loaded.problems) log.warn("policy value ignored", { ...problem });
      log.info("policy applied", { sources: loaded.sources });
      // The certificate warnings follow the policy's days (or its "off") at once.
      const latest = feed.latest();
      if (latest) feed.publish(latest);
    },
  };
}
