/**
 * The error every card layer throws: a stable code (contract/errors.ts, with its class)
 * and details that are safe to log. The support number and the sentences live in the
 * catalogue (service/error-catalog.ts).
 */
import type { ErrorCode } from "../../contract/errors.js";

/** What an error may carry besides its code. Never a code the user typed. */
export interface ErrorDetails {
  triesLeft?: number | null;
  /** Which code the error is about (e.g. "auth", "puk"). */
  codeId?: string;
  /** Allowed length range, for CODE_LENGTH. */
  minLength?: number;
  maxLength?: number;
  /** The card's ATR in hex, for CARD_UNSUPPORTED. */
  atr?: string;
  /** A status word or PC/SC code in hex, for support. */
  technical?: string;
  reader?: string;
}

export class PinwardenError extends Error {
  override readonly name = "PinwardenError";
  constructor(
    readonly code: ErrorCode,
    readonly details: ErrorDetails = {},
  ) {
    // The message is the code plus non-secret details; it is safe to log.
    super(`${code}${Object.keys(details).length ? ` ${JSON.stringify(details)}` : ""}`);
  }

  toJSON(): { code: ErrorCode } & ErrorDetails {
    return { code: this.code, ...this.details };
  }
}

export const isPinwardenError = (e: unknown): e is PinwardenError => e instanceof PinwardenError;
