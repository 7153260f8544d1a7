/**
 * Every error a user can meet, with its stable code. The support number (PW-xxx),
 * the CLI exit code and the sentences in Swedish and English live in the catalogue
 * next to it (errors-catalog.ts) so the CLI, the UI and docs/error-codes.md agree.
 */
export const ERROR_CODES = [
  "PIN_WRONG",
  "PIN_BLOCKED",
  "PUK_WRONG",
  "PUK_BLOCKED",
  "ADMIN_PIN_WRONG",
  "ADMIN_PIN_BLOCKED",
  "RESET_CODE_WRONG",
  "RESET_CODE_BLOCKED",
  "CODE_NOT_DIGITS",
  "CODE_LENGTH",
  "CODE_SAME_AS_CURRENT",
  "CODE_WEAK",
  "CODE_CONFIRMATION_MISMATCH",
  "CODE_UNKNOWN",
  "OPERATION_NOT_ALLOWED",
  "CARD_REFUSED_CODE",
  "CARD_REMOVED",
  "CARD_RESET",
  "NO_CARD",
  "NO_READER",
  "READER_NOT_FOUND",
  "PCSC_UNAVAILABLE",
  "CARD_UNSUPPORTED",
  "CARD_IN_USE",
  "BUSY",
  "TIMEOUT",
  "CARD_ERROR",
  "CARD_KDF_UNSUPPORTED",
  "CARD_CODE_FORMAT",
  "CARD_PATH_NOT_FOUND",
  "REQUEST_REJECTED",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

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
