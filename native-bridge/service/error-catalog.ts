/**
 * One row per error code: the support number read aloud on the phone, the CLI's exit
 * code, and the sentence in Swedish and English. `{triesLeft}`, `{minLength}` and
 * `{maxLength}` are filled in from the error's details.
 */
import type { ErrorCode, ErrorDetails } from "./errors.js";

export type Language = "sv" | "en";

export interface CatalogEntry {
  support: string;
  exitCode: number;
  sv: string;
  en: string;
}

/** CODE_LENGTH when the allowed range is one length ("6 siffror", not "6–6"). */
const EXACT_LENGTH = { sv: "Koden ska vara {minLength} siffror lång.", en: "The code must be {minLength} digits long." };

/** CLI exit codes by class of error (documented in README and docs/cli.md). */
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
} as const;

export const ERROR_CATALOG: Record<ErrorCode, CatalogEntry> = {
  PIN_WRONG: {
    support: "PW-101",
    exitCode: EXIT.wrongCode,
    sv: "Fel PIN-kod. Försök kvar: {triesLeft}.",
    en: "Wrong PIN. Tries left: {triesLeft}.",
  },
  PIN_BLOCKED: {
    support: "PW-102",
    exitCode: EXIT.blocked,
    sv: "PIN-koden är spärrad. Lås upp den med din PUK-kod.",
    en: "The PIN is blocked. Unlock it with your PUK.",
  },
  PUK_WRONG: {
    support: "PW-201",
    exitCode: EXIT.wrongCode,
    sv: "Fel PUK-kod. Försök kvar: {triesLeft}.",
    en: "Wrong PUK. Tries left: {triesLeft}.",
  },
  PUK_BLOCKED: {
    support: "PW-202",
    exitCode: EXIT.blocked,
    sv: "PUK-koden är spärrad. Kortet måste bytas ut eller återställas av en administratör.",
    en: "The PUK is blocked. The card must be replaced or reset by an administrator.",
  },
  // OpenPGP cards have no PUK: an admin PIN (PW3) and a resetting code (spec 3.4 §4.3).
  ADMIN_PIN_WRONG: {
    support: "PW-203",
    exitCode: EXIT.wrongCode,
    sv: "Fel administratörs-PIN. Försök kvar: {triesLeft}.",
    en: "Wrong admin PIN. Tries left: {triesLeft}.",
  },
  ADMIN_PIN_BLOCKED: {
    support: "PW-204",
    exitCode: EXIT.blocked,
    sv: "Administratörs-PIN-koden är spärrad. Kortets OpenPGP-del kan bara fabriksåterställas, och då raderas nycklarna.",
    en: "The admin PIN is blocked. The card's OpenPGP application can only be reset to factory settings, which erases its keys.",
  },
  RESET_CODE_WRONG: {
    support: "PW-205",
    exitCode: EXIT.wrongCode,
    sv: "Fel återställningskod. Försök kvar: {triesLeft}.",
    en: "Wrong resetting code. Tries left: {triesLeft}.",
  },
  RESET_CODE_BLOCKED: {
    support: "PW-206",
    exitCode: EXIT.blocked,
    sv: "Återställningskoden är spärrad eller inte satt. Lås upp med administratörs-PIN-koden i stället.",
    en: "The resetting code is blocked or not set. Unblock with the admin PIN instead.",
  },
  CODE_NOT_DIGITS: {
    support: "PW-402",
    exitCode: EXIT.rejectedInput,
    sv: "Koden får bara innehålla siffror.",
    en: "The code may contain digits only.",
  },
  CODE_LENGTH: {
    support: "PW-403",
    exitCode: EXIT.rejectedInput,
    sv: "Koden ska vara {minLength}–{maxLength} siffror lång.",
    en: "The code must be {minLength}–{maxLength} digits long.",
  },
  CODE_SAME_AS_CURRENT: {
    support: "PW-404",
    exitCode: EXIT.rejectedInput,
    sv: "Den nya koden får inte vara samma som den nuvarande.",
    en: "The new code must differ from the current one.",
  },
  CODE_WEAK: {
    support: "PW-401",
    exitCode: EXIT.rejectedInput,
    sv: "Koden är för enkel (samma siffra eller en sifferföljd som 123456). Välj en annan.",
    en: "The code is too simple (one repeated digit or a run like 123456). Choose another.",
  },
  CODE_CONFIRMATION_MISMATCH: {
    support: "PW-408",
    exitCode: EXIT.rejectedInput,
    sv: "Den nya koden och bekräftelsen är inte lika.",
    en: "The new code and its confirmation do not match.",
  },
  CODE_UNKNOWN: {
    support: "PW-405",
    exitCode: EXIT.usage,
    sv: "Kortet har ingen sådan kod.",
    en: "The card has no such code.",
  },
  OPERATION_NOT_ALLOWED: {
    support: "PW-406",
    exitCode: EXIT.rejectedInput,
    sv: "Den här åtgärden är inte tillåten för den här koden.",
    en: "This operation is not allowed for this code.",
  },
  CARD_REFUSED_CODE: {
    support: "PW-407",
    exitCode: EXIT.rejectedInput,
    sv: "Kortet godtog inte den nya koden. Välj en annan kod.",
    en: "The card did not accept the new code. Choose another code.",
  },
  CARD_REMOVED: {
    support: "PW-301",
    exitCode: EXIT.interrupted,
    sv: "Kortet togs ut under åtgärden. Sätt i kortet igen och kontrollera kortstatus.",
    en: "The card was removed during the operation. Insert it again and check the card status.",
  },
  CARD_RESET: {
    support: "PW-306",
    exitCode: EXIT.interrupted,
    sv: "Ett annat program återställde kortet under åtgärden. Kontrollera kortstatus och försök igen.",
    en: "Another program reset the card during the operation. Check the card status and try again.",
  },
  NO_CARD: {
    support: "PW-305",
    exitCode: EXIT.noCard,
    sv: "Sätt i ditt kort i kortläsaren.",
    en: "Insert your card in the card reader.",
  },
  NO_READER: {
    support: "PW-302",
    exitCode: EXIT.noCard,
    sv: "Ingen kortläsare hittades. Anslut kortläsaren.",
    en: "No card reader found. Connect the card reader.",
  },
  READER_NOT_FOUND: {
    support: "PW-307",
    exitCode: EXIT.noCard,
    sv: "Den angivna kortläsaren hittades inte.",
    en: "The named card reader was not found.",
  },
  PCSC_UNAVAILABLE: {
    support: "PW-303",
    exitCode: EXIT.noCard,
    sv: "Korttjänsten (PC/SC) körs inte. Starta om datorn eller kontakta IT-supporten.",
    en: "The smart card service (PC/SC) is not running. Restart the computer or contact IT support.",
  },
  CARD_UNSUPPORTED: {
    support: "PW-304",
    exitCode: EXIT.cardUnusable,
    sv: "Kortet stöds inte av Pinwarden.",
    en: "This card is not supported by Pinwarden.",
  },
  CARD_IN_USE: {
    support: "PW-308",
    exitCode: EXIT.cardUnusable,
    sv: "Ett annat program använder kortet. Stäng det och försök igen.",
    en: "Another program is using the card. Close it and try again.",
  },
  BUSY: {
    support: "PW-309",
    exitCode: EXIT.cardUnusable,
    sv: "En annan åtgärd pågår redan på kortet. Vänta tills den är klar.",
    en: "Another operation is already running on the card. Wait until it has finished.",
  },
  TIMEOUT: {
    support: "PW-310",
    exitCode: EXIT.interrupted,
    sv: "Kortet svarade inte i tid. Ta ut kortet, sätt i det igen och kontrollera kortstatus.",
    en: "The card did not answer in time. Remove and reinsert it, then check the card status.",
  },
  REQUEST_REJECTED: {
    support: "PW-499",
    exitCode: EXIT.usage,
    sv: "Begäran avvisades. Starta om Pinwarden och försök igen.",
    en: "The request was refused. Restart Pinwarden and try again.",
  },
  CARD_ERROR: {
    support: "PW-311",
    exitCode: EXIT.cardError,
    sv: "Kortet svarade oväntat. Kontakta IT-supporten och uppge felkoden.",
    en: "The card gave an unexpected answer. Contact IT support and give the error code.",
  },
  CARD_KDF_UNSUPPORTED: {
    support: "PW-320",
    exitCode: EXIT.cardUnusable,
    sv: "Kortet skyddar sina koder med en metod (KDF) som Pinwarden inte kan. Ingen kod skickades till kortet. Kontakta IT-supporten.",
    en: "The card protects its codes with a method (KDF) Pinwarden does not support. No code was sent to the card. Contact IT support.",
  },
  CARD_CODE_FORMAT: {
    support: "PW-321",
    exitCode: EXIT.cardError,
    sv: "Kortet godtog inte kodens format (längd eller kodning). Kontakta IT-supporten och uppge felkoden.",
    en: "The card did not accept the code's format (length or encoding). Contact IT support and give the error code.",
  },
  CARD_PATH_NOT_FOUND: {
    support: "PW-322",
    exitCode: EXIT.cardError,
    sv: "Kortet hittade inte mappen där koden finns. Ingen kod skickades till kortet. Kontakta IT-supporten och uppge felkoden.",
    en: "The card could not find the folder that holds the code. No code was sent to the card. Contact IT support and give the error code.",
  },
};

/** Said in place of "Tries left: N." when the card's answer carried no count (6300). */
export const NO_COUNT: Record<Language, string> = {
  sv: "Kortet visar inte hur många försök som återstår.",
  en: "The card does not say how many tries are left.",
};
const TRIES_CLAUSE = /(Försök kvar|Tries left): \{triesLeft\}\./;

export function describeError(code: ErrorCode, details: ErrorDetails, language: Language): string {
  const entry = ERROR_CATALOG[code];
  const exact = code === "CODE_LENGTH" && details.minLength !== undefined && details.minLength === details.maxLength;
  let sentence = (exact ? EXACT_LENGTH : entry)[language];
  // Never "Tries left: ?": where the count is unknown, say so.
  if (details.triesLeft === null || details.triesLeft === undefined) sentence = sentence.replace(TRIES_CLAUSE, NO_COUNT[language]);
  const text = sentence.replace(/\{(\w+)\}/g, (_, key: string) => {
    const v = (details as Record<string, unknown>)[key];
    return v === undefined || v === null ? "?" : String(v);
  });
  return `${text} (${entry.support})`;
}
