import i18next, { type i18n } from "i18next";
import { initReactI18next } from "react-i18next";
import type { Language } from "../../../contract/api.js";
import { en } from "./en.js";
import { sv } from "./sv.js";

export const resources = { sv: { translation: sv }, en: { translation: en } } as const;

/** `?lang=sv|en` wins, then the policy's language, then the OS / browser locale. */
export function pickLanguage(search: string, policy: Language | null, locale: string): Language {
  const fromQuery = new URLSearchParams(search).get("lang");
  if (fromQuery === "sv" || fromQuery === "en") return fromQuery;
  if (policy) return policy;
  return locale.toLowerCase().startsWith("sv") ? "sv" : "en";
}

export function createI18n(language: Language): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: "en",
    interpolation: { escapeValue: false },
    initImmediate: false,
    showSupportNotice: false,
  });
  return instance;
}
