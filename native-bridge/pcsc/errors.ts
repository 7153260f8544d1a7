/** Maps PC/SC return codes (as the pcsclite binding reports them) to Pinwarden errors. */
import { PinwardenError } from "../core/errors.js";
import type { ErrorCode } from "../../contract/errors.js";

/** SCARD_* values from pcsclite.h / winscard.h that lead somewhere specific. */
const PCSC_CODES: Record<number, ErrorCode> = {
  0x8010000a: "TIMEOUT", // SCARD_E_TIMEOUT
  0x8010000b: "CARD_IN_USE", // SCARD_E_SHARING_VIOLATION
  0x8010000c: "NO_CARD", // SCARD_E_NO_SMARTCARD
  0x80100016: "CARD_ERROR", // SCARD_E_NOT_TRANSACTED: ending a transaction this handle does not hold
  0x80100009: "READER_NOT_FOUND", // SCARD_E_UNKNOWN_READER
  0x80100017: "NO_READER", // SCARD_E_READER_UNAVAILABLE
  0x8010001d: "PCSC_UNAVAILABLE", // SCARD_E_NO_SERVICE
  0x8010001e: "PCSC_UNAVAILABLE", // SCARD_E_SERVICE_STOPPED
  0x8010002e: "NO_READER", // SCARD_E_NO_READERS_AVAILABLE
  0x80100066: "CARD_ERROR", // SCARD_W_UNRESPONSIVE_CARD
  0x80100067: "CARD_REMOVED", // SCARD_W_UNPOWERED_CARD
  0x80100068: "CARD_RESET", // SCARD_W_RESET_CARD: another program reset the card
  0x80100069: "CARD_REMOVED", // SCARD_W_REMOVED_CARD
  0x80100003: "CARD_REMOVED", // SCARD_E_INVALID_HANDLE: our handle died with the card
  0x80100013: "CARD_REMOVED", // SCARD_F_COMM_ERROR
  0x8010002f: "CARD_REMOVED", // SCARD_E_COMM_DATA_LOST
};

/** The hex PC/SC code in a binding error message, e.g. "SCardConnect error: ...(0x8010000b)". */
export function pcscCodeOf(error: unknown): number | undefined {
  const text = error instanceof Error ? error.message : String(error);
  const m = /\(0x([0-9a-fA-F]{8})\)/.exec(text);
  return m ? parseInt(m[1]!, 16) : undefined;
}

export function toPinwardenError(error: unknown, fallback: ErrorCode = "CARD_ERROR", reader?: string): PinwardenError {
  if (error instanceof PinwardenError) return error;
  const code = pcscCodeOf(error);
  const technical = code !== undefined ? `0x${code.toString(16)}` : error instanceof Error ? error.message.slice(0, 120) : undefined;
  const mapped = code !== undefined ? PCSC_CODES[code] : undefined;
  const details: { technical?: string; reader?: string } = {};
  if (technical) details.technical = technical;
  if (reader) details.reader = reader;
  return new PinwardenError(mapped ?? fallback, details);
}
