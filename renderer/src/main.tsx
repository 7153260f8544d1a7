import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { I18nextProvider } from "react-i18next";
import { App } from "./App.js";
import { createHttpApi } from "./bridge/http-api.js";
import { createI18n, pickLanguage } from "./i18n/index.js";
import { useApp } from "./state/store.js";
import "./styles.css";

async function start() {
  const params = new URLSearchParams(location.search);
  const api = window.pinwarden ?? createHttpApi(params.get("token") ?? "");
  const info = await api.info();
  const language = pickLanguage(location.search, info.language, navigator.language);
  document.documentElement.lang = language;
  const i18n = createI18n(language);
  document.title = i18n.t("app.title");
  // The token has done its job once the API holds it: keep it out of the address bar.
  if (params.has("token")) {
    params.delete("token");
    history.replaceState(null, "", `${location.pathname}${params.size ? `?${params}` : ""}`);
  }
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <App />
      </I18nextProvider>
    </StrictMode>,
  );
  await useApp.getState().connect(api);
}

void start();
