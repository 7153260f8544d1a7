/**
 * The contract between the renderer and whatever runs the card service: Electron's
 * preload (as `window.pinwarden`) or the preview bridge. Types only, plus the channel
 * names; the renderer imports nothing else from outside renderer/.
 *
 * Codes cross this boundary once, in a change or unblock request. They never come back:
 * no response, event or error carries one.
 */

export type Language = "sv" | "en";
export type CodeKind = "pin" | "puk" | "admin" | "reset";
export type CodeState = "ok" | "low" | "blocked" | "unknown" | "unavailable";

export interface CodeStatus {
  id: string;
  label: string;
  kind: CodeKind;
  triesLeft: number | null;
  maxTries: number | null;
  blocked: boolean;
  state: CodeState;
  minLength: number;
  maxLength: number;
  numeric: boolean;
  unblockedBy?: string;
  canChange: boolean;
  canUnblock: boolean;
}

export interface CardStatus {
  reader: string;
  card: { profile: "pkcs15" | "piv" | "openpgp"; atr: string; serial: string | null; label: string | null };
  codes: CodeStatus[];
}

export type ErrorCode =
  | "PIN_WRONG"
  | "PIN_BLOCKED"
  | "PUK_WRONG"
  | "PUK_BLOCKED"
  | "CODE_NOT_DIGITS"
  | "CODE_LENGTH"
  | "CODE_SAME_AS_CURRENT"
  | "CODE_WEAK"
  | "CODE_CONFIRMATION_MISMATCH"
  | "CODE_UNKNOWN"
  | "OPERATION_NOT_ALLOWED"
  | "CARD_REFUSED_CODE"
  | "CARD_REMOVED"
  | "CARD_RESET"
  | "NO_CARD"
  | "NO_READER"
  | "READER_NOT_FOUND"
  | "PCSC_UNAVAILABLE"
  | "CARD_UNSUPPORTED"
  | "CARD_IN_USE"
  | "BUSY"
  | "TIMEOUT"
  | "CARD_ERROR"
  | "REQUEST_REJECTED";

export interface ApiError {
  code: ErrorCode;
  /** Support number read aloud on the phone, e.g. PW-101. */
  support: string;
  triesLeft?: number | null;
  codeId?: string;
  minLength?: number;
  maxLength?: number;
  atr?: string;
  reader?: string;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError; status?: CardStatus };

/** The rules the wizards check before anything is sent (the card service checks them again). */
export interface CodeRules {
  pin: { minLength: number; maxLength: number };
  puk: { minLength: number; maxLength: number };
  digitsOnly: boolean;
  rejectWeakCodes: boolean;
}

export interface AppInfo {
  rules: CodeRules;
  /** Helpdesk numbers as the organisation writes them, e.g. "intern 30000". */
  helpdeskPhone: string[];
  organisationName: string | null;
  language: Language | null;
}

export type CardEvent =
  | { type: "card-inserted"; reader: string }
  | { type: "card-removed"; reader: string }
  | { type: "readers-changed" }
  | { type: "service-down" }
  | { type: "service-up" };

/** Sent by the app itself: open a view (a tray menu item or a notification was clicked). */
export interface NavigateEvent {
  type: "navigate";
  view: "status" | "change" | "unlock" | "support";
  pinId?: string;
}

export type AppEvent = CardEvent | NavigateEvent;

export interface ChangePinRequest {
  pinId: string;
  current: string;
  next: string;
}

export interface UnblockPinRequest {
  pinId: string;
  puk: string;
  next: string;
}

/** What IT support sees: the same report in the support view, `pinwarden support` and the export. */
export interface SupportReport {
  generatedAt: string;
  app: { version: string; platform: string; osRelease: string; arch: string };
  pcsc: { serviceRunning: boolean; readers: { name: string; cardPresent: boolean }[] };
  card: {
    reader: string;
    profile: string;
    serial: string | null;
    atr: string;
    codes: { id: string; label: string; state: CodeState; triesLeft: number | null; maxTries: number | null }[];
  } | null;
  cardError: { code: ErrorCode; support: string; atr: string | null } | null;
  lastOperation: {
    operation: "changePin" | "unblockPin";
    codeId: string;
    result: "ok" | ErrorCode;
    support: string | null;
    triesLeft: number | null;
    at: string;
  } | null;
  policy: { file: string; valuesSet: number; problems: string[] };
  logDirectory: string;
  helpdesk: { phones: string[]; url: string | null };
}

export interface SupportResult {
  report: SupportReport;
  /** The report as numbered lines, in each language (what Copy puts on the clipboard). */
  text: Record<Language, string>;
}

export interface PinwardenApi {
  info(): Promise<AppInfo>;
  status(): Promise<ApiResult<CardStatus>>;
  changePin(request: ChangePinRequest): Promise<ApiResult<CardStatus>>;
  unblockPin(request: UnblockPinRequest): Promise<ApiResult<CardStatus>>;
  support(): Promise<SupportResult>;
  /** Writes the diagnostics zip (report and redacted logs); resolves with where it went. */
  exportDiagnostics(): Promise<ApiResult<{ path: string }>>;
  /** Calls `listener` for every reader, card or navigation event until the returned function is called. */
  subscribe(listener: (event: AppEvent) => void): () => void;
}

/** IPC channel names (Electron) and HTTP paths (preview bridge) for the calls above. */
export const CHANNELS = {
  info: "pinwarden:info",
  status: "pinwarden:status",
  changePin: "pinwarden:change-pin",
  unblockPin: "pinwarden:unblock-pin",
  support: "pinwarden:support",
  exportDiagnostics: "pinwarden:export-diagnostics",
  events: "pinwarden:events",
} as const;

declare global {
  interface Window {
    pinwarden?: PinwardenApi;
  }
}
