/** What the CLI prints: its own words, the status as text and JSON, errors and certificate lines. */
import type { Family } from "../contract/families.js";
import { localDay } from "../host/local-time.js";
import type { LoadedPolicy } from "../host/policy.js";
import type { CertificateWarning } from "../native-bridge/certs/types.js";
import { certificateWarnings, warningDays } from "../native-bridge/certs/warnings.js";
import type { CardService } from "../native-bridge/service/card-service.js";
import {
  APP_NAMES,
  certificateLine,
  CERTIFICATES,
  codeName,
  describeError,
  ERROR_CATALOG,
  type Language,
} from "../native-bridge/service/error-catalog.js";
import type { CardStatus, CodeStatus, ErrorInfo } from "../native-bridge/service/types.js";

export const TEXT = {
  en: {
    reader: "Reader",
    card: "Card",
    serial: "serial",
    noReaders: "No card readers.",
    cardPresent: "card present",
    empty: "empty",
    tries: (s: CodeStatus) =>
      !s.triesKnown || s.triesLeft === null
        ? "tries left unknown"
        : s.maxTries !== null
          ? `${s.triesLeft} of ${s.maxTries} tries left`
          : s.triesLeft === 1
            ? "1 try left"
            : `${s.triesLeft} tries left`,
    state: { ok: "", low: "  ONE TRY LEFT", blocked: "  BLOCKED", unknown: "", unavailable: "  NOT SET" },
    current: (l: string) => `Current PIN for ${l}: `,
    unblocker: { puk: "PUK (unlocking code): ", admin: "Admin PIN: ", reset: "Resetting code: ", pin: "PIN: " },
    next: (l: string) => `New PIN for ${l}: `,
    again: "Repeat the new PIN: ",
    lastTry: (l: string) => `Only one try is left for ${l}. A wrong code will block it. Continue? [y/N] `,
    unknownTries: (l: string) => `The card does not say how many tries are left for ${l}. A wrong code uses up one try. Continue? [y/N] `,
    application: "Application",
    cancelled: "Cancelled. Nothing was sent to the card.",
    changed: (l: string) => `The PIN for ${l} has been changed.`,
    unblocked: (l: string) => `${l} is unlocked with the new PIN.`,
    askedEnough: (n: number) => `Asked ${n} times. Nothing was sent to the card.`,
    checked: (l: string) => `The card accepted the current code for ${l}.`,
    cancelledChecked: "Cancelled. The card only checked the current code; nothing was changed.",
    askedEnoughChecked: (n: number) => `Asked ${n} times. The card only checked the current code; nothing was changed.`,
  },
  sv: {
    reader: "Kortläsare",
    card: "Kort",
    serial: "serienummer",
    noReaders: "Inga kortläsare.",
    cardPresent: "kort isatt",
    empty: "tom",
    tries: (s: CodeStatus) =>
      !s.triesKnown || s.triesLeft === null
        ? "antal försök okänt"
        : s.maxTries !== null
          ? `${s.triesLeft} av ${s.maxTries} försök kvar`
          : `${s.triesLeft} försök kvar`,
    state: { ok: "", low: "  ETT FÖRSÖK KVAR", blocked: "  SPÄRRAD", unknown: "", unavailable: "  INTE SATT" },
    current: (l: string) => `Nuvarande säkerhetskod för ${l}: `,
    unblocker: { puk: "PUK-kod (upplåsningskod): ", admin: "Administratörs-PIN: ", reset: "Återställningskod: ", pin: "PIN-kod: " },
    next: (l: string) => `Ny säkerhetskod för ${l}: `,
    again: "Upprepa den nya säkerhetskoden: ",
    lastTry: (l: string) => `Endast ett försök återstår för ${l}. Skriver du fel spärras koden. Fortsätta? [j/N] `,
    unknownTries: (l: string) =>
      `Kortet visar inte hur många försök som återstår för ${l}. En felaktig kod förbrukar ett försök. Fortsätta? [j/N] `,
    application: "Applikation",
    cancelled: "Avbrutet. Inget skickades till kortet.",
    changed: (l: string) => `Säkerhetskoden för ${l} är ändrad.`,
    unblocked: (l: string) => `${l} är upplåst med den nya säkerhetskoden.`,
    askedEnough: (n: number) => `Frågat ${n} gånger. Inget skickades till kortet.`,
    checked: (l: string) => `Kortet har godkänt den nuvarande koden för ${l}.`,
    cancelledChecked: "Avbrutet. Kortet kontrollerade bara den nuvarande koden; inget ändrades.",
    askedEnoughChecked: (n: number) => `Frågat ${n} gånger. Kortet kontrollerade bara den nuvarande koden; inget ändrades.`,
  },
} as const;

export function errorJson(error: ErrorInfo, lang: Language, name?: string) {
  const message = describeError(error.code, error, lang, name ? { name } : {});
  return { error: { ...error, support: ERROR_CATALOG[error.code].support, message } };
}

export const nameOf = (c: CodeStatus, lang: Language) => codeName(c, lang);

/** `only`: one application; `codes`: only these codes (after a change: the ones it touched). */
export function formatStatus(s: CardStatus, lang: Language, only?: Family, codes?: readonly string[]): string {
  const t = TEXT[lang];
  const apps = s.applications.filter((a) => only === undefined || a.app === only);
  const lines = [`${t.reader}: ${s.reader}`];
  const several = s.applications.length > 1;
  if (!several) {
    lines.push(`${t.card}: ${APP_NAMES[lang][s.card.profile]}${s.card.serial ? `, ${t.serial} ${s.card.serial}` : ""}, ATR ${s.card.atr}`);
  } else {
    lines.push(`${t.card}: ATR ${s.card.atr}`);
  }
  const title = (c: CodeStatus) => `${nameOf(c, lang)} [${c.id}]`;
  const width = Math.max(...apps.flatMap((a) => a.codes.map((c) => title(c).length)));
  for (const a of apps) {
    if (several) lines.push(`${t.application}: ${APP_NAMES[lang][a.app]}${a.serial ? `, ${t.serial} ${a.serial}` : ""}`);
    for (const c of a.codes.filter((x) => !codes || codes.includes(x.id)))
      lines.push(`  ${title(c).padEnd(width)}  ${t.tries(c)}${t.state[c.state]}`);
  }
  return lines.join("\n") + "\n";
}

function codeJson(c: CodeStatus) {
  return {
    id: c.id,
    label: c.label,
    kind: c.kind,
    triesLeft: c.triesLeft,
    triesKnown: c.triesKnown,
    maxTries: c.maxTries,
    blocked: c.blocked,
    state: c.state,
  };
}

/**
 * `status`'s certificate warnings: read after the status, by the policy's days; [] with the
 * warning off (nothing read); null where the certificates could not be read (unknown).
 */
export async function statusCertificateWarnings(
  service: CardService,
  target: { reader?: string; app?: Family },
  policy: LoadedPolicy["policy"],
): Promise<CertificateWarning[] | null> {
  const days = warningDays(policy);
  if (days === null) return [];
  const read = await service.certificates(target);
  return read.ok ? certificateWarnings(read.value.certificates, days) : null;
}

/** A line per warning, "Underskrift – certifikatet går ut om 41 dagar"; unknown: one line saying so. */
export function formatCertificateWarnings(warnings: CertificateWarning[] | null, lang: Language): string {
  const t = CERTIFICATES[lang];
  if (warnings === null) return `${t.heading}: ${t.notRead}\n`;
  if (warnings.length === 0) return "";
  return (
    warnings.map((w) => `${certificateLine(w, lang)} (${t.until.replace("{date}", localDay(new Date(w.notAfter)))})\n`).join("") +
    t.renew +
    "\n"
  );
}

/** `codes` are those of `app`; `applications` lists every application on the card. */
export function statusJson(s: CardStatus) {
  return {
    reader: s.reader,
    card: s.card,
    app: s.app,
    codes: s.codes.map(codeJson),
    applications: s.applications.map((a) => ({ app: a.app, serial: a.serial, label: a.label, codes: a.codes.map(codeJson) })),
  };
}

/** "status, change-pin and unblock-pin" / "…och unblock-pin". */
export const listOf = (items: string[], lang: Language) =>
  items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} ${lang === "sv" ? "och" : "and"} ${items.at(-1)}`;
