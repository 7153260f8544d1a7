/**
 * What the tray shows: a state from the card monitor, an icon and tooltip for it, and the
 * right-click menu with each item enabled only where it can work, and the certificates that
 * expire soon (issue 14). Pure functions; app.ts hands them to Electron's Tray and Menu. The
 * words are the one catalogue's (error-catalog.ts TRAY, CERTIFICATES).
 */
import { certificateLine, TRAY } from "../native-bridge/service/error-catalog.js";
import type { CardStatus, CertificateWarning, Language } from "../contract/api.js";
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

export const tooltipFor = (state: TrayState, language: Language) => TRAY[language].tooltip[state];

/** The certificates to warn about in the last status: none while not read (or none to say). */
export const certificateWarningsOf = (s: MonitorSnapshot): CertificateWarning[] => (s.busy ? [] : (s.status?.certificateWarnings ?? []));

/**
 * The tooltip with the soonest certificate warning after it (issue 14): "Pinwarden – kortet är
 * klart · Underskrift – certifikatet går ut om 41 dagar". Only where the card is read.
 */
export function tooltipWithCertificates(s: MonitorSnapshot, language: Language): string {
  const state = trayStateOf(s);
  const first = certificateWarningsOf(s)[0];
  const base = tooltipFor(state, language);
  return first && ["ready", "low", "blocked"].includes(state) ? `${base} · ${certificateLine(first, language)}` : base;
}

export interface MenuActions {
  change(): void;
  unlock(): void;
  status(): void;
  support(): void;
  about(): void;
  quit(): void;
}

export interface MenuItem {
  /** `certificate-N`: a line saying the Nth certificate warning; it opens the status view. */
  id: "change" | "unlock" | "status" | "support" | "about" | "quit" | "separator" | `certificate-${number}`;
  label?: string;
  enabled?: boolean;
  type?: "separator";
  click?: () => void;
}

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
  const l = TRAY[language].menu;
  const certificates: MenuItem[] = certificateWarningsOf(s).map((w, i) => ({
    id: `certificate-${i}`,
    label: certificateLine(w, language),
    enabled: true,
    click: actions.status,
  }));
  return [
    ...certificates,
    ...(certificates.length ? [{ id: "separator", type: "separator" } as const] : []),
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
