/** What CardService reports: plain data, safe to log, serialise and send over IPC. */
import type { CodeKind, Family } from "../profiles/profile.js";
import type { ErrorCode, ErrorDetails } from "./errors.js";

/** ok; low = one try left (warn before it); blocked; unknown = the card cannot tell. */
export type CodeState = "ok" | "low" | "blocked" | "unknown";

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
  card: { profile: Family; atr: string; serial: string | null; label: string | null };
  codes: CodeStatus[];
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

export function codeState(triesLeft: number | null): CodeState {
  if (triesLeft === null) return "unknown";
  if (triesLeft === 0) return "blocked";
  if (triesLeft === 1) return "low";
  return "ok";
}
