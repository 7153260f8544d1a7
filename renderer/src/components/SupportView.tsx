import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Language, SupportResult } from "../../../contract/api.js";
import { useApp } from "../state/store.js";

/**
 * What the user reads aloud to IT support, numbered ("line 5 says…"), the same text
 * `pinwarden support` prints. Copy puts it on the clipboard; Export saves the diagnostics zip.
 */
export function SupportView() {
  const { t, i18n } = useTranslation();
  const api = useApp((s) => s.api);
  const cardEpoch = useApp((s) => s.cardEpoch);
  const last = useApp((s) => s.last);
  const [result, setResult] = useState<SupportResult | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const pre = useRef<HTMLPreElement>(null);
  const lang = (i18n.language === "sv" ? "sv" : "en") as Language;

  useEffect(() => {
    if (api) void api.support().then(setResult);
  }, [api, cardEpoch, last]);

  async function copy() {
    const text = result?.text[lang] ?? "";
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard permission refused (the app refuses every permission): copy the selection instead.
      const range = document.createRange();
      range.selectNodeContents(pre.current!);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
      document.execCommand("copy");
    }
    setNote(t("support.copied"));
  }

  async function exportZip() {
    if (!api) return;
    const r = await api.exportDiagnostics();
    setNote(r.ok ? t("support.exported", { path: r.value.path }) : t("support.exportFailed"));
  }

  return (
    <section aria-labelledby="support-heading">
      <h2 id="support-heading">{t("support.heading")}</h2>
      <p>{t("support.intro")}</p>
      {result ? (
        <pre ref={pre} className="report" tabIndex={0} aria-label={t("support.heading")}>
          {result.text[lang]}
        </pre>
      ) : (
        <p role="status">{t("status.loading")}</p>
      )}
      <div className="actions">
        <button type="button" className="primary" onClick={() => void copy()} disabled={!result}>
          {t("support.copy")}
        </button>
        <button type="button" onClick={() => void exportZip()}>
          {t("support.export")}
        </button>
      </div>
      {note && <p role="status">{note}</p>}
    </section>
  );
}
