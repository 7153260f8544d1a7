/**
 * What the tray shows: a state from the card monitor, an icon and tooltip for it, and the
 * right-click menu with each item enabled only where it can work. Pure functions; app.ts
 * hands them to Electron's Tray and Menu.
 */
import type { CardStatus, Language } from "../contract/api.js";
// The same rules the window applies (pure functions of a status), so tray and window agree.
import { applicationsOf, canUnlockPin, cardUnblocksWithPuk } from "../contract/codes.js";

export const TRAY_STATES = ["no-service", "no-reader", "no-card", "unsupported", "ready", "low", "blocked", "busy"] as const;
export type TrayState = (typeof TRAY_STATES)[number];

export interface MonitorSnapshot {
  serviceAvailable: boolean;
  readerCount: number;
  cardPresent: boolean;
  /** The status read after the last event; null while none could be read. */
  status: CardStatus | null;
  /** The error code of the last status read, when it failed. */
  error: string | null;
  busy: boolean;
}

export function trayStateOf(s: MonitorSnapshot): TrayState {
  if (s.busy) return "busy";
  if (!s.serviceAvailable) return "no-service";
  if (s.readerCount === 0) return "no-reader";
  if (!s.cardPresent) return "no-card";
  if (!s.status) return s.error === "CARD_UNSUPPORTED" ? "unsupported" : "no-card";
  // Every application's codes: a blocked OpenPGP PIN on a key whose PIV PIN is fine is still blocked.
  const codes = applicationsOf(s.status)
    .flatMap((a) => a.codes)
    .filter((c) => c.kind !== "reset");
  if (codes.some((c) => c.state === "blocked")) return "blocked";
  if (codes.some((c) => c.state === "low")) return "low";
  return "ready";
}

/** Icon file under assets/tray for a state; dark = a dark taskbar (light glyph). */
export function iconFile(state: TrayState, dark: boolean, platform: NodeJS.Platform): string {
  return `${state}-${dark ? "dark" : "light"}.${platform === "win32" ? "ico" : "png"}`;
}

const TOOLTIP: Record<Language, Record<TrayState, string>> = {
  sv: {
    "no-service": "Pinwarden – korttjänsten körs inte",
    "no-reader": "Pinwarden – ingen kortläsare",
    "no-card": "Pinwarden – sätt i ditt kort",
    unsupported: "Pinwarden – kortet stöds inte",
    ready: "Pinwarden – kortet är klart",
    low: "Pinwarden – en kod har bara ett försök kvar",
    blocked: "Pinwarden – en kod är spärrad",
    busy: "Pinwarden – arbetar, ta inte ut kortet",
  },
  en: {
    "no-service": "Pinwarden – the smart card service is not running",
    "no-reader": "Pinwarden – no card reader",
    "no-card": "Pinwarden – insert your card",
    unsupported: "Pinwarden – card not supported",
    ready: "Pinwarden – card ready",
    low: "Pinwarden – a code has one try left",
    blocked: "Pinwarden – a code is blocked",
    busy: "Pinwarden – working, do not remove the card",
  },
};

export const tooltipFor = (state: TrayState, language: Language) => TOOLTIP[language][state];

export interface MenuActions {
  change(): void;
  unlock(): void;
  status(): void;
  support(): void;
  about(): void;
  quit(): void;
}

export interface MenuItem {
  id: "change" | "unlock" | "status" | "support" | "about" | "quit" | "separator";
  label?: string;
  enabled?: boolean;
  type?: "separator";
  click?: () => void;
}

const LABELS: Record<Language, Record<Exclude<MenuItem["id"], "separator"> | "unlockNoPuk", string>> = {
  sv: {
    change: "Ändra säkerhetskod…",
    unlock: "Lås upp kort med PUK-kod…",
    unlockNoPuk: "Lås upp PIN-kod…",
    status: "Kortstatus",
    support: "Supportinformation",
    about: "Om",
    quit: "Avsluta",
  },
  en: {
    change: "Change PIN…",
    unlock: "Unlock with PUK…",
    unlockNoPuk: "Unlock PIN…",
    status: "Card status",
    support: "Support information",
    about: "About",
    quit: "Quit",
  },
};

/** Change needs a PIN that is not blocked, in any application; unlock a PIN with a usable unblocking code. */
export function canChange(s: MonitorSnapshot): boolean {
  if (s.busy || !s.status) return false;
  return applicationsOf(s.status).some((a) =>
    a.codes.some((c) => c.canChange && c.kind !== "reset" && c.kind !== "puk" && c.state !== "blocked"),
  );
}

export function canUnlock(s: MonitorSnapshot): boolean {
  if (s.busy || !s.status) return false;
  return applicationsOf(s.status).some((a) => a.codes.some((c) => canUnlockPin(c, a.codes)));
}

export function menuTemplate(s: MonitorSnapshot, language: Language, actions: MenuActions): MenuItem[] {
  const l = LABELS[language];
  return [
    { id: "change", label: l.change, enabled: canChange(s), click: actions.change },
    { id: "unlock", label: cardUnblocksWithPuk(s.status) ? l.unlock : l.unlockNoPuk, enabled: canUnlock(s), click: actions.unlock },
    { id: "separator", type: "separator" },
    { id: "status", label: l.status, enabled: true, click: actions.status },
    { id: "support", label: l.support, enabled: true, click: actions.support },
    { id: "about", label: l.about, enabled: true, click: actions.about },
    { id: "separator", type: "separator" },
    { id: "quit", label: l.quit, enabled: true, click: actions.quit },
  ];
}
