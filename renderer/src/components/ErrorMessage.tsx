import { useTranslation } from "react-i18next";
import type { ApiError } from "../../contract.js";
import { useApp } from "../state/store.js";

const NO_PHONES: string[] = [];

/** Stands for "no count" until the sentence is built; never shown. */
const UNKNOWN = "\u2047";

/** Never "Tries left: ?": where the card's answer carried no count, say that instead. */
function withoutUnknownCount(sentence: string, why: string): string {
  return sentence.includes(UNKNOWN) ? sentence.replace(/\s*[^.]*\u2047\.?/, ` ${why}`) : sentence;
}

/**
 * An error in the user's words, with its support number and, where it helps, the helpdesk.
 * `noPuk`: the PIN is unblocked with an admin PIN or resetting code (OpenPGP), never a "PUK".
 */
export function ErrorMessage({ error, noPuk = false }: { error: ApiError; noPuk?: boolean }) {
  const { t } = useTranslation();
  // A stable empty list: a new [] per call would make zustand re-render without end.
  const phones = useApp((s) => s.info?.helpdeskPhone ?? NO_PHONES);
  const open = useApp((s) => s.open);
  const needsHelpdesk = ["PUK_BLOCKED", "CARD_ERROR", "PCSC_UNAVAILABLE", "CARD_UNSUPPORTED", "REQUEST_REJECTED"].includes(error.code);
  return (
    <div className="error" role="alert">
      <p>
        {withoutUnknownCount(
          t(error.code === "PIN_BLOCKED" && noPuk ? "errors.PIN_BLOCKED_noPuk" : `errors.${error.code}`, {
            triesLeft: error.triesLeft ?? UNKNOWN,
            // A code this build has no sentence for (a newer main process): the general one, never the key.
            defaultValue: t("errors.CARD_ERROR"),
          }),
          t("status.triesUnknownWhy"),
        )}{" "}
        <span className="support-code">({t("errors.code", { support: error.support })})</span>
      </p>
      {needsHelpdesk && phones.length > 0 && <p>{t("errors.helpdesk", { phones: phones.join(", ") })}</p>}
      <button type="button" className="link" onClick={() => open({ name: "support" })}>
        {t("support.link")}
      </button>
    </div>
  );
}
