/**
 * The day (local, YYYY-MM-DD) each card was last told about its certificates, by card, in
 * a small JSON file in the app's user-data directory: a certificate warning comes at most
 * once a day a card (issue 14). Nothing secret: a card serial (or ATR) and a date.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { CardStatus } from "../contract/api.js";
import { localDay } from "./local-time.js";

export const CERTIFICATE_NOTICES_FILE = "certificate-notices.json";

function readNotices(file: string): Record<string, string> {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as unknown;
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** The key a card is remembered by: its serial, an application's, else its ATR. */
export const cardKey = (status: CardStatus) =>
  status.card.serial ?? status.applications.find((a) => a.serial)?.serial ?? `atr-${status.card.atr}`;

/**
 * True (and the day written down) when this card has not been told today. A file that
 * cannot be written is reported to `onUnsaved` and the answer is still true: better said
 * twice in a day than not at all.
 */
export function noticeDue(file: string, card: string, now: Date, onUnsaved: (error: unknown) => void): boolean {
  const notices = readNotices(file);
  const today = localDay(now);
  if (notices[card] === today) return false;
  notices[card] = today;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(notices, null, 2));
  } catch (e) {
    onUnsaved(e);
  }
  return true;
}
