/**
 * Facts the views derive from a status: the applications on the card, and how a PIN is
 * unblocked. One copy for the tray (host/tray-state.ts) and the window (renderer/).
 */
import type { AppStatus, CardStatus, CodeStatus } from "./api.js";

/** Every application on the card with its own codes (a status from before applications: its own codes). */
export function applicationsOf(status: CardStatus): AppStatus[] {
  return status.applications?.length
    ? status.applications
    : [{ app: status.app ?? status.card.profile, serial: status.card.serial, label: status.card.label, codes: status.codes }];
}

/** The codes a PIN can be unblocked with: its own first (PUK; OpenPGP admin PIN), then the others. */
export function unblockersOf(pin: CodeStatus, codes: CodeStatus[]): CodeStatus[] {
  const ids = [pin.unblockedBy, ...(pin.alsoUnblockedBy ?? [])].filter((id): id is string => !!id);
  return ids.map((id) => codes.find((c) => c.id === id)).filter((c): c is CodeStatus => !!c);
}

/** Those a person can still use: not blocked, and set (an OpenPGP resetting code may be unset). */
export function usableUnblockers(pin: CodeStatus, codes: CodeStatus[]): CodeStatus[] {
  return unblockersOf(pin, codes).filter((c) => c.state !== "blocked" && c.state !== "unavailable");
}

/** A PIN the person can unlock now: unblockable, with an unblocking code still usable. */
export function canUnlockPin(pin: CodeStatus, codes: CodeStatus[]): boolean {
  return pin.kind === "pin" && pin.canUnblock && usableUnblockers(pin, codes).length > 0;
}

/** True unless some PIN on the card is unblocked with something other than a PUK (OpenPGP). */
export function cardUnblocksWithPuk(status: CardStatus | null): boolean {
  if (!status) return true;
  return applicationsOf(status).every((a) =>
    a.codes.filter((c) => c.kind === "pin" && c.canUnblock).every((c) => unblockedByPuk(c, a.codes)),
  );
}

/** True where a PIN is unblocked with a PUK; OpenPGP's admin PIN and resetting code are never called PUK. */
export function unblockedByPuk(pin: CodeStatus, codes: CodeStatus[]): boolean {
  return unblockersOf(pin, codes).every((c) => c.kind === "puk");
}
