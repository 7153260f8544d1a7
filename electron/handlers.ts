/**
 * The contract's calls implemented on CardService. Both Electron's IPC handlers and the
 * preview bridge call these, so the renderer meets the same behaviour in both. Every
 * payload is checked against a schema first; a payload that fails is rejected without
 * being echoed. Codes become Secrets at once; CardService wipes them.
 */
import { z } from "zod";
import type { ReaderBackend, ReaderEvent } from "../native-bridge/pcsc/types.js";
import type { CardService } from "../native-bridge/service/card-service.js";
import { ERROR_CATALOG } from "../native-bridge/service/error-catalog.js";
import { Secret } from "../native-bridge/service/secret.js";
import type { CardStatus as ServiceStatus, Result } from "../native-bridge/service/types.js";
import type { ApiError, ApiResult, AppInfo, CardEvent, CardStatus, SupportResult } from "../renderer/contract.js";
import type { SupportProvider } from "./support.js";

const codeId = z.string().regex(/^[a-z0-9-]{1,32}$/);
const code = z.string().min(1).max(64);

export const changePinSchema = z.strictObject({ pinId: codeId, current: code, next: code });
export const unblockPinSchema = z.strictObject({ pinId: codeId, puk: code, next: code });

export const REJECTED: ApiError = { code: "REQUEST_REJECTED", support: ERROR_CATALOG.REQUEST_REJECTED.support };

/** Service status → contract status. The assignment is the compile-time check that they agree. */
function toContract(status: ServiceStatus): CardStatus {
  const contract: CardStatus = status;
  return contract;
}

function toApi(result: Result<ServiceStatus>): ApiResult<CardStatus> {
  if (result.ok) return { ok: true, value: toContract(result.value) };
  const { code: errorCode, ...details } = result.error;
  const error: ApiError = { code: errorCode, support: ERROR_CATALOG[errorCode].support };
  // Copy only the fields the contract knows; `technical` stays on the machine side.
  for (const key of ["triesLeft", "codeId", "minLength", "maxLength", "atr", "reader"] as const) {
    if (details[key] !== undefined) (error as unknown as Record<string, unknown>)[key] = details[key];
  }
  return result.status ? { ok: false, error, status: toContract(result.status) } : { ok: false, error };
}

export interface Handlers {
  info(): Promise<AppInfo>;
  support(): Promise<SupportResult>;
  exportDiagnostics(): Promise<ApiResult<{ path: string }>>;
  status(): Promise<ApiResult<CardStatus>>;
  changePin(payload: unknown): Promise<ApiResult<CardStatus>>;
  unblockPin(payload: unknown): Promise<ApiResult<CardStatus>>;
}

export interface HandlerHooks {
  /** A payload failed its schema (logged by the caller, without the payload). */
  onRejected?: (what: string) => void;
  /** Wraps each change or unblock that passed its schema (the tray shows "busy" meanwhile). */
  around?: <T>(work: () => Promise<T>) => Promise<T>;
}

export function createHandlers(service: CardService, info: () => AppInfo, support: SupportProvider, hooks: HandlerHooks = {}): Handlers {
  const { onRejected } = hooks;
  const around = hooks.around ?? (<T>(work: () => Promise<T>) => work());
  return {
    support: () => support.support(),
    exportDiagnostics: () => support.exportDiagnostics(),
    info: async () => info(),
    status: async () => toApi(await service.status()),
    async changePin(payload) {
      const parsed = changePinSchema.safeParse(payload);
      if (!parsed.success) {
        onRejected?.("changePin");
        return { ok: false, error: REJECTED };
      }
      const { pinId, current, next } = parsed.data;
      return toApi(await around(() => service.changePin(pinId, Secret.fromString(current), Secret.fromString(next))));
    },
    async unblockPin(payload) {
      const parsed = unblockPinSchema.safeParse(payload);
      if (!parsed.success) {
        onRejected?.("unblockPin");
        return { ok: false, error: REJECTED };
      }
      const { pinId, puk, next } = parsed.data;
      return toApi(await around(() => service.unblockPin(pinId, Secret.fromString(puk), Secret.fromString(next))));
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
