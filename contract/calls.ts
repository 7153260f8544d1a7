/**
 * The one table of calls from the page to whatever runs the card service. Each row names
 * the call, its IPC channel (Electron), its route and method (the preview bridge), the
 * schema its request must pass (null: it takes none) and, in its type, the response. The
 * preload's `window.pinwarden`, the IPC registration and its sender guard, the preview
 * bridge's routes and the renderer's HTTP client are loops over this table; the host
 * implements one handler per row (host/handlers.ts). A new call is a row here (and in requests.ts where it takes a request) and a handler.
 *
 * Codes cross this boundary once, in a request. They never come back: no response, event
 * or error carries one, and a request that fails its schema is rejected without an echo.
 */
import type { ApiResult, AppInfo, CardStatus, StatusPush, SupportResult } from "./api.js";
import type { ChangePinRequest, CheckCodeRequest, UnblockPinRequest } from "./requests.js";

interface Call<Request, Response> {
  channel: `pinwarden:${string}`;
  route: string;
  /** GET reads; POST acts (or carries a request). */
  method: "GET" | "POST";
  /** Whether it carries a request (its schema: REQUEST_SCHEMAS in requests.ts). */
  takesRequest: boolean;
  /** false: used by the bridge itself (the preload's onStatus), not a method of `window.pinwarden`. */
  exposed: boolean;
  /** Only for the types: what the call takes and resolves with. */
  readonly types?: { request: Request; response: Response };
}

function call<Response, Request = undefined>(
  name: string,
  method: "GET" | "POST",
  takesRequest = false,
  exposed = true,
): Call<Request, Response> {
  return { channel: `pinwarden:${name}`, route: name, method, takesRequest, exposed };
}

export const CALLS = {
  info: call<AppInfo>("info", "GET"),
  /** Reads the card again (a person asked: "Uppdatera"); the result is pushed to every listener too. */
  status: call<ApiResult<CardStatus>>("status", "GET"),
  /** The latest status the main process pushed (no card read), or null before the first. */
  latestStatus: call<StatusPush | null>("latest-status", "GET", false, false),
  support: call<SupportResult>("support", "GET"),
  /** Writes the diagnostics zip (report and redacted logs); resolves with where it went. */
  exportDiagnostics: call<ApiResult<{ path: string }>>("export-diagnostics", "POST"),
  changePin: call<ApiResult<CardStatus>, ChangePinRequest>("change-pin", "POST", true),
  /**
   * Checks a current code on the card (only where its CodeStatus says canCheck): a wrong
   * one answers its error with the tries left, a right one the status. Never echoed.
   */
  checkCode: call<ApiResult<CardStatus>, CheckCodeRequest>("check-code", "POST", true),
  unblockPin: call<ApiResult<CardStatus>, UnblockPinRequest>("unblock-pin", "POST", true),
} as const;

export type CallName = keyof typeof CALLS;
export type RequestOf<K extends CallName> = (typeof CALLS)[K] extends Call<infer R, unknown> ? R : never;
export type ResponseOf<K extends CallName> = (typeof CALLS)[K] extends Call<unknown, infer R> ? R : never;
export const CALL_NAMES = Object.keys(CALLS) as CallName[];

/** Each call as a method: what `window.pinwarden` offers (the exposed ones) and what the host implements. */
export type CallMethods = {
  [K in CallName]: RequestOf<K> extends undefined ? () => Promise<ResponseOf<K>> : (request: RequestOf<K>) => Promise<ResponseOf<K>>;
};

/** Channels the main process sends on (not calls): card and navigation events, and pushed statuses. */
export const PUSH_CHANNELS = {
  events: "pinwarden:events",
  /** main → window: a StatusPush after each card event or operation. */
  statusPush: "pinwarden:status-push",
} as const;

/** Every channel by name (derived from the table; for the shell and the tests). */
export const CHANNELS = {
  ...(Object.fromEntries(CALL_NAMES.map((name) => [name, CALLS[name].channel])) as { [K in CallName]: string }),
  ...PUSH_CHANNELS,
};
