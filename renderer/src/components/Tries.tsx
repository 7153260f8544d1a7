import { useTranslation } from "react-i18next";
import type { CodeStatus } from "../../../contract/api.js";

/** Tries left as a sentence and as dots (filled = left); dots and "of N" only where the limit is known. */
export function Tries({ code }: { code: CodeStatus }) {
  const { t } = useTranslation();
  // Never a guess: where the card does not say, say so (and no "of N", no dots).
  if (!code.triesKnown || code.triesLeft === null)
    return (
      <span className="tries unknown" title={t("status.triesUnknownWhy")}>
        {t("status.triesUnknown")}
      </span>
    );
  const text =
    code.maxTries !== null
      ? t("status.triesOfMax", { count: code.triesLeft, max: code.maxTries })
      : t("status.triesLeft", { count: code.triesLeft });
  return (
    <span className={`tries ${code.state}`}>
      {code.maxTries !== null && code.maxTries <= 15 && (
        <span className="dots" aria-hidden="true">
          {Array.from({ length: code.maxTries }, (_, i) => (i < code.triesLeft! ? "●" : "○")).join("")}
        </span>
      )}
      <span className="tries-text">{text}</span>
    </span>
  );
}

/** The label users know for a code id, falling back to the card's own label. */
export function useCodeName() {
  const { t, i18n } = useTranslation();
  return (code: Pick<CodeStatus, "id" | "label" | "app">) => {
    // A name for this application's code first (PIV's "auth" is its PIN, not "Legitimering").
    const own = code.app && `codes.${code.app}.${code.id}`;
    if (own && i18n.exists(own)) return t(own);
    return code.app !== "piv" && i18n.exists(`codes.${code.id}`) ? t(`codes.${code.id}`) : code.label;
  };
}
