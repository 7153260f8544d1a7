/**
 * Every error a person can meet, by its stable code, with its class. The class is the one
 * fact the layers above decide by: the CLI's exit code, whether a card is there at all
 * (the store, the tray), whether the card's state is gone with it (the service drops what
 * it knew and reads nothing more), and which field of a wizard a refusal belongs to.
 * The words (support number, sv/en sentences) live in the catalogue
 * (native-bridge/service/error-catalog.ts) and the renderer's i18n, one row per code here.
 */
export const ERROR_CLASS = {
  PIN_WRONG: "wrong-code",
  PIN_BLOCKED: "blocked",
  PUK_WRONG: "wrong-code",
  PUK_BLOCKED: "blocked",
  ADMIN_PIN_WRONG: "wrong-code",
  ADMIN_PIN_BLOCKED: "blocked",
  RESET_CODE_WRONG: "wrong-code",
  RESET_CODE_BLOCKED: "blocked",
  CODE_NOT_DIGITS: "rejected-input",
  CODE_LENGTH: "rejected-input",
  CODE_SAME_AS_CURRENT: "rejected-input",
  CODE_WEAK: "rejected-input",
  CODE_CONFIRMATION_MISMATCH: "rejected-input",
  CODE_UNKNOWN: "usage",
  OPERATION_NOT_ALLOWED: "rejected-input",
  CARD_REFUSED_CODE: "rejected-input",
  CARD_REMOVED: "interrupted",
  CARD_RESET: "interrupted",
  NO_ANSWER: "interrupted",
  NO_CARD: "no-card",
  NO_READER: "no-card",
  READER_NOT_FOUND: "no-card",
  PCSC_UNAVAILABLE: "no-card",
  CARD_UNSUPPORTED: "card-unusable",
  CARD_IN_USE: "card-unusable",
  BUSY: "card-unusable",
  TIMEOUT: "interrupted",
  CARD_ERROR: "card-error",
  CARD_KDF_UNSUPPORTED: "card-unusable",
  CARD_CODE_FORMAT: "card-error",
  CARD_PATH_NOT_FOUND: "card-error",
  REQUEST_REJECTED: "usage",
  EXPORT_FAILED: "not-written",
} as const;

export type ErrorCode = keyof typeof ERROR_CLASS;
export type ErrorClass = (typeof ERROR_CLASS)[ErrorCode];
export const ERROR_CODES = Object.keys(ERROR_CLASS) as readonly ErrorCode[];

/** The CLI's exit code per class (README, docs/cli.md). */
export const EXIT = {
  ok: 0,
  usage: 2,
  wrongCode: 3,
  blocked: 4,
  rejectedInput: 5,
  noCard: 6,
  cardUnusable: 7,
  interrupted: 8,
  cardError: 9,
  notWritten: 10,
} as const;

const EXIT_OF_CLASS: Record<ErrorClass, number> = {
  usage: EXIT.usage,
  "wrong-code": EXIT.wrongCode,
  blocked: EXIT.blocked,
  "rejected-input": EXIT.rejectedInput,
  "no-card": EXIT.noCard,
  "card-unusable": EXIT.cardUnusable,
  interrupted: EXIT.interrupted,
  "card-error": EXIT.cardError,
  "not-written": EXIT.notWritten,
};

/**
 * The support number of the one error the page itself can meet without an answer from the
 * host (the bridge gave none): the catalogue uses this constant too, so there is one.
 */
export const NO_ANSWER_SUPPORT = "PW-313";

export const errorClass = (code: ErrorCode): ErrorClass => ERROR_CLASS[code];
export const exitCodeOf = (code: ErrorCode): number => EXIT_OF_CLASS[ERROR_CLASS[code]];
/** No card to talk to (no service, no reader, no card): nothing was read, nothing is shown as the card's. */
export const isNoCard = (code: ErrorCode): boolean => ERROR_CLASS[code] === "no-card";
/** The card went away or stopped answering mid-way: what was known about it is dropped. */
export const isInterrupted = (code: ErrorCode): boolean => ERROR_CLASS[code] === "interrupted";
/** The card said the code typed was wrong (a try was spent). */
export const isWrongCode = (code: ErrorCode): boolean => ERROR_CLASS[code] === "wrong-code";
/** The input was refused before or by the card for what it is (length, digits, weak, repeat, the card's own rule). */
export const isRejectedInput = (code: ErrorCode): boolean => ERROR_CLASS[code] === "rejected-input";
