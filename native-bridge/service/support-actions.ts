/**
 * What IT support should do for each error, in Swedish and English: the third column of
 * docs/error-codes.md (the first two are the user's message in error-catalog.ts).
 */
import type { ErrorCode } from "../../contract/errors.js";

export const SUPPORT_ACTIONS: Record<ErrorCode, { sv: string; en: string }> = {
  PIN_WRONG: {
    sv: "Be användaren prova igen lugnt. Fråga aldrig efter koden. Vid ett försök kvar: föreslå PUK-koden om användaren är osäker.",
    en: "Ask the user to try again calmly. Never ask for the code. With one try left, suggest the PUK if the user is unsure.",
  },
  PIN_BLOCKED: {
    sv: "Guida till Lås upp kort med PUK-kod (upplåsningskoden står i kortbrevet).",
    en: "Guide the user to Unlock card with PUK (the PUK is in the card letter).",
  },
  PUK_WRONG: {
    sv: "Be användaren kontrollera PUK-koden i kortbrevet. Varna när få försök återstår.",
    en: "Ask the user to check the PUK in the card letter. Warn when few tries are left.",
  },
  PUK_BLOCKED: {
    sv: "Kortet kan inte låsas upp av användaren. Beställ ett nytt kort eller boka återställning hos kortadministratören.",
    en: "The user cannot unlock the card. Order a new card or book a reset with the card administrator.",
  },
  ADMIN_PIN_WRONG: {
    sv: "Be användaren kontrollera administratörs-PIN-koden (OpenPGP, PW3). Den är inte en PUK. Varna när få försök återstår: en spärrad administratörs-PIN kräver fabriksåterställning.",
    en: "Ask the user to check the admin PIN (OpenPGP, PW3). It is not a PUK. Warn when few tries are left: a blocked admin PIN needs a factory reset.",
  },
  ADMIN_PIN_BLOCKED: {
    sv: "OpenPGP-delen kan bara fabriksåterställas (t.ex. gpg --card-edit, factory-reset), vilket raderar nycklarna. Planera ny nyckelgenerering.",
    en: "The OpenPGP application can only be reset to factory settings (e.g. gpg --card-edit, factory-reset), which erases its keys. Plan new keys.",
  },
  RESET_CODE_WRONG: {
    sv: "Be användaren kontrollera återställningskoden. Vid osäkerhet: lås upp med administratörs-PIN-koden i stället.",
    en: "Ask the user to check the resetting code. If unsure, unblock with the admin PIN instead.",
  },
  RESET_CODE_BLOCKED: {
    sv: "Återställningskoden är spärrad eller aldrig satt. Lås upp med administratörs-PIN-koden.",
    en: "The resetting code is blocked or was never set. Unblock with the admin PIN.",
  },
  CODE_NOT_DIGITS: { sv: "Ingen åtgärd: be användaren skriva bara siffror.", en: "None: ask the user to type digits only." },
  CODE_LENGTH: { sv: "Ingen åtgärd: läs upp längden som meddelandet anger.", en: "None: read out the length the message gives." },
  CODE_SAME_AS_CURRENT: {
    sv: "Ingen åtgärd: den nya koden måste skilja sig från den gamla.",
    en: "None: the new code must differ from the old one.",
  },
  CODE_WEAK: {
    sv: "Ingen åtgärd: förklara att 123456, 111111 och liknande inte godtas.",
    en: "None: explain that 123456, 111111 and the like are refused.",
  },
  CODE_CONFIRMATION_MISMATCH: {
    sv: "Ingen åtgärd: be användaren skriva den nya koden två gånger likadant.",
    en: "None: ask the user to type the new code the same way twice.",
  },
  CODE_UNKNOWN: {
    sv: "Kontrollera kod-id med pinwarden status; skript kan ha fel id.",
    en: "Check the code id with pinwarden status; a script may use a wrong id.",
  },
  OPERATION_NOT_ALLOWED: {
    sv: "Datorprincipen eller kortet tillåter inte åtgärden (t.ex. byte av PUK). Kontrollera med pinwarden policy.",
    en: "Machine policy or the card does not allow it (e.g. changing the PUK). Check with pinwarden policy.",
  },
  CARD_REFUSED_CODE: {
    sv: "Kortets egna regler nekade koden; be användaren välja en annan. Återkommer det: exportera diagnostik.",
    en: "The card's own rules refused the code; ask for another. If it recurs: export diagnostics.",
  },
  CARD_REMOVED: {
    sv: "Be användaren sätta i kortet och läsa upp Kortstatus; försöken visas som de är på kortet.",
    en: "Ask the user to insert the card and read out Card status; the tries shown are the card's own.",
  },
  NO_ANSWER: {
    sv: "Fönstret fick inget svar från Pinwardens huvudprocess (den kan ha startats om eller hängt sig). Be användaren öppna Kortstatus: antal försök visar om koden skickades. Prova inte den gamla och den nya koden i tur och ordning utan att först läsa kortstatus. Samla diagnostikfilen.",
    en: "The window got no answer from Pinwarden's main process (it may have restarted or hung). Ask the user to open Card status: the tries left show whether the code was sent. Do not try the old and the new code in turn before reading the card status. Collect the diagnostics file.",
  },
  CARD_RESET: {
    sv: "Ett annat program (t.ex. inloggningsklient) återställde kortet. Stäng det och försök igen.",
    en: "Another program (e.g. a login client) reset the card. Close it and try again.",
  },
  NO_CARD: { sv: "Be användaren sätta i kortet med chipet först.", en: "Ask the user to insert the card, chip first." },
  NO_READER: {
    sv: "Kontrollera kabel och USB-port; se Kortläsare i supportinformationen.",
    en: "Check the cable and USB port; see Card readers in the support information.",
  },
  READER_NOT_FOUND: {
    sv: "Läsarnamnet stämmer inte; lista läsare med pinwarden readers eller kontrollera readerFilter i principen.",
    en: "The reader name does not match; list readers with pinwarden readers or check readerFilter in policy.",
  },
  PCSC_UNAVAILABLE: {
    sv: "Starta tjänsten Smartkort (SCardSvr) / pcscd, eller starta om datorn.",
    en: "Start the Smart Card service (SCardSvr) / pcscd, or restart the computer.",
  },
  CARD_UNSUPPORTED: {
    sv: "Notera ATR från supportinformationen; kortet är inte ett kort Pinwarden hanterar (eller kortfamiljen är avstängd i principen).",
    en: "Note the ATR from the support information; the card is not one Pinwarden handles (or its family is off in policy).",
  },
  CARD_KDF_UNSUPPORTED: {
    sv: "Kortets KDF-inställning (DO F9) är okänd för Pinwarden; ingen kod skickades. Byt kod med GnuPG eller ykman, och rapportera kortmodellen.",
    en: "The card's KDF setting (DO F9) is unknown to Pinwarden; no code was sent. Change codes with GnuPG or ykman, and report the card model.",
  },
  CARD_CODE_FORMAT: {
    sv: "Kortet svarade 6700 på ett PIN-kommando (fel längd eller format, t.ex. KDF som kortet inte annonserar). Samla supportrapporten och kontakta förvaltningen.",
    en: "The card answered 6700 to a PIN command (wrong length or format, e.g. KDF the card does not announce). Collect the support report and escalate.",
  },
  EXPORT_FAILED: {
    sv: "Diagnostikfilen (zip) kunde inte skrivas: full disk, ingen skrivrätt eller en mapp som saknas. Be användaren trycka Kopiera och klistra in rapporten i ärendet, eller kör `pinwarden support --export FIL` till en annan mapp.",
    en: "The diagnostics zip could not be written: a full disk, no write permission or a missing folder. Ask the user to press Copy and paste the report into the ticket, or run `pinwarden support --export FILE` to another folder.",
  },
  CARD_PATH_NOT_FOUND: {
    sv: "Kortet svarade fel på SELECT av PIN-kodens mapp (sökvägen i EF.AODF). Inget PIN-kommando skickades, inget försök förbrukades. Samla supportrapporten och kontakta förvaltningen: kortets PKCS#15-struktur stämmer inte med kortet.",
    en: "The card refused the SELECT of the PIN's folder (the path in EF.AODF). No PIN command was sent and no try was spent. Collect the support report and escalate: the card's PKCS#15 description does not match the card.",
  },
  CARD_IN_USE: {
    sv: "Ett annat program håller kortet ensamt (t.ex. scdaemon, en webbläsare). Stäng det och försök igen.",
    en: "Another program holds the card exclusively (e.g. scdaemon, a browser). Close it and try again.",
  },
  BUSY: { sv: "Vänta tills den pågående åtgärden är klar.", en: "Wait for the running operation to finish." },
  TIMEOUT: {
    sv: "Be användaren ta ut och sätta i kortet och läsa upp Kortstatus. Upprepas det: byt läsare, exportera diagnostik.",
    en: "Ask the user to reinsert the card and read out Card status. If it recurs: another reader, export diagnostics.",
  },
  CARD_ERROR: {
    sv: "Exportera diagnostik (Spara diagnostikfil) och skicka till andra linjen.",
    en: "Export diagnostics (Save diagnostics file) and send it to second line.",
  },
  REQUEST_REJECTED: {
    sv: "Appen avvisade en begäran som inte kom från dess egen sida. Starta om Pinwarden; återkommer det: exportera diagnostik.",
    en: "The app refused a request that did not come from its own page. Restart Pinwarden; if it recurs: export diagnostics.",
  },
};
