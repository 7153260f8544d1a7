import { useTranslation } from "react-i18next";
import { applicationsOf, unblockedByPuk, usableUnblockers } from "../codes.js";
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
  const apps = status ? applicationsOf(status) : [];
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
            <dd>
              {status.card.label ??
                (status.card.knownAs && status.card.knownAs !== "unknown" ? status.card.knownAs : null) ??
                t(`status.apps.${status.card.profile}`)}
            </dd>
          </dl>
          {apps.map((a) => (
            <section key={a.app} className="application" aria-labelledby={`app-${a.app}`}>
              <h3 id={`app-${a.app}`}>{t(`status.apps.${a.app}`)}</h3>
              {a.serial && (
                <dl className="card-facts">
                  <dt>{t("status.serial")}</dt>
                  <dd>{a.serial}</dd>
                </dl>
              )}
              <ul className="codes">
                {a.codes.map((code) => (
                  <li key={code.id} className={`code ${code.state}`}>
                    <span className="code-name">{name(code)}</span>
                    <Tries code={code} />
                    {/* "Unknown" is already said by the tries text. */}
                    {code.state !== "unknown" && <span className={`state ${code.state}`}>{t(`status.state.${code.state}`)}</span>}
                    {code.state === "blocked" && code.kind === "pin" && code.canUnblock && usableUnblockers(code, a.codes).length > 0 && (
                      <button type="button" onClick={() => open({ name: "unlock", pinId: code.id, app: a.app })}>
                        {t(unblockedByPuk(code, a.codes) ? "wizard.offerUnlock" : "wizard.offerUnlockNoPuk")}
                      </button>
                    )}
                    {code.state === "blocked" && code.kind === "puk" && <p className="hint">{t("status.pukBlockedHint")}</p>}
                    {code.state === "blocked" && code.kind === "admin" && <p className="hint">{t("status.adminBlockedHint")}</p>}
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </>
      )}
      <button type="button" onClick={() => void refresh()}>
        {t("status.refresh")}
      </button>
    </section>
  );
}
