/**
 * One voice on every surface: the CLI, the support report and docs/error-codes.md speak
 * from native-bridge/service/error-catalog.ts, the app from renderer/src/i18n. Where both
 * say the same thing (a code's name, an error's sentence, a check's sentence, an
 * application's name) they must say it in the same words, in every language.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import {
  APP_NAMES,
  certificateLine,
  certificateName,
  CERTIFICATES,
  CODE_NAMES,
  codeName,
  describeError,
  ERROR_CATALOG,
  LANGUAGES,
  TRAY,
  trayText,
  VALIDATION,
  type Language,
} from "../../native-bridge/service/error-catalog.js";
import { menuTemplate, tooltipWithCertificates, type MonitorSnapshot } from "../../host/tray-state.js";
import type { CardStatus, CertificateRole } from "../../contract/api.js";
import { ERROR_CODES } from "../../contract/errors.js";
import { Secret } from "../../native-bridge/core/secret.js";
import { supportResult } from "../../host/support.js";
import { defaultLoadedPolicy } from "../../host/policy-defaults.js";
import { CardService } from "../../native-bridge/service/card-service.js";
import { createCard } from "../../native-bridge/simulator/cards.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { useCodeName } from "../../renderer/src/components/Tries.js";
import { en } from "../../renderer/src/i18n/en.js";
import { createI18n } from "../../renderer/src/i18n/index.js";
import { sv } from "../../renderer/src/i18n/sv.js";

const APP = { sv, en } as const;
/** The renderer's `{{name}}` and the catalogue's `{name}` are the same hole. */
const holes = (s: string) => s.replace(/\{\{\s*(\w+)\s*\}\}/g, "{$1}");

/** Every code the families name, and codes only the card names (a PKCS#15 slug, PIV's global PIN). */
const CODES = [
  { id: "auth", app: "pkcs15", label: "Legitimering" },
  { id: "sign", app: "pkcs15", label: "Underskrift" },
  { id: "puk", app: "pkcs15", label: "PUK" },
  { id: "pin1", app: "pkcs15", label: "Kortets PIN" },
  { id: "auth", app: "piv", label: "Global PIN" },
  { id: "puk", app: "piv", label: "PIV PUK" },
  { id: "user", app: "openpgp", label: "PW1 (user PIN)" },
  { id: "admin", app: "openpgp", label: "PW3 (admin PIN)" },
  { id: "reset", app: "openpgp", label: "Resetting code" },
  { id: "auth", label: "Legitimering" },
] as const;

/** Every string in a nested object, its `{{x}}` holes as the catalogue's `{x}`. */
const deepHoles = (o: unknown): unknown =>
  typeof o === "string" ? holes(o) : Object.fromEntries(Object.entries(o as object).map(([k, v]) => [k, deepHoles(v)]));

/** The name the status view gives a certificate warning: the code's name, the key's role where the card names none. */
function appCertificateNames(language: Language, role: CertificateRole): string[] {
  let names: string[] = [];
  function Probe() {
    const name = useCodeName();
    names = CODES.map((c) => name({ ...c, label: APP[language].certificates.roles[role] }));
    return null;
  }
  renderToStaticMarkup(createElement(I18nextProvider, { i18n: createI18n(language) }, createElement(Probe)));
  return names;
}

/** What the app shows for each code, from the app's own hook in the app's own i18n. */
function appNames(language: Language): string[] {
  let names: string[] = [];
  function Probe() {
    const name = useCodeName();
    names = CODES.map((c) => name(c));
    return null;
  }
  renderToStaticMarkup(createElement(I18nextProvider, { i18n: createI18n(language) }, createElement(Probe)));
  return names;
}

async function cli(args: string[], answers: string[] = []): Promise<{ code: number; out: string; err: string; asked: string[] }> {
  let out = "";
  let err = "";
  const asked: string[] = [];
  const answer = async (q: string) => {
    asked.push(q);
    return answers.shift() ?? null;
  };
  const terminal = {
    hidden: async (q: string) => {
      const a = await answer(q);
      return a === null ? null : Secret.fromString(a);
    },
    visible: answer,
  };
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t), terminal });
  return { code, out, err, asked };
}

const fillCount = (text: string, count: number) => text.replace("{{count}}", String(count));

/** A renderer string with its `{{code}}` filled in. */
const withCode = (text: string, code: string) => text.replace("{{code}}", code);

describe.each(LANGUAGES)("in %s, the catalogue and the app", (language) => {
  it("name every code alike, the application's own name first, the card's label last", () => {
    expect(CODE_NAMES[language]).toEqual(APP[language].codes);
    expect(CODES.map((c) => codeName(c, language))).toEqual(appNames(language));
  });

  it("name the applications alike", () => {
    expect(APP_NAMES[language]).toEqual(APP[language].status.apps);
  });

  it("give each error code the same sentence", () => {
    for (const code of ERROR_CODES) {
      expect(ERROR_CATALOG[code][language], code).toBe(holes((APP[language].errors as Record<string, string>)[code]!));
    }
  });

  it("give each check the wizard makes the same sentence", () => {
    expect(VALIDATION[language]).toEqual(
      Object.fromEntries(Object.entries(APP[language].validation).map(([k, v]) => [k, holes(v).replace(/\{min\}/g, "{min}")])),
    );
  });

  it("say the same about a count the card did not give", () => {
    expect(describeError("PIN_WRONG", { triesLeft: null }, language)).toContain(APP[language].status.triesUnknownWhy);
  });
});

describe.each(LANGUAGES)("in %s, the tray, its notifications and the app (issue 12 item 5)", (language) => {
  const nav = APP[language].nav;

  it("name the menu's items as the window's navigation does", () => {
    const m = TRAY[language].menu;
    expect([m.change, m.unlock, m.unlockNoPuk, m.status, m.support]).toEqual([
      `${nav.change}…`,
      `${nav.unlock}…`,
      `${nav.unlockNoPuk}…`,
      nav.status,
      nav.support,
    ]);
  });

  it("say a certificate's expiry in the status view's words", () => {
    expect(CERTIFICATES[language]).toEqual(deepHoles(APP[language].certificates));
  });

  it("name every code in a certificate warning as the status view does, in the menu, the tooltip and the notification", () => {
    for (const role of ["identification", "signing"] as const) {
      const names = appCertificateNames(language, role);
      CODES.forEach((c, i) => {
        const warning = { codeId: c.id, app: "app" in c ? c.app : "pkcs15", role, daysLeft: 41 } as const;
        expect(certificateName(warning, language), `${warning.app} ${c.id}`).toBe(names[i]);
        const line = certificateLine(warning, language);
        expect(line).toBe(`${names[i]} – ${fillCount(APP[language].certificates.expires_other, 41)}`);
        expect(trayText(TRAY[language].notify.certificate, { line })).toContain(line);
      });
    }
    // What the tray really shows for a card with one warning.
    const status = {
      reader: "R",
      card: { profile: "pkcs15", atr: "3B", serial: "1", label: null, knownAs: "unknown" },
      app: "pkcs15",
      codes: [],
      applications: [],
      certificateWarnings: [
        { codeId: "sign", app: "pkcs15", role: "signing", daysLeft: -2, expired: true, notAfter: "2026-01-01T00:00:00Z", subject: "X" },
      ],
    } satisfies CardStatus;
    const snapshot: MonitorSnapshot = { serviceAvailable: true, readerCount: 1, cardPresent: true, status, error: null, busy: false };
    const said = `${APP[language].codes.sign} – ${APP[language].certificates.expired}`;
    const noop = () => undefined;
    const menu = menuTemplate(snapshot, language, { change: noop, unlock: noop, status: noop, support: noop, about: noop, quit: noop });
    expect(menu[0]!.label).toBe(said);
    expect(tooltipWithCertificates(snapshot, language)).toBe(`${TRAY[language].tooltip.ready} · ${said}`);
  });

  it("name a blocked or low code in a notification as the app does", () => {
    const names = appNames(language);
    CODES.forEach((c, i) => {
      expect(trayText(TRAY[language].notify.low, { code: codeName(c, language) })).toContain(names[i]!);
    });
  });
});

describe("pinwarden status", () => {
  it("names the codes as the English app does with --lang en, and as the Swedish app with --lang sv", async () => {
    for (const language of LANGUAGES) {
      const r = await cli(["status", "--demo", "--lang", language]);
      expect(r.code).toBe(0);
      for (const id of ["auth", "sign", "puk"] as const) expect(r.out).toContain(`${APP[language].codes[id]} [${id}]`);
    }
    const english = (await cli(["status", "--demo", "--lang", "en"])).out;
    expect(english).not.toMatch(/Legitimering|Underskrift/);
    expect(english).toContain("Card: eID (PKCS#15)");
  });
});

describe.each(LANGUAGES)("in %s, the CLI's prompts and the support report", (language) => {
  const w = APP[language].wizard;

  it("ask and answer in the wizard's words", async () => {
    const change = await cli(["change-pin", "--demo", "--pin", "auth", "--lang", language], ["123456", "975312", "975312"]);
    expect(change.asked).toEqual([
      `${withCode(w.current.label, APP[language].codes.auth)}: `,
      `${withCode(w.new.label, APP[language].codes.auth)}: `,
      `${w.new.confirm}: `,
    ]);
    expect(change.out).toContain(withCode(w.change.done, APP[language].codes.auth));
    const unlock = await cli(["unblock-pin", "--demo", "--pin", "sign", "--lang", language], ["12345678", "975312", "975312"]);
    expect(unlock.asked[0]).toBe(`${w.puk.label}: `);
    expect(unlock.out).toContain(withCode(w.unlock.done, APP[language].codes.sign));
  });

  it("say that support never asks for a code as the app says it", async () => {
    const backend = new InProcessReaders(["Reader A"]);
    backend.insert(createCard("pkcs15"));
    const sources = {
      backend,
      service: new CardService(backend),
      policy: defaultLoadedPolicy("/x"),
      logDirectory: "/l",
      lastOperation: null,
    };
    const { text } = await supportResult(sources);
    expect(text[language]).toContain(w.supportNote);
    await backend.close();
  });
});
