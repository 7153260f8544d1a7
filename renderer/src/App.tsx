import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { StatusView } from "./components/StatusView.js";
import { SupportView } from "./components/SupportView.js";
import { cardUnblocksWithPuk } from "../../contract/codes.js";
import { useApp } from "./state/store.js";
import { CodeWizard } from "./wizards/CodeWizard.js";

export function App() {
  const { t } = useTranslation();
  const view = useApp((s) => s.view);
  const open = useApp((s) => s.open);
  const info = useApp((s) => s.info);
  const focusTarget = useApp((s) => s.focusTarget);
  const focused = useApp((s) => s.focused);
  // A wizard closed: the focus goes back to the control that opened it (else its tab).
  useEffect(() => {
    if (!focusTarget) return;
    for (const id of focusTarget) {
      const element = document.getElementById(id);
      if (element) {
        element.focus();
        break;
      }
    }
    focused();
  }, [focusTarget, focused]);
  // "with PUK" only where the card's PINs are unblocked with a PUK (OpenPGP has none).
  const withPuk = useApp((s) => cardUnblocksWithPuk(s.status));
  const tab = (name: "status" | "change" | "unlock" | "support", label: string) => (
    <button
      type="button"
      id={`nav-${name}`}
      aria-current={view.name === name ? "page" : undefined}
      onClick={() => open({ name }, `nav-${name}`)}
    >
      {label}
    </button>
  );
  return (
    <div className="app">
      <header>
        <h1>{t("app.title")}</h1>
        <p className="subtitle">{info?.organisationName ?? t("app.subtitle")}</p>
        <nav aria-label={t("app.title")}>
          {tab("status", t("nav.status"))}
          {tab("change", t("nav.change"))}
          {tab("unlock", t(withPuk ? "nav.unlock" : "nav.unlockNoPuk"))}
          {tab("support", t("nav.support"))}
        </nav>
      </header>
      <main>
        {view.name === "status" && <StatusView />}
        {view.name === "support" && <SupportView />}
        {/* A new key per opening: a wizard always starts at step 1 with empty fields. */}
        {view.name === "change" && (
          <CodeWizard key={`change-${view.app ?? ""}-${view.pinId ?? ""}`} mode="change" initialPinId={view.pinId} initialApp={view.app} />
        )}
        {view.name === "unlock" && (
          <CodeWizard key={`unlock-${view.app ?? ""}-${view.pinId ?? ""}`} mode="unlock" initialPinId={view.pinId} initialApp={view.app} />
        )}
      </main>
      <footer>
        {/* Said once per page: the support view's report says it on its own line 2. */}
        {view.name !== "support" && <p className="support-note">{t("wizard.supportNote")}</p>}
        {info && info.helpdeskPhone.length > 0 && <p>{t("errors.helpdesk", { phones: info.helpdeskPhone.join(", ") })}</p>}
      </footer>
    </div>
  );
}
