/**
 * The contract between the renderer and whatever runs the card service: Electron's
 * preload (as `window.pinwarden`) or the preview bridge. Types only; the calls and their
 * channels are the table in calls.ts. The renderer imports nothing from outside contract/.
 *
 * Codes cross this boundary once, in a check, change or unblock request. They never come back:
 * no response, event or error carries one.
 */
import type { CallMethods } from "./calls.js";
import type { ErrorCode } from "./errors.js";
import type { CodeRules } from "./rules.js";
import type { Family } from "./families.js";

export type Language = "sv" | "en";
export type CodeKind = "pin" | "puk" | "admin" | "reset";
/**
 * ok; low = one try left (warn before it); blocked; unknown = the card cannot tell;
 * unavailable = a code that is not set: an OpenPGP resetting code (its counter reads 0 from
 * the start), a PKCS#15 PIN whose AODF entry is not initialized.
 */
export type CodeState = "ok" | "low" | "blocked" | "unknown" | "unavailable";

/** A card family (contract/families.ts), as the renderer names it. */
export type AppFamily = Family;

export interface CodeStatus {
  id: string;
  /** The application the code belongs to (ids are per application: PIV's "auth" is not PKCS#15's). */
  app?: AppFamily;
  label: string;
  kind: CodeKind;
  /** null = the card does not say (or could not be asked without risking a try). */
  triesLeft: number | null;
  /**
   * true: the count came from the card just now (read, or its answer to this operation);
   * false: not known, or only as of an earlier answer. The wizard warns before sending.
   */
  triesKnown: boolean;
  /** The limit, from the card or a documented fact; null = not known (no "of N", no dots). */
  maxTries: number | null;
  blocked: boolean;
  state: CodeState;
  minLength: number;
  maxLength: number;
  /** What a NEW code is held to (with the policy). */
  numeric: boolean;
  /** What a CURRENT code (or PUK) may hold: "digits" only where the card's encoding needs it. */
  charset: "digits" | "any";
  unblockedBy?: string;
  /** Other codes the person may unblock this one with (OpenPGP: the resetting code). */
  alsoUnblockedBy?: string[];
  canChange: boolean;
  canUnblock: boolean;
  /**
   * The current code can be checked on the card (checkCode) before a new one is typed: one
   * VERIFY, the try the change would have cost. Absent or false: the change checks it.
   */
  canCheck?: boolean;
}

/** One application on the card (a security key carries PIV and OpenPGP side by side). */
export interface AppStatus {
  app: AppFamily;
  serial: string | null;
  label: string | null;
  codes: CodeStatus[];
}

export interface CardStatus {
  reader: string;
  /** `profile`: the application `codes` belong to; `knownAs`: the card-knowledge row ("unknown"). */
  card: { profile: AppFamily; atr: string; serial: string | null; label: string | null; knownAs: string };
  /** The application `codes` belong to (the one asked for, else the first). */
  app: AppFamily;
  codes: CodeStatus[];
  /** Every application found on the card, this one included. */
  applications: AppStatus[];
  /**
   * Certificates about to expire or expired (issue 14), read in the background after the
   * status was shown, once per card insertion: absent or null = not read yet (or could not
   * be read), [] = none to warn about (or the policy has the warning off).
   */
  certificateWarnings?: CertificateWarning[] | null;
}

/** What a certificate's key is for; the app names a warning by its code, else by this. */
export type CertificateRole = "identification" | "signing" | "encryption" | "cardAuthentication" | "authority";

/** A certificate to warn about: the code protecting its key and the days it has left. */
export interface CertificateWarning {
  /** The code protecting the key (a CodeStatus id of `app`); null: none or not known. */
  codeId: string | null;
  app: AppFamily;
  role: CertificateRole;
  /** Whole days left; negative once expired. */
  daysLeft: number;
  expired: boolean;
  /** ISO 8601. */
  notAfter: string;
  /** The subject's common name. */
  subject: string;
}

export type { ErrorCode } from "./errors.js";

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

export type { CodeRules } from "./rules.js";

export interface AppInfo {
  rules: CodeRules;
  /** Helpdesk numbers as the organisation writes them, e.g. "intern 30000". */
  helpdeskPhone: string[];
  organisationName: string | null;
  language: Language | null;
  /**
   * Where the PUK is and what to do when it is lost (policy `pukHelp`): one text for every
   * language, or one per language. Absent (an older main process): the app's own default.
   */
  pukHelp?: string | Record<Language, string>;
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
  /** The application `pinId` belongs to, on a card that carries several. */
  app?: AppFamily;
}

export type AppEvent = CardEvent | NavigateEvent;

/** The requests that carry codes: their types are their schemas' (contract/requests.ts). */
export type { ChangePinRequest, CheckCodeRequest, UnblockPinRequest } from "./requests.js";

/**
 * What the main process read after a card event (or a change), pushed to every window:
 * a status, or an error such as NO_CARD / NO_READER / PCSC_UNAVAILABLE without a read.
 */
export type StatusPush = ApiResult<CardStatus>;

/** What the audit trail records: every operation that sends a code (a check spends a try when wrong). */
export type AuditedOperation = "changePin" | "unblockPin" | "checkCode";

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
    /** The card table's row for the ATR, or "unknown". */
    knownAs: string;
    /** The codes of the first application (as `CardStatus.codes`). */
    codes: SupportCode[];
    /** Every application on the card, each with its codes. */
    applications: { app: AppFamily; serial: string | null; label: string | null; codes: SupportCode[] }[];
  } | null;
  cardError: { code: ErrorCode; support: string; atr: string | null } | null;
  lastOperation: {
    operation: AuditedOperation;
    codeId: string;
    /** The card's serial the operation was on (null where the card has none). */
    serial: string | null;
    result: "ok" | ErrorCode;
    support: string | null;
    triesLeft: number | null;
    at: string;
  } | null;
  policy: { file: string; valuesSet: number; problems: string[] };
  logDirectory: string;
  /** From policy; the report says a default sentence where there is no phone and no URL. */
  helpdesk: { phones: string[]; url: string | null; organisation: string | null };
  /** As CardStatus.certificateWarnings: absent or null = not read yet. */
  certificateWarnings?: CertificateWarning[] | null;
  /** The policy's certificateWarningDays; null: the policy has certificate warnings off. */
  certificateWarningDays?: number | null;
}

/** One code in the support report: never the code itself, only its state. */
export interface SupportCode {
  id: string;
  app: AppFamily;
  label: string;
  state: CodeState;
  triesLeft: number | null;
  /** false: the card gave no count ("antal försök okänt"). */
  triesKnown: boolean;
  maxTries: number | null;
}

export interface SupportResult {
  report: SupportReport;
  /** The report as numbered lines, in each language (what Copy puts on the clipboard). */
  text: Record<Language, string>;
}

/** `window.pinwarden`: the exposed calls of the table (contract/calls.ts) and two subscriptions. */
export interface PinwardenApi extends Omit<CallMethods, "latestStatus"> {
  /** Calls `listener` for every reader, card or navigation event until the returned function is called. */
  subscribe(listener: (event: AppEvent) => void): () => void;
  /**
   * Calls `listener` with the latest status the main process has (at once, if it has one)
   * and with every status it reads after a card event or an operation. The window never
   * reads the card for an event itself: one read per event, shared with the tray.
   */
  onStatus(listener: (status: StatusPush) => void): () => void;
}

declare global {
  interface Window {
    pinwarden?: PinwardenApi;
  }
}
