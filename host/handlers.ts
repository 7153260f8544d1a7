/**
 * The contract's calls implemented on CardService. Both Electron's IPC handlers and the
 * preview bridge call these, so the renderer meets the same behaviour in both. Every
 * payload is checked against a schema first; a payload that fails is rejected without
 * being echoed. Codes become Secrets at once; CardService wipes them.
 */
import { CALL_NAMES, type CallName, type RequestOf, type ResponseOf } from "../contract/calls.js";
import { REQUEST_SCHEMAS } from "../contract/requests.js";
import type { ReaderBackend, ReaderEvent } from "../native-bridge/pcsc/types.js";
import type { CardService } from "../native-bridge/service/card-service.js";
import { certificateWarnings } from "../native-bridge/certs/warnings.js";
import type { CardCertificate } from "../native-bridge/certs/types.js";
import { ERROR_CATALOG } from "../native-bridge/service/error-catalog.js";
import { Secret } from "../native-bridge/core/secret.js";
import type { CardStatus as ServiceStatus, Result } from "../native-bridge/service/types.js";
import type { ApiError, ApiResult, AppInfo, CardEvent, CardStatus, StatusPush } from "../contract/api.js";
import type { SupportProvider } from "./support.js";

export const REJECTED: ApiError = { code: "REQUEST_REJECTED", support: ERROR_CATALOG.REQUEST_REJECTED.support };

/** An error of the contract with its support number, for states known without a card read. */
export function apiError(errorCode: ApiError["code"]): { ok: false; error: ApiError } {
  return { ok: false, error: { code: errorCode, support: ERROR_CATALOG[errorCode].support } };
}

export function toApi(result: Result<ServiceStatus>): ApiResult<CardStatus> {
  if (result.ok) return { ok: true, value: result.value };
  const { code: errorCode, ...details } = result.error;
  const error: ApiError = { code: errorCode, support: ERROR_CATALOG[errorCode].support };
  // Copy only the fields the contract knows; `technical` stays on the machine side.
  for (const key of ["triesLeft", "codeId", "minLength", "maxLength", "atr", "reader"] as const) {
    if (details[key] !== undefined) (error as unknown as Record<string, unknown>)[key] = details[key];
  }
  return result.status ? { ok: false, error, status: result.status } : { ok: false, error };
}

/**
 * One handler per row of the table of calls (contract/calls.ts). Each takes the payload as
 * it came and checks it against the row's schema first: a payload that fails is rejected
 * (REQUEST_REJECTED) without being echoed or logged.
 */
export type Handlers = { [K in CallName]: (payload?: unknown) => Promise<ResponseOf<K>> };
/** What the host does for each call, given a request that passed its schema. */
type Implementations = { [K in CallName]: (request: RequestOf<K>) => Promise<ResponseOf<K>> };

export interface HandlerHooks {
  /** A payload failed its schema (logged by the caller, without the payload). */
  onRejected?: (what: string) => void;
  /** Wraps each change or unblock that passed its schema (the tray shows "busy" meanwhile). */
  around?: <T>(work: () => Promise<T>) => Promise<T>;
  /** Where statuses go: a read on request and the status a change or unblock returns. */
  feed?: StatusFeed;
}

export function createHandlers(service: CardService, info: () => AppInfo, support: SupportProvider, hooks: HandlerHooks = {}): Handlers {
  const { onRejected, feed } = hooks;
  const around = hooks.around ?? (<T>(work: () => Promise<T>) => work());
  /** The status an operation returned is the card's state now: the tray and windows get it, no read. */
  const done = (result: ApiResult<CardStatus>): ApiResult<CardStatus> => {
    if (!feed || !(result.ok || result.status)) return result;
    // The caller gets the status as pushed (with the card's certificate warnings), so the
    // window does not replace the pushed status with one that lacks them.
    const pushed = feed.publish(result.ok ? result : { ok: true, value: result.status! });
    if (!pushed.ok) return result;
    return result.ok ? pushed : { ...result, status: pushed.value };
  };
  const implementations: Implementations = {
    support: () => support.support(),
    exportDiagnostics: () => support.exportDiagnostics(),
    info: async () => info(),
    /** Reads the card (a person asked); with a feed, the result goes to every listener too. */
    status: async () => (feed ? feed.refresh() : toApi(await service.status())),
    /** The feed's latest status, without reading the card; null before the first read. */
    latestStatus: async () => feed?.latest() ?? null,
    async changePin({ pinId, current, next, app: family }) {
      const options = family ? { app: family } : {};
      return done(toApi(await around(() => service.changePin(pinId, Secret.fromString(current), Secret.fromString(next), options))));
    },
    async checkCode({ pinId, current, app: family }) {
      const options = family ? { app: family } : {};
      return done(toApi(await around(() => service.checkCode(pinId, Secret.fromString(current), options))));
    },
    async unblockPin({ pinId, puk, next, app: family, using }) {
      const options = { ...(family ? { app: family } : {}), ...(using ? { using } : {}) };
      return done(toApi(await around(() => service.unblockPin(pinId, Secret.fromString(puk), Secret.fromString(next), options))));
    },
  };
  const checked = <K extends CallName>(name: K) => {
    const schema = REQUEST_SCHEMAS[name] as { safeParse(p: unknown): { success: boolean; data?: unknown } } | null;
    const run = implementations[name] as (request: unknown) => Promise<ResponseOf<K>>;
    return async (payload?: unknown): Promise<ResponseOf<K>> => {
      if (!schema) return run(undefined);
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        onRejected?.(name);
        return { ok: false, error: REJECTED } as ResponseOf<K>;
      }
      return run(parsed.data);
    };
  };
  return Object.fromEntries(CALL_NAMES.map((name) => [name, checked(name)])) as Handlers;
}

/**
 * One status read per card event, shared by the tray and every window (issue 11): the
 * main process reads, and pushes the result to its listeners. States known without the
 * card (no service, no reader, no card) are pushed without a read.
 */
export interface StatusFeed {
  /** The last status pushed; null before the first. */
  latest(): StatusPush | null;
  /** Reads the card now (or states why not) and pushes the result. */
  refresh(): Promise<StatusPush>;
  /** Pushes a status obtained otherwise (the one a change or unblock returned); returns it as pushed. */
  publish(status: StatusPush): StatusPush;
  on(listener: (status: StatusPush) => void): () => void;
  close(): void;
}

export interface StatusFeedOptions {
  /**
   * Certificate warnings (issue 14): the policy's warning days, null with the warning off.
   * Given, the feed reads the card's certificates in the background once per card insertion,
   * after the first status of that card was pushed, and pushes that status again with
   * `certificateWarnings`; every later status of the card carries them. A status read never
   * waits for the certificates (CardService queues them one certificate a task).
   */
  certificateWarningDays?: () => number | null;
  /** A listener threw (logged by the caller); the others still get the status. */
  onListenerError?: (error: unknown) => void;
}

export function createStatusFeed(service: CardService, backend: ReaderBackend, options: StatusFeedOptions = {}): StatusFeed {
  const listeners = new Set<(status: StatusPush) => void>();
  let latest: StatusPush | null = null;
  let running: Promise<StatusPush> | null = null;
  let queued: Promise<StatusPush> | null = null;
  // The certificates of the card in `certs.reader`, read once per insertion (`insertion` counts them).
  let insertion = 0;
  let certs: { insertion: number; reader: string; list: CardCertificate[] | null } | null = null;

  const withWarnings = (status: StatusPush): StatusPush => {
    if (!options.certificateWarningDays || !status.ok) return status;
    const days = options.certificateWarningDays();
    // Off: nothing to warn about, and nothing read for it.
    if (days === null) return { ok: true, value: { ...status.value, certificateWarnings: [] } };
    if (certs?.insertion !== insertion || certs.reader !== status.value.reader || !certs.list) {
      // Not read (yet) for this card: none carried over from a status pushed before.
      const value = { ...status.value };
      delete value.certificateWarnings;
      return { ok: true, value };
    }
    // Days left as of now, not as of the read: a card left in for days counts down.
    return { ok: true, value: { ...status.value, certificateWarnings: certificateWarnings(certs.list, days, new Date()) } };
  };

  const publish = (pushed: StatusPush): StatusPush => {
    const status = withWarnings(pushed);
    latest = status;
    // One listener's failure (a tray, a window, a notification) never reaches the others,
    // nor the change or unblock whose status this is: the card has already done it.
    for (const listener of [...listeners]) {
      try {
        listener(status);
      } catch (error) {
        options.onListenerError?.(error);
      }
    }
    const reading = options.certificateWarningDays?.() ?? null;
    if (reading !== null && status.ok && certs?.insertion !== insertion) readCertificates(status.value.reader);
    return status;
  };

  /** In the background: the status that started it has been pushed already. */
  const readCertificates = (reader: string) => {
    const at = insertion;
    certs = { insertion: at, reader, list: null };
    void service.certificates({ reader }).then((result) => {
      if (certs?.insertion !== at || insertion !== at) return;
      // Unreadable: unknown ("not read"), and not tried again before the card comes back.
      if (!result.ok) return;
      certs.list = result.value.certificates;
      const now = latest;
      if (!now?.ok || now.value.reader !== reader) return;
      // Pushed again only when there is something to warn about: "none" looks like "not read"
      // to the tray and the window; latest() (the support report) still tells them apart.
      const updated = withWarnings(now);
      if (updated.ok && updated.value.certificateWarnings?.length) publish(now);
      else latest = updated;
    });
  };

  const withoutCard = (): StatusPush | null => {
    if (!backend.serviceAvailable) return apiError("PCSC_UNAVAILABLE");
    const readers = backend.readers();
    if (readers.length === 0) return apiError("NO_READER");
    if (!readers.some((r) => r.cardPresent)) return apiError("NO_CARD");
    return null;
  };

  const read = async (): Promise<StatusPush> => {
    const status = withoutCard() ?? toApi(await service.status());
    publish(status);
    // As pushed: with the card's certificate warnings where they are read.
    return latest ?? status;
  };

  /**
   * One read at a time. A request while a read runs waits for one more read after it
   * (the card may have changed since that read began); requests that arrive meanwhile
   * share that one, so a burst of events costs at most two reads, never one per listener.
   */
  const refresh = (): Promise<StatusPush> => {
    if (!running) {
      running = read().finally(() => (running = null));
      return running;
    }
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = null;
        running = read().finally(() => (running = null));
        return running;
      });
    return queued;
  };

  const off = backend.on((e) => {
    // Another insertion: its certificates are read again (CardService's cache went with the card).
    if (e.type === "card-inserted" || e.type === "card-removed") insertion++;
    void refresh();
  });
  return {
    latest: () => latest,
    refresh,
    publish,
    on(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close() {
      off();
      listeners.clear();
    },
  };
}

/** Reader backend events as the renderer sees them. */
export function toCardEvent(e: ReaderEvent): CardEvent {
  switch (e.type) {
    case "card-inserted":
    case "card-removed":
      return { type: e.type, reader: e.reader };
    case "reader-added":
    case "reader-removed":
      return { type: "readers-changed" };
    default:
      return { type: e.type };
  }
}

export function subscribeCardEvents(backend: ReaderBackend, listener: (e: CardEvent) => void): () => void {
  return backend.on((e) => listener(toCardEvent(e)));
}
