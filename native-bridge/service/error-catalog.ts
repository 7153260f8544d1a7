/**
 * The text catalogue every surface outside the renderer speaks from: per error code the
 * support number read aloud on the phone, the CLI's exit code and the sentence in Swedish
 * and English; the names the app gives each code; the checks' sentences; the CLI's usage
 * errors. The renderer keeps its own copy (renderer/src/i18n, which may import nothing
 * from here); tests/unit/catalogue-consistency.test.ts fails where the two differ.
 * `{triesLeft}`, `{minLength}`, `{maxLength}` and the like are filled in from the details.
 * A third language is one more key in each table.
 */
import { ERROR_CODES, EXIT, exitCodeOf, NO_ANSWER_SUPPORT, type ErrorCode } from "../../contract/errors.js";
import type { Family } from "../../contract/families.js";
import type { ErrorDetails } from "../core/errors.js";

export type Language = "sv" | "en";
export const LANGUAGES: readonly Language[] = ["sv", "en"];

export interface CatalogEntry {
  support: string;
  exitCode: number;
  sv: string;
  en: string;
}

export { EXIT };

/** Each code's support number and sentences; its exit code follows from its class (contract/errors.ts). */
const ERROR_TEXTS: Record<ErrorCode, Omit<CatalogEntry, "exitCode">> = {
  PIN_WRONG: {
    support: "PW-101",
    sv: "Fel säkerhetskod för {code}. Försök kvar: {triesLeft}.",
    en: "Wrong PIN for {code}. Tries left: {triesLeft}.",
  },
  PIN_BLOCKED: {
    support: "PW-102",
    sv: "Säkerhetskoden för {code} är spärrad. Lås upp den med din PUK-kod.",
    en: "The PIN for {code} is blocked. Unlock it with your PUK.",
  },
  PUK_WRONG: {
    support: "PW-201",
    sv: "Fel PUK-kod. Försök kvar: {triesLeft}.",
    en: "Wrong PUK. Tries left: {triesLeft}.",
  },
  PUK_BLOCKED: {
    support: "PW-202",
    sv: "PUK-koden är spärrad. Kortet måste bytas ut eller återställas av en administratör.",
    en: "The PUK is blocked. The card must be replaced or reset by an administrator.",
  },
  // OpenPGP cards have no PUK: an admin PIN (PW3) and a resetting code (spec 3.4 §4.3).
  ADMIN_PIN_WRONG: {
    support: "PW-203",
    sv: "Fel administratörs-PIN. Försök kvar: {triesLeft}.",
    en: "Wrong admin PIN. Tries left: {triesLeft}.",
  },
  ADMIN_PIN_BLOCKED: {
    support: "PW-204",
    sv: "Administratörs-PIN-koden är spärrad. Kortets OpenPGP-del kan bara fabriksåterställas, och då raderas nycklarna.",
    en: "The admin PIN is blocked. The card's OpenPGP application can only be reset to factory settings, which erases its keys.",
  },
  RESET_CODE_WRONG: {
    support: "PW-205",
    sv: "Fel återställningskod. Försök kvar: {triesLeft}.",
    en: "Wrong resetting code. Tries left: {triesLeft}.",
  },
  RESET_CODE_BLOCKED: {
    support: "PW-206",
    sv: "Återställningskoden är spärrad eller inte satt. Lås upp med administratörs-PIN-koden i stället.",
    en: "The resetting code is blocked or not set. Unblock with the admin PIN instead.",
  },
  CODE_NOT_DIGITS: {
    support: "PW-402",
    sv: "Koden får bara innehålla siffror.",
    en: "The code may contain digits only.",
  },
  CODE_LENGTH: {
    support: "PW-403",
    sv: "Koden har fel längd.",
    en: "The code has the wrong length.",
  },
  CODE_SAME_AS_CURRENT: {
    support: "PW-404",
    sv: "Den nya koden får inte vara samma som den nuvarande.",
    en: "The new code must differ from the current one.",
  },
  CODE_WEAK: {
    support: "PW-401",
    sv: "Koden är för enkel. Välj en annan.",
    en: "The code is too simple. Choose another.",
  },
  CODE_CONFIRMATION_MISMATCH: {
    support: "PW-408",
    sv: "Koderna är inte lika.",
    en: "The codes differ.",
  },
  CODE_UNKNOWN: {
    support: "PW-405",
    sv: "Kortet har ingen sådan kod.",
    en: "The card has no such code.",
  },
  OPERATION_NOT_ALLOWED: {
    support: "PW-406",
    sv: "Den här åtgärden är inte tillåten för den här koden.",
    en: "This operation is not allowed for this code.",
  },
  CARD_REFUSED_CODE: {
    support: "PW-407",
    sv: "Kortet godtog inte den nya koden. Välj en annan kod.",
    en: "The card did not accept the new code. Choose another code.",
  },
  CARD_REMOVED: {
    support: "PW-301",
    sv: "Kortet togs ut under åtgärden. Sätt i kortet igen och kontrollera kortstatus.",
    en: "The card was removed during the operation. Insert it again and check the card status.",
  },
  NO_ANSWER: {
    support: NO_ANSWER_SUPPORT,
    sv: "Pinwarden fick inget svar på åtgärden. Den kan ha gått igenom: kontrollera kortstatus innan du försöker igen.",
    en: "Pinwarden got no answer to the operation. It may have gone through: check the card status before you try again.",
  },
  CARD_RESET: {
    support: "PW-306",
    sv: "Ett annat program återställde kortet. Kontrollera kortstatus och försök igen.",
    en: "Another program reset the card. Check the card status and try again.",
  },
  NO_CARD: {
    support: "PW-305",
    sv: "Sätt i ditt kort i kortläsaren.",
    en: "Insert your card in the card reader.",
  },
  NO_READER: {
    support: "PW-302",
    sv: "Ingen kortläsare hittades. Anslut kortläsaren.",
    en: "No card reader found. Connect the card reader.",
  },
  READER_NOT_FOUND: {
    support: "PW-307",
    sv: "Kortläsaren hittades inte.",
    en: "The card reader was not found.",
  },
  PCSC_UNAVAILABLE: {
    support: "PW-303",
    sv: "Korttjänsten (PC/SC) körs inte. Starta om datorn eller kontakta IT-supporten.",
    en: "The smart card service (PC/SC) is not running. Restart the computer or contact IT support.",
  },
  CARD_UNSUPPORTED: {
    support: "PW-304",
    sv: "Kortet stöds inte av Pinwarden.",
    en: "This card is not supported by Pinwarden.",
  },
  CARD_IN_USE: {
    support: "PW-308",
    sv: "Ett annat program använder kortet. Stäng det och försök igen.",
    en: "Another program is using the card. Close it and try again.",
  },
  BUSY: {
    support: "PW-309",
    sv: "En annan åtgärd pågår redan på kortet. Vänta tills den är klar och försök igen.",
    en: "Another operation is already running on the card. Wait until it has finished and try again.",
  },
  TIMEOUT: {
    support: "PW-310",
    sv: "Kortet svarade inte i tid. Ta ut kortet, sätt i det igen och kontrollera kortstatus.",
    en: "The card did not answer in time. Remove and reinsert it, then check the card status.",
  },
  REQUEST_REJECTED: {
    support: "PW-499",
    sv: "Begäran avvisades. Starta om Pinwarden och försök igen.",
    en: "The request was refused. Restart Pinwarden and try again.",
  },
  CARD_ERROR: {
    support: "PW-311",
    sv: "Kortet svarade oväntat. Kontakta IT-supporten och uppge felkoden.",
    en: "The card gave an unexpected answer. Contact IT support and give the error code.",
  },
  CARD_KDF_UNSUPPORTED: {
    support: "PW-320",
    sv: "Kortet skyddar sina koder med en metod (KDF) som Pinwarden inte kan. Ingen kod skickades till kortet. Kontakta IT-supporten.",
    en: "The card protects its codes with a method (KDF) Pinwarden does not support. No code was sent to the card. Contact IT support.",
  },
  CARD_CODE_FORMAT: {
    support: "PW-321",
    sv: "Kortet godtog inte kodens format (längd eller kodning). Kontakta IT-supporten och uppge felkoden.",
    en: "The card did not accept the code's format (length or encoding). Contact IT support and give the error code.",
  },
  EXPORT_FAILED: {
    support: "PW-330",
    sv: "Diagnostikfilen kunde inte sparas. Kontrollera att det finns plats i mappen Hämtade filer, eller kopiera supportinformationen i stället.",
    en: "The diagnostics file could not be saved. Check that there is space in the Downloads folder, or copy the support information instead.",
  },
  CARD_PATH_NOT_FOUND: {
    support: "PW-322",
    sv: "Kortet hittade inte mappen där koden finns. Ingen kod skickades till kortet. Kontakta IT-supporten och uppge felkoden.",
    en: "The card could not find the folder that holds the code. No code was sent to the card. Contact IT support and give the error code.",
  },
};

export const ERROR_CATALOG = Object.fromEntries(
  ERROR_CODES.map((code) => [code, { ...ERROR_TEXTS[code], exitCode: exitCodeOf(code) }]),
) as Record<ErrorCode, CatalogEntry>;

/** Said in place of "Tries left: N." when the card's answer carried no count (6300). */
export const NO_COUNT: Record<Language, string> = {
  sv: "Kortet visar inte hur många försök som återstår.",
  en: "The card does not say how many tries are left.",
};
const TRIES_CLAUSE = /(Försök kvar|Tries left): \{triesLeft\}\./;

/** What the checks before sending say, as the wizard says them (renderer validation.*). */
export const VALIDATION: Record<
  Language,
  Record<"length" | "lengthRange" | "lengthChars" | "lengthRangeChars" | "digits" | "mismatch" | "same" | "weak", string>
> = {
  sv: {
    length: "Koden ska vara {min} siffror.",
    lengthRange: "Koden ska vara {min}–{max} siffror.",
    lengthChars: "Koden ska vara {min} tecken.",
    lengthRangeChars: "Koden ska vara {min}–{max} tecken.",
    digits: "Koden får bara innehålla siffror.",
    mismatch: "Koderna är inte lika. Skriv den nya koden två gånger.",
    same: "Den nya koden får inte vara samma som den nuvarande.",
    weak: "Koden är för enkel (samma siffra eller en sifferföljd som 123456). Välj en annan.",
  },
  en: {
    length: "The code must be {min} digits.",
    lengthRange: "The code must be {min}–{max} digits.",
    lengthChars: "The code must be {min} characters.",
    lengthRangeChars: "The code must be {min}–{max} characters.",
    digits: "The code may contain digits only.",
    mismatch: "The codes differ. Type the new code twice.",
    same: "The new code must differ from the current one.",
    weak: "The code is too simple (one repeated digit or a run like 123456). Choose another.",
  },
};

const fill = (text: string, values: Record<string, unknown>) =>
  text.replace(/\{(\w+)\}/g, (_, key: string) => {
    const v = values[key];
    return v === undefined || v === null ? "" : String(v);
  });

/** "Koden ska vara 6 siffror." / "…4–8 tecken.": the length rule with its real numbers. */
export function lengthSentence(min: number, max: number, digits: boolean, language: Language): string {
  const v = VALIDATION[language];
  const text = min === max ? (digits ? v.length : v.lengthChars) : digits ? v.lengthRange : v.lengthRangeChars;
  return fill(text, { min, max });
}

/**
 * An error in the user's words with its support number. `name`: the code it is about, as
 * the app names it (else "the code"). CODE_LENGTH with its bounds says them (as the wizard
 * does: `digits` false says "characters"); without them it says only that the length is
 * wrong, never "?–?".
 */
export function describeError(
  code: ErrorCode,
  details: ErrorDetails,
  language: Language,
  options: { digits?: boolean; name?: string } = {},
): string {
  const entry = ERROR_CATALOG[code];
  let sentence = entry[language];
  if (code === "CODE_LENGTH" && details.minLength !== undefined && details.maxLength !== undefined) {
    sentence = lengthSentence(details.minLength, details.maxLength, options.digits ?? true, language);
  }
  // Never "Tries left: ?": where the count is unknown, say so.
  if (details.triesLeft === null || details.triesLeft === undefined) sentence = sentence.replace(TRIES_CLAUSE, NO_COUNT[language]);
  const values = { ...details, code: options.name ?? CODE_NAMES[language].generic };
  return `${fill(sentence, values)} (${entry.support})`;
}

/** The names the app gives each code (renderer codes.*); a family's own table first. */
export const CODE_NAMES = {
  sv: {
    auth: "Legitimering",
    sign: "Underskrift",
    puk: "PUK-kod (upplåsningskod)",
    user: "PIN-kod",
    admin: "Administratörs-PIN",
    reset: "Återställningskod",
    piv: { auth: "PIV-PIN", puk: "PIV-PUK" },
    generic: "koden",
  },
  en: {
    auth: "Identification",
    sign: "Signing",
    puk: "PUK (unlocking code)",
    user: "PIN",
    admin: "Admin PIN",
    reset: "Resetting code",
    piv: { auth: "PIV PIN", puk: "PIV PUK" },
    generic: "the code",
  },
} satisfies Record<Language, Record<string, string | Record<string, string>>>;

/** The applications as the app names them (renderer status.apps). */
export const APP_NAMES: Record<Language, Record<Family, string>> = {
  sv: { pkcs15: "eID (PKCS#15)", piv: "PIV", openpgp: "OpenPGP" },
  en: { pkcs15: "eID (PKCS#15)", piv: "PIV", openpgp: "OpenPGP" },
};

/**
 * A code's name as the app shows it (renderer useCodeName): the application's own name for
 * the id, else the common one (never for PIV, whose "auth" is its PIN, not Legitimering),
 * else the card's own label.
 */
export function codeName(code: { id: string; label: string; app?: string }, language: Language): string {
  const names = CODE_NAMES[language] as Record<string, string | Record<string, string>>;
  const own = code.app !== undefined ? names[code.app] : undefined;
  if (typeof own === "object" && typeof own[code.id] === "string") return own[code.id]!;
  const common = code.id === "generic" ? undefined : names[code.id];
  return code.app !== "piv" && typeof common === "string" ? common : code.label;
}

/** The CLI's usage errors: a support number each (5xx), the sentence, and what support does. */
export const USAGE_ERRORS = {
  UNKNOWN_COMMAND: {
    support: "PW-501",
    sv: "Okänt kommando: {command}.",
    en: "Unknown command: {command}.",
    action: { sv: "Be användaren köra pinwarden --help.", en: "Ask the user to run pinwarden --help." },
  },
  UNKNOWN_OPTION: {
    support: "PW-502",
    sv: "Okänt alternativ: {option}.",
    en: "Unknown option: {option}.",
    action: { sv: "Be användaren köra pinwarden --help.", en: "Ask the user to run pinwarden --help." },
  },
  OPTION_VALUE: {
    support: "PW-503",
    sv: "{option} används fel: {problem}.",
    en: "{option} is used wrongly: {problem}.",
    action: { sv: "Jämför kommandot med användningsraden.", en: "Compare the command with the usage line." },
  },
  CODE_ON_COMMAND_LINE: {
    support: "PW-504",
    sv: "Pinwarden tar aldrig emot koder på kommandoraden (de skulle synas i processlistan): den frågar efter dem, eller använd --stdin.",
    en: "Pinwarden never takes codes on the command line (they would show in the process list): it asks for them, or use --stdin.",
    action: {
      sv: "Koden kan ha synts för andra på datorn: föreslå att användaren byter den. Fråga aldrig efter koden.",
      en: "The code may have been visible to others on the computer: suggest the user changes it. Never ask for the code.",
    },
  },
  NEEDS_PIN: {
    support: "PW-505",
    sv: "{command} behöver --pin ID (id:n står i pinwarden status).",
    en: "{command} needs --pin ID (pinwarden status shows the ids).",
    action: {
      sv: "Be användaren köra pinwarden status och läsa upp id:n.",
      en: "Ask the user to run pinwarden status and read out the ids.",
    },
  },
  BAD_LANG: {
    support: "PW-506",
    sv: "--lang tar sv eller en.",
    en: "--lang takes sv or en.",
    action: { sv: "Använd --lang sv eller --lang en.", en: "Use --lang sv or --lang en." },
  },
  BAD_APP: {
    support: "PW-507",
    sv: "--app tar {values}.",
    en: "--app takes {values}.",
    action: { sv: "Se Applikation i pinwarden status.", en: "See Application in pinwarden status." },
  },
  NOT_WITH_COMMAND: {
    support: "PW-508",
    sv: "{option} hör till {commands}.",
    en: "{option} goes with {commands}.",
    action: { sv: "Jämför kommandot med användningsraden.", en: "Compare the command with the usage line." },
  },
  CHOOSE_UNBLOCKER: {
    support: "PW-509",
    sv: "{name} kan låsas upp med mer än en kod: ange vilken med --with {ids}.",
    en: "{name} can be unlocked with more than one code: say which with --with {ids}.",
    action: {
      sv: "Administratörs-PIN (--with admin) eller återställningskod (--with reset): den användaren har.",
      en: "Admin PIN (--with admin) or resetting code (--with reset): the one the user has.",
    },
  },
  NO_TERMINAL: {
    support: "PW-510",
    sv: "Ingen terminal att fråga efter koderna i: använd --stdin.",
    en: "No terminal to ask for the codes on: use --stdin.",
    action: { sv: "Kör i en terminal, eller skicka koderna med --stdin.", en: "Run it in a terminal, or give the codes with --stdin." },
  },
  STDIN_LINES: {
    support: "PW-511",
    sv: "--stdin väntar två rader: den nuvarande koden (eller PUK-koden) och den nya koden.",
    en: "--stdin expects two lines: the current code (or PUK) and the new code.",
    action: { sv: "Två rader på standard in, en kod per rad.", en: "Two lines on standard input, one code a line." },
  },
  CANNOT_WRITE: {
    support: "PW-512",
    sv: "Pinwarden kan inte skriva {file}: {reason}.",
    en: "Pinwarden cannot write {file}: {reason}.",
    action: { sv: "Välj en fil i en mapp användaren får skriva i.", en: "Choose a file in a folder the user may write to." },
  },
} as const satisfies Record<string, { support: string; sv: string; en: string; action: Record<Language, string> }>;

export type UsageError = keyof typeof USAGE_ERRORS;

export function describeUsage(error: UsageError, values: Record<string, string>, language: Language): string {
  const entry = USAGE_ERRORS[error];
  return `${fill(entry[language], values)} (${entry.support})`;
}

// --- certificates (issue 14) and the tray (issue 12, one voice) ------------------

/**
 * Certificates as the app says them (renderer certificates.*): "Underskrift – certifikatet
 * går ut om 41 dagar". `{count}` is the days left; `_one` / `_other` as i18next's plurals.
 */
export const CERTIFICATES = {
  sv: {
    heading: "Certifikat",
    roles: {
      identification: "Legitimering",
      signing: "Underskrift",
      encryption: "Kryptering",
      cardAuthentication: "Kortautentisering",
      authority: "Utfärdare (CA)",
    },
    expires_one: "certifikatet går ut om {count} dag",
    expires_other: "certifikatet går ut om {count} dagar",
    today: "certifikatet går ut i dag",
    expired: "certifikatet har gått ut",
    until: "giltigt till {date}",
    renew:
      "Ett certifikat kan inte förnyas med Pinwarden och har inget med dina koder att göra: beställ ett nytt kort i god tid hos organisationens kontaktperson för kort.",
    notRead: "inte lästa än",
    none: "inga går ut inom {count} dagar",
  },
  en: {
    heading: "Certificates",
    roles: {
      identification: "Identification",
      signing: "Signing",
      encryption: "Encryption",
      cardAuthentication: "Card authentication",
      authority: "Issuer (CA)",
    },
    expires_one: "the certificate expires in {count} day",
    expires_other: "the certificate expires in {count} days",
    today: "the certificate expires today",
    expired: "the certificate has expired",
    until: "valid until {date}",
    renew:
      "A certificate cannot be renewed with Pinwarden and has nothing to do with your codes: order a new card in good time from your organisation's card contact person.",
    notRead: "not read yet",
    none: "none expires within {count} days",
  },
} as const satisfies Record<Language, Record<string, string | Record<string, string>>>;

/** "certifikatet går ut om 41 dagar" / "the certificate has expired". */
export function certificateSentence(daysLeft: number, language: Language): string {
  const t = CERTIFICATES[language];
  if (daysLeft < 0) return t.expired;
  if (daysLeft === 0) return t.today;
  return fill(daysLeft === 1 ? t.expires_one : t.expires_other, { count: daysLeft });
}

/** A certificate warning's name: the code protecting its key, as the app names it, else what the key is for. */
export function certificateName(
  w: { codeId: string | null; app: string; role: keyof (typeof CERTIFICATES)["sv"]["roles"] },
  language: Language,
): string {
  const role = CERTIFICATES[language].roles[w.role];
  return w.codeId === null ? role : codeName({ id: w.codeId, label: role, app: w.app }, language);
}

/** "Underskrift – certifikatet går ut om 41 dagar": the tray, the CLI and the report say this. */
export const certificateLine = (
  w: { codeId: string | null; app: string; role: keyof (typeof CERTIFICATES)["sv"]["roles"]; daysLeft: number },
  language: Language,
): string => `${certificateName(w, language)} – ${certificateSentence(w.daysLeft, language)}`;

/**
 * The tray's words: its tooltip for each state, its menu (the window's nav.* words, "…" where
 * a wizard opens) and its notifications. Codes are named by codeName, as the window names them.
 */
export const TRAY = {
  sv: {
    tooltip: {
      "no-service": "Pinwarden – korttjänsten körs inte",
      "no-reader": "Pinwarden – ingen kortläsare",
      "no-card": "Pinwarden – sätt i ditt kort",
      unsupported: "Pinwarden – kortet stöds inte",
      ready: "Pinwarden – kortet är klart",
      low: "Pinwarden – en kod har bara ett försök kvar",
      blocked: "Pinwarden – en kod är spärrad",
      busy: "Pinwarden – arbetar, ta inte ut kortet",
    },
    menu: {
      change: "Ändra säkerhetskod…",
      unlock: "Lås upp kort med PUK-kod…",
      unlockNoPuk: "Lås upp PIN-kod…",
      status: "Kortstatus",
      support: "Supportinformation",
      about: "Om",
      quit: "Avsluta",
    },
    notify: {
      title: "Pinwarden",
      blocked: "{code} är spärrad. Klicka för att låsa upp med PUK-kod.",
      // OpenPGP has no PUK: the admin PIN or the resetting code unblocks it.
      blockedNoPuk: "{code} är spärrad. Klicka för att låsa upp den.",
      low: "{code} har bara ett försök kvar.",
      certificate: "{line}. Beställ ett nytt kort i god tid.",
    },
    about: "Hanterar säkerhetskoderna på ditt kort.",
  },
  en: {
    tooltip: {
      "no-service": "Pinwarden – the smart card service is not running",
      "no-reader": "Pinwarden – no card reader",
      "no-card": "Pinwarden – insert your card",
      unsupported: "Pinwarden – card not supported",
      ready: "Pinwarden – card ready",
      low: "Pinwarden – a code has one try left",
      blocked: "Pinwarden – a code is blocked",
      busy: "Pinwarden – working, do not remove the card",
    },
    menu: {
      change: "Change PIN…",
      unlock: "Unlock card with PUK…",
      unlockNoPuk: "Unlock PIN…",
      status: "Card status",
      support: "Support information",
      about: "About",
      quit: "Quit",
    },
    notify: {
      title: "Pinwarden",
      blocked: "{code} is blocked. Click to unlock it with your PUK.",
      blockedNoPuk: "{code} is blocked. Click to unlock it.",
      low: "{code} has only one try left.",
      certificate: "{line}. Order a new card in good time.",
    },
    about: "Manages the codes on your smart card.",
  },
} as const;

/** A tray text with its holes filled, e.g. TRAY.sv.notify.low with { code }. */
export const trayText = (text: string, values: Record<string, string | number>): string => fill(text, values);
