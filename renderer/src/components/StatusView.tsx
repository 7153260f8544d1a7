import { useTranslation } from "react-i18next";
import { useApp } from "../state/store.js";
import { ErrorMessage } from "./ErrorMessage.js";
import { Tries, useCodeName } from "./Tries.js";

const NO_CARD_STATES: Record<string, string> = {
  NO_CARD: "status.noCard",
  NO_READER: "status.noReader",
  PCSC_UNAVAILABLE: "status.noService",
};

export function StatusView() {
  const { t } = useTranslation();
  const name = useCodeName();
  const { status, statusError, loading, refresh, open } = useApp();
  return (
    <section aria-labelledby="status-heading">
      <h2 id="status-heading">{t("status.heading")}</h2>
      {loading && !status && <p role="status">{t("status.loading")}</p>}
      {statusError && NO_CARD_STATES[statusError.code] ? (
        <p className="notice" role="status">
          {t(NO_CARD_STATES[statusError.code]!)}
        </p>
      ) : (
        statusError && <ErrorMessage error={statusError} />
      )}
      {status && (
        <>
          <dl className="card-facts">
            <dt>{t("status.reader")}</dt>
            <dd>{status.reader}</dd>
            <dt>{t("status.card")}</dt>
            <dd>{status.card.label ?? status.card.profile}</dd>
            {status.card.serial && (
              <>
                <dt>{t("status.serial")}</dt>
                <dd>{status.card.serial}</dd>
              </>
            )}
          </dl>
          <ul className="codes">
            {status.codes.map((code) => (
              <li key={code.id} className={`code ${code.state}`}>
                <span className="code-name">{name(code)}</span>
                <Tries code={code} />
                <span className={`state ${code.state}`}>{t(`status.state.${code.state}`)}</span>
                {code.state === "blocked" && code.kind === "pin" && code.canUnblock && (
                  <button type="button" onClick={() => open({ name: "unlock", pinId: code.id })}>
                    {t("wizard.offerUnlock")}
                  </button>
                )}
                {code.state === "blocked" && code.kind === "puk" && <p className="hint">{t("status.pukBlockedHint")}</p>}
              </li>
            ))}
          </ul>
        </>
      )}
      <button type="button" onClick={() => void refresh()}>
        {t("status.refresh")}
      </button>
    </section>
  );
}
