import { useTranslation } from "react-i18next";
import { useApp } from "../state/store.js";
import { HelpdeskLine } from "./ErrorMessage.js";

/**
 * Where the PUK is and what to do when it is lost: the organisation's words from policy
 * (`pukHelp`, one text or one per language), else the default (the card letter, the
 * organisation's contact person for cards).
 */
export function usePukHelp(): string {
  const { t, i18n } = useTranslation();
  const help = useApp((s) => s.info?.pukHelp);
  const language = i18n.language === "sv" ? "sv" : "en";
  if (typeof help === "string" && help.trim()) return help;
  if (help && typeof help === "object" && help[language]?.trim()) return help[language];
  return t("wizard.pukHelp");
}

/**
 * A blocked PUK: no way on in the app, so no "start again" and no unlock wizard, only what
 * to do and whom to call.
 */
export function PukBlocked({ heading }: { heading?: string }) {
  const { t } = useTranslation();
  const help = usePukHelp();
  return (
    <div className="note bad puk-blocked">
      {heading && <h3>{heading}</h3>}
      <p>{t("errors.PUK_BLOCKED")}</p>
      <p>{help}</p>
      <HelpdeskLine />
    </div>
  );
}
