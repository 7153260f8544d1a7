import { useTranslation } from "react-i18next";
import type { CertificateWarning, CodeStatus } from "../../../contract/api.js";
import { applicationsOf, canUnlockPin, unblockedByPuk } from "../../../contract/codes.js";
import { useApp } from "../state/store.js";
import { ErrorMessage } from "./ErrorMessage.js";
import { PukBlocked } from "./PukHelp.js";
import { Tries, useCodeName } from "./Tries.js";

const NO_CARD_STATES: Record<string, string> = {
  NO_CARD: "status.noCard",
  NO_READER: "status.noReader",
  PCSC_UNAVAILABLE: "status.noService",
};

/** A PUK with three tries or fewer left: once it is blocked the card cannot be unlocked. */
const fewTries = (code: CodeStatus) => code.triesKnown && code.triesLeft !== null && code.triesLeft >= 1 && code.triesLeft <= 3;

/**
 * The certificates about to expire (issue 14), each named by the code that protects its key as
 * the app names that code ("Underskrift – certifikatet går ut om 41 dagar"), an expired one
 * said plainly, and who to turn to. Nothing while they are not read yet or none is due.
 */
function CertificateWarnings({ warnings }: { warnings: CertificateWarning[] }) {
  const { t, i18n } = useTranslation();
  const name = useCodeName();
  if (warnings.length === 0) return null;
  const said = (w: CertificateWarning) =>
    w.daysLeft < 0
      ? t("certificates.expired")
      : w.daysLeft === 0
        ? t("certificates.today")
        : t("certificates.expires", { count: w.daysLeft });
  const named = (w: CertificateWarning) => {
    const role = t(`certificates.roles.${w.role}`);
    return w.codeId === null ? role : name({ id: w.codeId, label: role, app: w.app });
  };
  const date = (iso: string) => new Date(iso).toLocaleDateString(i18n.language === "sv" ? "sv-SE" : "en-GB");
  return (
    <section
      className={`note certificates${warnings.some((w) => w.expired) ? " bad" : ""}`}
      aria-labelledby="certificates-heading"
      data-testid="certificate-warnings"
    >
      <h3 id="certificates-heading">{t("certificates.heading")}</h3>
      <ul>
        {warnings.map((w) => (
          <li key={`${w.app}-${w.codeId ?? w.role}-${w.notAfter}`} className={w.expired ? "expired" : "expiring"}>
            <strong>
              {named(w)} – {said(w)}
            </strong>{" "}
            ({t("certificates.until", { date: date(w.notAfter) })}, {w.subject})
          </li>
        ))}
      </ul>
      <p>{t("certificates.renew")}</p>
    </section>
  );
}

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
          <CertificateWarnings warnings={status.certificateWarnings ?? []} />
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
                    {code.state === "blocked" && canUnlockPin(code, a.codes) && (
                      <div className="code-more">
                        <button
                          type="button"
                          id={`unlock-${a.app}-${code.id}`}
                          onClick={() => open({ name: "unlock", pinId: code.id, app: a.app }, `unlock-${a.app}-${code.id}`)}
                        >
                          {t(unblockedByPuk(code, a.codes) ? "wizard.offerUnlock" : "wizard.offerUnlockNoPuk")}
                        </button>
                      </div>
                    )}
                    {/* A blocked PUK: what to do and whom to call, nothing to start. */}
                    {code.state === "blocked" && code.kind === "puk" && (
                      <div className="code-more">
                        <PukBlocked />
                      </div>
                    )}
                    {code.kind === "puk" && fewTries(code) && (
                      <p className="code-more hint warn">{t("wizard.fewPukTries", { count: code.triesLeft, code: name(code) })}</p>
                    )}
                    {code.state === "blocked" && code.kind === "admin" && <p className="code-more hint">{t("status.adminBlockedHint")}</p>}
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
