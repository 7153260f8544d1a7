/** What CardService reports: plain data, safe to log, serialise and send over IPC. */
import type { CodeKind, Family } from "../profiles/profile.js";
import type { ErrorCode, ErrorDetails } from "./errors.js";

/**
 * ok; low = one try left (warn before it); blocked; unknown = the card cannot tell;
 * unavailable = a code that is not set: an OpenPGP resetting code (its counter reads 0 from
 * the start), a PKCS#15 PIN whose AODF entry is not initialized.
 */
export type CodeState = "ok" | "low" | "blocked" | "unknown" | "unavailable";

export interface CodeStatus {
  id: string;
  /** The application the code belongs to (ids are per application: PIV's "auth" is not PKCS#15's). */
  app: Family;
  label: string;
  kind: CodeKind;
  /** null = the card does not say (or could not be asked without risking a try). */
  triesLeft: number | null;
  /** triesLeft !== null: the count came from the card (read, or its answer to an operation). */
  triesKnown: boolean;
  /** The limit, from the card or a documented fact about it; null = not known. */
  maxTries: number | null;
  blocked: boolean;
  state: CodeState;
  minLength: number;
  maxLength: number;
  numeric: boolean;
  /** What a current code may hold: "digits" only where the card's encoding needs it. */
  charset: "digits" | "any";
  unblockedBy?: string;
  /** Other codes the person may unblock this one with (OpenPGP: the resetting code). */
  alsoUnblockedBy?: string[];
  canChange: boolean;
  canUnblock: boolean;
  /**
   * The current code can be checked on the card (CardService.checkCode) before a change:
   * one VERIFY, the try the change would have cost. false: the change itself checks it.
   */
  canCheck: boolean;
}

/** One application on the card (a security key carries PIV and OpenPGP side by side). */
export interface AppStatus {
  app: Family;
  serial: string | null;
  label: string | null;
  codes: CodeStatus[];
}

export interface CardStatus {
  reader: string;
  /** `profile` is the application `codes` belong to; `knownAs`: the card-knowledge row ("unknown"). */
  card: { profile: Family; atr: string; serial: string | null; label: string | null; knownAs: string };
  /** The application this status is about (the one asked for, else the first). */
  app: Family;
  codes: CodeStatus[];
  /** Every application found on the card, in the policy's order, this one included. */
  applications: AppStatus[];
}

export interface ErrorInfo extends ErrorDetails {
  code: ErrorCode;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo; status?: CardStatus };

export interface ReaderInfo {
  name: string;
  cardPresent: boolean;
  atr: string | null;
}

export type Operation = "status" | "changePin" | "unblockPin";

/** One line of the audit trail: never a code, only what happened to which code. */
export interface AuditEvent {
  operation: Exclude<Operation, "status">;
  codeId: string;
  reader: string;
  serial: string | null;
  result: "ok" | ErrorCode;
  triesLeft: number | null;
}

export function codeState(triesLeft: number | null, kind: CodeKind): CodeState {
  if (triesLeft === null) return "unknown";
  // OpenPGP reports an unset resetting code with a counter of 0: not a blocked code.
  if (triesLeft === 0) return kind === "reset" ? "unavailable" : "blocked";
  if (triesLeft === 1) return "low";
  return "ok";
}
