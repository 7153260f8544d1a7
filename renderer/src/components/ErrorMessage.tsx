import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { ApiError } from "../../../contract/api.js";
import { applicationsOf } from "../../../contract/codes.js";
import { useApp } from "../state/store.js";
import { useCodeName } from "./Tries.js";

const NO_PHONES: string[] = [];

/** Stands for "no count" until the sentence is built; never shown. */
const UNKNOWN = "\u2047";

/** Never "Tries left: ?": where the card's answer carried no count, say that instead. */
function withoutUnknownCount(sentence: string, why: string): string {
  return sentence.includes(UNKNOWN) ? sentence.replace(/\s*[^.]*\u2047\.?/, ` ${why}`) : sentence;
}

/** The errors after which the person needs the helpdesk, not another try. */
export const NEEDS_HELPDESK = ["PUK_BLOCKED", "CARD_ERROR", "PCSC_UNAVAILABLE", "CARD_UNSUPPORTED", "REQUEST_REJECTED"];

/**
 * An error as one sentence, naming the code it is about ("Fel säkerhetskod för
 * Legitimering"): the name given, else the code the error names as the card status calls it.
 * `noPuk`: the PIN is unblocked with an admin PIN or resetting code (OpenPGP), never a "PUK".
 */
export function useErrorSentence() {
  const { t, i18n } = useTranslation();
  const name = useCodeName();
  const status = useApp((s) => s.status);
  return (error: ApiError, options: { codeName?: string | undefined; noPuk?: boolean } = {}) => {
    const known =
      error.codeId && status
        ? applicationsOf(status)
            .flatMap((a) => a.codes)
            .find((c) => c.id === error.codeId)
        : undefined;
    const code =
      options.codeName ??
      (known
        ? name(known)
        : error.codeId && i18n.exists(`codes.${error.codeId}`)
          ? t(`codes.${error.codeId}`)
          : (error.codeId ?? t("codes.generic")));
    return withoutUnknownCount(
      t(error.code === "PIN_BLOCKED" && options.noPuk ? "errors.PIN_BLOCKED_noPuk" : `errors.${error.code}`, {
        triesLeft: error.triesLeft ?? UNKNOWN,
        code,
        // A code this build has no sentence for (a newer main process): the general one, never the key.
        defaultValue: t("errors.CARD_ERROR"),
      }),
      t("status.triesUnknownWhy"),
    );
  };
}

/** "IT-supporten: intern 30000", or where policy sets no number, "Kontakta IT-supporten." */
export function HelpdeskLine() {
  const { t } = useTranslation();
  // A stable empty list: a new [] per call would make zustand re-render without end.
  const phones = useApp((s) => s.info?.helpdeskPhone ?? NO_PHONES);
  return <p className="helpdesk">{phones.length > 0 ? t("errors.helpdesk", { phones: phones.join(", ") }) : t("errors.helpdeskNone")}</p>;
}

/**
 * An error in the user's words, with its support number and, where it helps, the helpdesk.
 * `codeName`: the code it is about, as the wizard names it.
 */
export function ErrorMessage({
  error,
  noPuk = false,
  codeName,
  children,
}: {
  error: ApiError;
  noPuk?: boolean;
  codeName?: string | undefined;
  /** More to say, before the helpdesk line (the PUK help after a blocked PUK). */
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const sentence = useErrorSentence();
  const open = useApp((s) => s.open);
  return (
    <div className="error" role="alert">
      <p>
        {sentence(error, { codeName, noPuk })} <span className="support-code">({t("errors.code", { support: error.support })})</span>
      </p>
      {children}
      {NEEDS_HELPDESK.includes(error.code) && <HelpdeskLine />}
      <button type="button" className="link" onClick={() => open({ name: "support" })}>
        {t("support.link")}
      </button>
    </div>
  );
}
