/** What CardService reports: plain data, safe to log, serialise and send over IPC. */
import type { Family } from "../../contract/families.js";
import type { ErrorDetails } from "../core/errors.js";
import type * as Contract from "../../contract/api.js";
import type { CodeKind } from "../../contract/api.js";
import type { ErrorCode } from "../../contract/errors.js";

/**
 * The statuses the service reports are the contract's (contract/api.ts), with what the
 * service always knows made required: each code's application, and every application.
 */
export type CodeState = Contract.CodeState;
export type CodeStatus = Contract.CodeStatus & { app: Family };
export type AppStatus = Omit<Contract.AppStatus, "codes"> & { codes: CodeStatus[] };
export type CardStatus = Omit<Contract.CardStatus, "codes" | "applications"> & { codes: CodeStatus[]; applications: AppStatus[] };

export interface ErrorInfo extends ErrorDetails {
  code: ErrorCode;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo; status?: CardStatus };

export interface ReaderInfo {
  name: string;
  cardPresent: boolean;
  atr: string | null;
}

export type Operation = "status" | Contract.AuditedOperation;

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
