/**
 * `pinwarden` — the command line for support and scripting.
 *
 *   pinwarden readers     [--json]
 *   pinwarden status      [--reader NAME] [--app APP] [--json]
 *   pinwarden change-pin  --pin ID [--app APP] [--reader NAME] [--stdin] [--json]
 *   pinwarden unblock-pin --pin ID [--with ID] [--app APP] [--reader NAME] [--stdin] [--json]
 *   pinwarden policy      [--json]
 *   pinwarden support     [--json] [--export FILE]
 *   pinwarden monitor     [--json] [--count N]
 *
 * Codes are never taken from argv: a hidden prompt asks for them (the new one twice),
 * or with --stdin they are read one per line (current, new; or PUK, new).
 * `--demo` uses a built-in virtual card instead of the PC/SC service.
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import type { ReaderBackend, ReaderEvent } from "../native-bridge/pcsc/types.js";
import { promptHidden, promptVisible, readCodesFromStdin } from "./prompt.js";
import {
  APP_NAMES,
  certificateLine,
  CERTIFICATES,
  codeName,
  describeError,
  describeUsage,
  ERROR_CATALOG,
  EXIT,
  VALIDATION,
  type Language,
  USAGE_ERRORS,
  type UsageError,
} from "../native-bridge/service/error-catalog.js";
import { isPinwardenError } from "../native-bridge/core/errors.js";
import type { ErrorCode } from "../contract/errors.js";
import { checkAgainstCard, checkNewCodePolicy } from "../native-bridge/service/rules.js";
import type { CodeRules } from "../contract/rules.js";
import { Secret, wipeAll } from "../native-bridge/core/secret.js";
import type { CardStatus, CodeStatus, ErrorInfo, Result } from "../native-bridge/service/types.js";
import { FAMILIES, type Family } from "../contract/families.js";
import type { CardService } from "../native-bridge/service/card-service.js";
import { certificateWarnings, warningDays } from "../native-bridge/certs/warnings.js";
import type { CertificateWarning } from "../native-bridge/certs/types.js";
// Machine policy is pure code (zod, a file, `reg query`); it lives with the app in electron/
// and the CLI obeys it too, so a support check on the command line sees the same rules.
// Start-up: only what every command needs is imported here. The card service, the PC/SC
// binding, the simulator, zod (policy validation), winston and fflate (support) load with
// `await import()` on the paths that use them; tests/unit/cli-bundle.test.ts fails if zod
// loads for `--help` or a `status` with no policy to validate.
import { serviceOptionsOf } from "../host/apply-policy.js";
import { defaultLoadedPolicy, policyFilePath, REGISTRY_KEY } from "../host/policy-defaults.js";
import type { LoadedPolicy } from "../host/policy.js";

/**
 * The machine policy. Without a policy file (and off Windows, where the registry may hold
 * one) there is nothing to validate and every key is its default, without loading zod.
 */
async function machinePolicy(): Promise<LoadedPolicy> {
  const file = policyFilePath(process.platform, process.env);
  if (process.platform !== "win32" && !existsSync(file)) return defaultLoadedPolicy(file);
  const [{ loadPolicy }, { windowsRegistry }] = await Promise.all([import("../host/policy.js"), import("../host/policy-registry.js")]);
  return loadPolicy({ registry: windowsRegistry });
}

const SYNOPSIS: Record<string, string> = {
  readers: "pinwarden readers     [--json]",
  status: "pinwarden status      [--reader NAME] [--app APP] [--json]",
  "change-pin": "pinwarden change-pin  --pin ID [--app APP] [--reader NAME] [--stdin] [--json]",
  "unblock-pin": "pinwarden unblock-pin --pin ID [--with ID] [--app APP] [--reader NAME] [--stdin] [--json]",
  policy: "pinwarden policy      [--json]",
  support: "pinwarden support     [--json] [--export FILE]",
  monitor: "pinwarden monitor     [--json] [--count N]",
  certs: "pinwarden certs       [--reader NAME] [--app APP] [--json]",
};
const COMMANDS = Object.keys(SYNOPSIS);

/** The ids `--pin` and `--with` take on each family's cards (other PKCS#15 cards: see `status`). */
const FAMILY_IDS: Record<Family, { id: string; label: string }[]> = {
  pkcs15: [
    { id: "auth", label: "auth" },
    { id: "sign", label: "sign" },
    { id: "puk", label: "puk" },
  ],
  piv: [
    { id: "auth", label: "PIV PIN" },
    { id: "puk", label: "PIV PUK" },
  ],
  openpgp: [
    { id: "user", label: "user" },
    { id: "admin", label: "admin" },
    { id: "reset", label: "reset" },
  ],
};

const HELP = {
  en: {
    usage: "usage:",
    options: "options:",
    lines: [
      ["--lang sv|en", "language (default: the policy's, else LC_ALL, LC_MESSAGES or LANG)"],
      ["--demo", "a built-in virtual card, no reader needed"],
      ["--reader NAME", "the reader (default: the first with a card)"],
      ["--pin ID", "the code to change or unlock (ids below)"],
      ["--app pkcs15|piv|openpgp", "the application, on a card that carries several"],
      ["--with ID", "unlock with this code (OpenPGP: admin or reset)"],
      ["--stdin", "read the codes from standard input, one a line"],
      ["--json", "machine-readable output (docs/cli.md)"],
      ["--record FILE", "status, change-pin, unblock-pin: every APDU to FILE, codes masked"],
      ["--count N", "monitor: stop after N events"],
      ["--export FILE", "support: write the diagnostics zip"],
    ],
    ids: "code ids (--pin, --with):",
    others: "other PKCS#15 cards: the ids pinwarden status shows",
    examples: "examples:",
    example: [
      "pinwarden status --demo",
      "pinwarden change-pin --pin auth",
      "pinwarden unblock-pin --pin sign",
      "pinwarden unblock-pin --pin user --app openpgp --with reset",
      "pinwarden change-pin --pin auth --stdin < codes.txt      (current code, new code: one a line)",
    ],
    never: "Codes are never given on the command line: pinwarden asks for them, hidden.",
  },
  sv: {
    usage: "användning:",
    options: "alternativ:",
    lines: [
      ["--lang sv|en", "språk (annars datorprincipens, eller LC_ALL, LC_MESSAGES, LANG)"],
      ["--demo", "ett inbyggt virtuellt kort, ingen kortläsare behövs"],
      ["--reader NAME", "kortläsaren (annars den första med ett kort)"],
      ["--pin ID", "koden som ska ändras eller låsas upp (id:n nedan)"],
      ["--app pkcs15|piv|openpgp", "applikationen, på ett kort som har flera"],
      ["--with ID", "lås upp med den här koden (OpenPGP: admin eller reset)"],
      ["--stdin", "läs koderna från standard in, en per rad"],
      ["--json", "maskinläsbart (docs/cli.md)"],
      ["--record FILE", "status, change-pin, unblock-pin: varje APDU till FILE, koder maskerade"],
      ["--count N", "monitor: sluta efter N händelser"],
      ["--export FILE", "support: skriv diagnostikfilen (zip)"],
    ],
    ids: "kod-id (--pin, --with):",
    others: "andra PKCS#15-kort: de id som pinwarden status visar",
    examples: "exempel:",
    example: [
      "pinwarden status --demo",
      "pinwarden change-pin --pin auth",
      "pinwarden unblock-pin --pin sign",
      "pinwarden unblock-pin --pin user --app openpgp --with reset",
      "pinwarden change-pin --pin auth --stdin < koder.txt      (nuvarande kod, ny kod: en per rad)",
    ],
    never: "Koder anges aldrig på kommandoraden: pinwarden frågar efter dem, dolt.",
  },
} as const;

/** `--help`: every command, the options, the code ids per family with the app's names, examples. */
function helpText(lang: Language): string {
  const h = HELP[lang];
  const ids = FAMILIES.map((family) => {
    const list = FAMILY_IDS[family].map((c) => `${c.id} = ${codeName({ id: c.id, label: c.label, app: family }, lang)}`).join(", ");
    return `  ${APP_NAMES[lang][family].padEnd(14)} ${list}`;
  });
  return [
    h.usage,
    ...COMMANDS.map((c) => `  ${SYNOPSIS[c]}`),
    h.options,
    ...h.lines.map(([o, what]) => `  ${o.padEnd(26)} ${what}`),
    h.ids,
    ...ids,
    `  ${h.others}`,
    h.examples,
    ...h.example.map((e) => `  ${e}`),
    h.never,
    "",
  ].join("\n");
}

/** The usage line(s) shown under a usage error: the command's own, else every command's. */
function usageLines(lang: Language, command?: string): string {
  const lines = command && SYNOPSIS[command] ? [SYNOPSIS[command]] : COMMANDS.map((c) => SYNOPSIS[c]!);
  return `${HELP[lang].usage}\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
}

/** A prompt the CLI can ask on: hidden for codes, visible for yes/no. null: Ctrl-C / Ctrl-D. */
export interface Terminal {
  hidden(question: string): Promise<Secret | null>;
  visible(question: string): Promise<string | null>;
}

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Where to ask for codes; by default the process's own terminal, if it has one. */
  terminal?: Terminal | null;
}

/** How many times a prompt asks for an answer its checks refuse. */
export const MAX_ASKS = 3;

const TEXT = {
  en: {
    reader: "Reader",
    card: "Card",
    serial: "serial",
    noReaders: "No card readers.",
    cardPresent: "card present",
    empty: "empty",
    tries: (s: CodeStatus) =>
      !s.triesKnown || s.triesLeft === null
        ? "tries left unknown"
        : s.maxTries !== null
          ? `${s.triesLeft} of ${s.maxTries} tries left`
          : s.triesLeft === 1
            ? "1 try left"
            : `${s.triesLeft} tries left`,
    state: { ok: "", low: "  ONE TRY LEFT", blocked: "  BLOCKED", unknown: "", unavailable: "  NOT SET" },
    current: (l: string) => `Current PIN for ${l}: `,
    unblocker: { puk: "PUK (unlocking code): ", admin: "Admin PIN: ", reset: "Resetting code: ", pin: "PIN: " },
    next: (l: string) => `New PIN for ${l}: `,
    again: "Repeat the new PIN: ",
    lastTry: (l: string) => `Only one try is left for ${l}. A wrong code will block it. Continue? [y/N] `,
    unknownTries: (l: string) => `The card does not say how many tries are left for ${l}. A wrong code uses up one try. Continue? [y/N] `,
    application: "Application",
    cancelled: "Cancelled. Nothing was sent to the card.",
    changed: (l: string) => `The PIN for ${l} has been changed.`,
    unblocked: (l: string) => `${l} is unlocked with the new PIN.`,
    askedEnough: (n: number) => `Asked ${n} times. Nothing was sent to the card.`,
    checked: (l: string) => `The card accepted the current code for ${l}.`,
    cancelledChecked: "Cancelled. The card only checked the current code; nothing was changed.",
    askedEnoughChecked: (n: number) => `Asked ${n} times. The card only checked the current code; nothing was changed.`,
  },
  sv: {
    reader: "Kortläsare",
    card: "Kort",
    serial: "serienummer",
    noReaders: "Inga kortläsare.",
    cardPresent: "kort isatt",
    empty: "tom",
    tries: (s: CodeStatus) =>
      !s.triesKnown || s.triesLeft === null
        ? "antal försök okänt"
        : s.maxTries !== null
          ? `${s.triesLeft} av ${s.maxTries} försök kvar`
          : `${s.triesLeft} försök kvar`,
    state: { ok: "", low: "  ETT FÖRSÖK KVAR", blocked: "  SPÄRRAD", unknown: "", unavailable: "  INTE SATT" },
    current: (l: string) => `Nuvarande säkerhetskod för ${l}: `,
    unblocker: { puk: "PUK-kod (upplåsningskod): ", admin: "Administratörs-PIN: ", reset: "Återställningskod: ", pin: "PIN-kod: " },
    next: (l: string) => `Ny säkerhetskod för ${l}: `,
    again: "Upprepa den nya säkerhetskoden: ",
    lastTry: (l: string) => `Endast ett försök återstår för ${l}. Skriver du fel spärras koden. Fortsätta? [j/N] `,
    unknownTries: (l: string) =>
      `Kortet visar inte hur många försök som återstår för ${l}. En felaktig kod förbrukar ett försök. Fortsätta? [j/N] `,
    application: "Applikation",
    cancelled: "Avbrutet. Inget skickades till kortet.",
    changed: (l: string) => `Säkerhetskoden för ${l} är ändrad.`,
    unblocked: (l: string) => `${l} är upplåst med den nya säkerhetskoden.`,
    askedEnough: (n: number) => `Frågat ${n} gånger. Inget skickades till kortet.`,
    checked: (l: string) => `Kortet har godkänt den nuvarande koden för ${l}.`,
    cancelledChecked: "Avbrutet. Kortet kontrollerade bara den nuvarande koden; inget ändrades.",
    askedEnoughChecked: (n: number) => `Frågat ${n} gånger. Kortet kontrollerade bara den nuvarande koden; inget ändrades.`,
  },
} as const;

export function languageFrom(env: NodeJS.ProcessEnv, flag?: string): Language {
  if (flag === "sv" || flag === "en") return flag;
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || "";
  return locale.toLowerCase().startsWith("sv") ? "sv" : "en";
}

function errorJson(error: ErrorInfo, lang: Language, name?: string) {
  const message = describeError(error.code, error, lang, name ? { name } : {});
  return { error: { ...error, support: ERROR_CATALOG[error.code].support, message } };
}

const nameOf = (c: CodeStatus, lang: Language) => codeName(c, lang);

/** `only`: one application; `codes`: only these codes (after a change: the ones it touched). */
function formatStatus(s: CardStatus, lang: Language, only?: Family, codes?: readonly string[]): string {
  const t = TEXT[lang];
  const apps = s.applications.filter((a) => only === undefined || a.app === only);
  const lines = [`${t.reader}: ${s.reader}`];
  const several = s.applications.length > 1;
  if (!several) {
    lines.push(`${t.card}: ${APP_NAMES[lang][s.card.profile]}${s.card.serial ? `, ${t.serial} ${s.card.serial}` : ""}, ATR ${s.card.atr}`);
  } else {
    lines.push(`${t.card}: ATR ${s.card.atr}`);
  }
  const title = (c: CodeStatus) => `${nameOf(c, lang)} [${c.id}]`;
  const width = Math.max(...apps.flatMap((a) => a.codes.map((c) => title(c).length)));
  for (const a of apps) {
    if (several) lines.push(`${t.application}: ${APP_NAMES[lang][a.app]}${a.serial ? `, ${t.serial} ${a.serial}` : ""}`);
    for (const c of a.codes.filter((x) => !codes || codes.includes(x.id)))
      lines.push(`  ${title(c).padEnd(width)}  ${t.tries(c)}${t.state[c.state]}`);
  }
  return lines.join("\n") + "\n";
}
function codeJson(c: CodeStatus) {
  return {
    id: c.id,
    label: c.label,
    kind: c.kind,
    triesLeft: c.triesLeft,
    triesKnown: c.triesKnown,
    maxTries: c.maxTries,
    blocked: c.blocked,
    state: c.state,
  };
}

/**
 * `status`'s certificate warnings: read after the status, by the policy's days; [] with the
 * warning off (nothing read); null where the certificates could not be read (unknown).
 */
export async function statusCertificateWarnings(
  service: CardService,
  target: { reader?: string; app?: Family },
  policy: LoadedPolicy["policy"],
): Promise<CertificateWarning[] | null> {
  const days = warningDays(policy);
  if (days === null) return [];
  const read = await service.certificates(target);
  return read.ok ? certificateWarnings(read.value.certificates, days) : null;
}

/** A line per warning, "Underskrift – certifikatet går ut om 41 dagar"; unknown: one line saying so. */
export function formatCertificateWarnings(warnings: CertificateWarning[] | null, lang: Language): string {
  const t = CERTIFICATES[lang];
  if (warnings === null) return `${t.heading}: ${t.notRead}\n`;
  if (warnings.length === 0) return "";
  return (
    warnings.map((w) => `${certificateLine(w, lang)} (${t.until.replace("{date}", w.notAfter.slice(0, 10))})\n`).join("") + t.renew + "\n"
  );
}

/** `codes` are those of `app`; `applications` lists every application on the card. */
function statusJson(s: CardStatus) {
  return {
    reader: s.reader,
    card: s.card,
    app: s.app,
    codes: s.codes.map(codeJson),
    applications: s.applications.map((a) => ({ app: a.app, serial: a.serial, label: a.label, codes: a.codes.map(codeJson) })),
  };
}

const OPTIONS = {
  json: { type: "boolean", default: false },
  reader: { type: "string" },
  pin: { type: "string" },
  stdin: { type: "boolean", default: false },
  lang: { type: "string" },
  demo: { type: "boolean", default: false },
  export: { type: "string" },
  count: { type: "string" },
  app: { type: "string" },
  with: { type: "string" },
  record: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** An option whose name says it carries a code (--pin-code, --puk, --new-pin, --current, --kod…). */
const CODE_WORDS = new Set(["current", "nuvarande", "new", "ny", "old", "gammal", "pass", "password", "secret", "losen", "lösen"]);
/** A name part with pin, puk, code or kod in it, or a word a code goes by; "--folder" is none. */
const looksLikeCodeOption = (name: string) =>
  name
    .toLowerCase()
    .split(/[-_.]/)
    .some((part) => /pin|puk|code|kod/.test(part) || CODE_WORDS.has(part));
/** A value that looks like a code rather than an id: ids are words, codes digits. */
const LOOKS_LIKE_A_CODE = /^\d+$/;

type Usage = { error: UsageError; values?: Record<string, string>; command?: string };

/**
 * The arguments, or the usage error they make. Node's own parseArgs messages never reach
 * the user (they are English and may quote a value that is a code); values are never
 * quoted back, only option names.
 */
function parse(argv: string[]): { values: Record<string, string | boolean | undefined>; positionals: string[] } | Usage {
  let tokens;
  try {
    ({ tokens } = parseArgs({ args: argv, allowPositionals: true, strict: false, tokens: true, options: OPTIONS }));
  } catch {
    return { error: "OPTION_VALUE", values: { option: "?", problem: "?" } };
  }
  const values: Record<string, string | boolean | undefined> = { json: false, stdin: false, demo: false, help: false };
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    const known = (OPTIONS as Record<string, { type: string }>)[token.name];
    if (!known)
      return looksLikeCodeOption(token.name)
        ? { error: "CODE_ON_COMMAND_LINE" }
        : { error: "UNKNOWN_OPTION", values: { option: token.rawName } };
    if (known.type === "boolean" && token.value !== undefined)
      return { error: "OPTION_VALUE", values: { option: token.rawName, problem: "novalue" } };
    if (known.type === "string" && (token.value === undefined || token.value.startsWith("--")))
      return { error: "OPTION_VALUE", values: { option: token.rawName, problem: "value" } };
    values[token.name] = known.type === "boolean" ? true : token.value;
  }
  return { values, positionals };
}

const PROBLEM = {
  en: { value: "it needs a value", novalue: "it takes no value", count: "it takes a whole number above 0", "?": "see the usage" },
  sv: {
    value: "det behöver ett värde",
    novalue: "det tar inget värde",
    count: "det tar ett heltal större än 0",
    "?": "se användningsraden",
  },
} as const;

/** `--lang` as typed anywhere in argv, for the words of an error met before parsing is done. */
function langArg(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--lang") return argv[i + 1];
    if (argv[i]!.startsWith("--lang=")) return argv[i]!.slice(7);
  }
  return undefined;
}

/** "status, change-pin and unblock-pin" / "…och unblock-pin". */
const listOf = (items: string[], lang: Language) =>
  items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} ${lang === "sv" ? "och" : "and"} ${items.at(-1)}`;

type Problem = ErrorInfo & { digits?: boolean };

/** A check's verdict on one typed code: null, or the problem as the wizard would say it. */
function problemOf(check: () => void, digits: boolean): Problem | null {
  try {
    check();
    return null;
  } catch (error) {
    if (!isPinwardenError(error)) throw error;
    return { code: error.code, ...error.details, digits };
  }
}

/** The sentence for a problem found before sending, in the wizard's words, with its number. */
function problemText(p: Problem, lang: Language): string {
  const v = VALIDATION[lang];
  const support = ERROR_CATALOG[p.code].support;
  switch (p.code) {
    case "CODE_LENGTH":
      return describeError(p.code, p, lang, { digits: p.digits ?? true });
    case "CODE_NOT_DIGITS":
      return `${v.digits} (${support})`;
    case "CODE_SAME_AS_CURRENT":
      return `${v.same} (${support})`;
    case "CODE_WEAK":
      return `${v.weak} (${support})`;
    case "CODE_CONFIRMATION_MISMATCH":
      return `${v.mismatch} (${support})`;
    default:
      return describeError(p.code, p, lang);
  }
}

/** A code the person has (current PIN, PUK): the card's charset and bounds; empty is a length. */
function checkHeld(code: CodeStatus, value: Secret, rules: CodeRules): Problem | null {
  const digits = code.charset === "digits";
  if (value.length === 0) return { code: "CODE_LENGTH", codeId: code.id, minLength: code.minLength, maxLength: code.maxLength, digits };
  return problemOf(() => checkAgainstCard({ ...code, reference: 0 }, value, false, rules), digits);
}

/** A new code: digits, the card's and the policy's bounds, not the current one, not weak. */
function checkNext(code: CodeStatus, value: Secret, current: Secret | undefined, rules: CodeRules): Problem | null {
  const digits = code.numeric || rules.digitsOnly;
  const rule = code.kind === "pin" ? rules.pin : rules.puk;
  const bounds = { minLength: Math.max(code.minLength, rule.minLength), maxLength: Math.min(code.maxLength, rule.maxLength) };
  if (value.length === 0) return { code: "CODE_LENGTH", codeId: code.id, ...bounds, digits };
  if (digits && !value.isDigits()) return { code: "CODE_NOT_DIGITS", codeId: code.id, digits };
  return problemOf(() => {
    checkAgainstCard({ ...code, reference: 0 }, value, true, rules);
    checkNewCodePolicy(code.kind, value, current, rules, code.id);
  }, digits);
}

export async function main(
  argv: string[],
  io: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
): Promise<number> {
  const early = langArg(argv);
  const parsed = parse(argv);
  // Before the policy is read (no zod for a usage error or --help): --lang, else the locale.
  let lang = languageFrom(process.env, early);
  const usage = (u: Usage): number => {
    const values = { ...u.values };
    const command = u.command ?? argv.find((a) => COMMANDS.includes(a));
    if (u.error === "OPTION_VALUE") values.problem = PROBLEM[lang][(values.problem ?? "?") as keyof (typeof PROBLEM)["en"]];
    const message = describeUsage(u.error, values, lang);
    // With --json, also as JSON on stdout (like every other error); never with a value typed.
    if (argv.includes("--json"))
      io.out(JSON.stringify({ error: { code: `USAGE_${u.error}`, support: USAGE_ERRORS[u.error].support, message } }) + "\n");
    io.err(`${message}\n${usageLines(lang, command)}`);
    return EXIT.usage;
  };
  if ("error" in parsed) return usage(parsed);
  const values = parsed.values as { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]["type"] extends "boolean" ? boolean : string };
  const { positionals } = parsed;
  if (values.lang !== undefined && values.lang !== "sv" && values.lang !== "en") return usage({ error: "BAD_LANG" });
  // The demo card has nothing to lose: with no command, show its status.
  const command = positionals[0] ?? (values.demo ? "status" : undefined);
  if (values.help || !command) {
    if (values.help) io.out(helpText(lang));
    else io.err(helpText(lang));
    return values.help ? EXIT.ok : EXIT.usage;
  }
  if (!COMMANDS.includes(command)) return usage({ error: "UNKNOWN_COMMAND", values: { command } });
  if (positionals.length > 1) return usage({ error: "CODE_ON_COMMAND_LINE", command });
  if (
    (values.pin !== undefined && LOOKS_LIKE_A_CODE.test(values.pin)) ||
    (values.with !== undefined && LOOKS_LIKE_A_CODE.test(values.with))
  )
    return usage({ error: "CODE_ON_COMMAND_LINE", command });
  if ((command === "change-pin" || command === "unblock-pin") && !values.pin)
    return usage({ error: "NEEDS_PIN", values: { command }, command });
  if (values.app !== undefined && !(FAMILIES as readonly string[]).includes(values.app))
    return usage({ error: "BAD_APP", values: { values: FAMILIES.join(", ") }, command });
  if (values.with !== undefined && command !== "unblock-pin")
    return usage({ error: "NOT_WITH_COMMAND", values: { option: "--with", commands: "unblock-pin" }, command });
  if (values.record !== undefined && !["status", "change-pin", "unblock-pin"].includes(command))
    return usage({
      error: "NOT_WITH_COMMAND",
      values: { option: "--record", commands: listOf(["status", "change-pin", "unblock-pin"], lang) },
      command,
    });
  if (values.count !== undefined && (command !== "monitor" || !/^[1-9]\d*$/.test(values.count)))
    return command !== "monitor"
      ? usage({ error: "NOT_WITH_COMMAND", values: { option: "--count", commands: "monitor" }, command })
      : usage({ error: "OPTION_VALUE", values: { option: "--count", problem: "count" }, command });
  if (values.export !== undefined && command !== "support")
    return usage({ error: "NOT_WITH_COMMAND", values: { option: "--export", commands: "support" }, command });

  const loaded = await machinePolicy();
  lang = languageFrom(process.env, values.lang ?? loaded.policy.language ?? undefined);
  const t = TEXT[lang];
  /** The codes read so far, by id: an error about one names it ("Wrong PIN for Signing…"). */
  const named = new Map<string, string>();
  const fail = (error: ErrorInfo): number => {
    const name = error.codeId !== undefined ? named.get(error.codeId) : undefined;
    if (values.json) io.out(JSON.stringify(errorJson(error, lang, name)) + "\n");
    else io.err(describeError(error.code, error, lang, name ? { name } : {}) + "\n");
    return ERROR_CATALOG[error.code].exitCode;
  };
  const failCode = (code: ErrorCode) => fail({ code });
  // The certificates (issue 14) live in their own module, loaded only for this command.
  if (command === "certs") return (await import("./certs.js")).certsCommand({ values, positionals, policy: loaded, lang, io });

  if (command === "policy") {
    if (values.json) {
      io.out(
        JSON.stringify({
          policy: loaded.policy,
          sources: loaded.sources,
          problems: loaded.problems,
          file: loaded.file,
          registryKey: REGISTRY_KEY,
        }) + "\n",
      );
    } else {
      io.out(`policy file: ${loaded.file}\nregistry key: ${REGISTRY_KEY}\n`);
      const { POLICY_KEYS } = await import("../host/policy.js");
      for (const key of Object.keys(POLICY_KEYS) as (keyof typeof POLICY_KEYS)[]) {
        io.out(`  ${key.padEnd(17)} ${JSON.stringify(loaded.policy[key])}  (${loaded.sources[key]})\n`);
      }
      for (const p of loaded.problems) io.out(`  ignored: ${p.key} from the ${p.source}: ${p.message}\n`);
    }
    return EXIT.ok;
  }
  const app = values.app as Family | undefined;

  let backend: ReaderBackend;
  if (values.demo) {
    const [{ InProcessReaders }, { createCard }] = await Promise.all([
      import("../native-bridge/simulator/in-process-readers.js"),
      import("../native-bridge/simulator/cards.js"),
    ]);
    const demo = new InProcessReaders(["Pinwarden Demo Reader"]);
    demo.insert(createCard("pkcs15"));
    backend = demo;
  } else {
    const { PcscReaders } = await import("../native-bridge/pcsc/pcsc-readers.js");
    backend = new PcscReaders(loaded.policy.readerFilter ? { readerFilter: loaded.policy.readerFilter } : {});
  }
  // --record FILE: a transcript of the card conversation, codes masked (pcsc/recording.ts).
  let recorder: import("../native-bridge/pcsc/recording.js").RecordingReaders | undefined;
  if (values.record !== undefined) {
    const { RecordingReaders } = await import("../native-bridge/pcsc/recording.js");
    try {
      recorder = RecordingReaders.toFile(backend, values.record, [`recorded by pinwarden ${command}${values.demo ? " --demo" : ""}`]);
    } catch (error) {
      return usage({
        error: "CANNOT_WRITE",
        values: { file: values.record, reason: (error as NodeJS.ErrnoException).code ?? "error" },
        command,
      });
    }
    backend = recorder;
  }
  const { CardService } = await import("../native-bridge/service/card-service.js");
  const service = new CardService(backend, serviceOptionsOf(loaded.policy));
  try {
    await backend.ready();
    const reader = values.reader !== undefined ? { reader: values.reader } : {};

    if (command === "monitor") {
      // One line per reader, card or service event, until stopped (or --count events).
      const limit = values.count ? Number(values.count) : Infinity;
      let seen = 0;
      const print = (e: ReaderEvent) => {
        const line = { at: new Date().toISOString(), ...e };
        io.out(
          values.json
            ? JSON.stringify(line) + "\n"
            : `${line.at} ${e.type}${"reader" in e ? ` ${e.reader}` : ""}${"atr" in e ? ` ${e.atr}` : ""}\n`,
        );
      };
      // The state at start, as events, so a reader of the stream needs nothing else.
      print(backend.serviceAvailable ? { type: "service-up" } : { type: "service-down" });
      for (const r of backend.readers()) {
        print({ type: "reader-added", reader: r.name });
        if (r.cardPresent) print({ type: "card-inserted", reader: r.name, atr: r.atr ?? "", insertion: r.insertion });
      }
      // The backend's own timers are unref'd (a library must not keep its host alive), so
      // while pcscd is down nothing else would hold the process: the monitor holds it
      // itself, until it is stopped, so it sees the service come back.
      const keepAlive = setInterval(() => undefined, 2 ** 30);
      try {
        await new Promise<void>((resolve) => {
          backend.on((e) => {
            print(e);
            if (++seen >= limit) resolve();
          });
          process.once("SIGINT", () => resolve());
          process.once("SIGTERM", () => resolve());
        });
      } finally {
        clearInterval(keepAlive);
      }
      return EXIT.ok;
    }

    if (command === "support") {
      const [{ defaultLogDirectory }, { lastAuditFromLogs, supportResult, writeDiagnostics }] = await Promise.all([
        import("../host/logging.js"),
        import("../host/support.js"),
      ]);
      const logDirectory = loaded.policy.logDirectory || defaultLogDirectory();
      const sources = {
        backend,
        service,
        policy: loaded,
        logDirectory,
        lastOperation: lastAuditFromLogs(logDirectory),
        // Read after the report's status, as `status` does (no cache across runs).
        certificateWarnings: () => statusCertificateWarnings(service, reader, loaded.policy),
      };
      if (values.export) {
        let path: string;
        try {
          path = await writeDiagnostics(sources, values.export);
        } catch {
          return failCode("EXPORT_FAILED");
        }
        io.out(values.json ? JSON.stringify({ ok: true, path }) + "\n" : `${path}\n`);
        return EXIT.ok;
      }
      const result = await supportResult(sources);
      io.out(values.json ? JSON.stringify(result.report) + "\n" : result.text[lang]);
      return EXIT.ok;
    }

    if (command === "readers") {
      if (!backend.serviceAvailable) return failCode("PCSC_UNAVAILABLE");
      const readers = service.readers();
      if (values.json) io.out(JSON.stringify({ readers }) + "\n");
      else if (readers.length === 0) io.out(t.noReaders + "\n");
      else for (const r of readers) io.out(`${r.name}: ${r.cardPresent ? `${t.cardPresent}, ATR ${r.atr}` : t.empty}\n`);
      return EXIT.ok;
    }

    const target = { ...reader, ...(app ? { app } : {}) };
    if (command === "status") {
      const status = await service.status(target);
      if (!status.ok) return fail(status.error);
      // The certificates after the status, never interleaved with it (issue 14): a one-shot
      // run has no cache to wait for. Off by policy: none, and nothing read for them.
      const warnings = await statusCertificateWarnings(service, target, loaded.policy);
      io.out(
        values.json
          ? JSON.stringify({ ...statusJson(status.value), certificateWarnings: warnings }) + "\n"
          : formatStatus(status.value, lang, app) + formatCertificateWarnings(warnings, lang),
      );
      return EXIT.ok;
    }

    // Only what the prompt needs: the card's layout and the counters of the codes involved.
    const id = values.pin!;
    const before = await service.status({ ...target, codes: [id] });
    if (!before.ok) return fail(before.error);
    const code = before.value.codes.find((c) => c.id === id);
    if (!code) return fail({ code: "CODE_UNKNOWN", codeId: id });
    const name = nameOf(code, lang);
    for (const c of before.value.codes) named.set(c.id, nameOf(c, lang));
    const unblocking = command === "unblock-pin";
    const ways = [code.unblockedBy, ...(code.alsoUnblockedBy ?? [])].filter((w): w is string => !!w);
    if (unblocking && !values.with && ways.length > 1)
      return usage({ error: "CHOOSE_UNBLOCKER", values: { name, ids: ways.join("|") }, command });
    const using = values.with ?? code.unblockedBy;
    const typed = unblocking ? before.value.codes.find((c) => c.id === using) : code;
    if (!typed || (unblocking && !ways.includes(typed.id))) return fail({ code: "OPERATION_NOT_ALLOWED", codeId: id });

    let first: Secret | null = null;
    let next: Secret | null = null;
    let again: Secret | null = null;
    try {
      if (values.stdin) {
        [first = null, next = null] = await readCodesFromStdin(2);
        if (!first || !next) return usage({ error: "STDIN_LINES", command });
      } else {
        const terminal =
          io.terminal === undefined ? (process.stdin.isTTY ? { hidden: promptHidden, visible: promptVisible } : null) : io.terminal;
        if (!terminal) return usage({ error: "NO_TERMINAL", command });
        /** The card has accepted the current code (checkCode): "nothing was sent" is no longer true. */
        let checked = false;
        const cancelled = () => {
          io.err((checked ? t.cancelledChecked : t.cancelled) + "\n");
          return EXIT.ok;
        };
        /** After MAX_ASKS refused answers: the last problem, as an error (exit 5). */
        const gaveUp = (p: Problem): number => {
          io.err((checked ? t.askedEnoughChecked : t.askedEnough)(MAX_ASKS) + "\n");
          const info: Problem = { ...p };
          delete info.digits;
          if (values.json) io.out(JSON.stringify(errorJson(info, lang)) + "\n");
          return ERROR_CATALOG[p.code].exitCode;
        };
        // Warn before the last try, and where the card does not say how many are left.
        const typedName = nameOf(typed, lang);
        const question =
          typed.triesLeft === 1 ? t.lastTry(typedName) : !typed.triesKnown || typed.triesLeft === null ? t.unknownTries(typedName) : null;
        if (question) {
          const answer = await terminal.visible(question);
          if (!answer || !/^[yj]/i.test(answer.trim())) return cancelled();
        }
        const rules = service.rules;
        // The code the person has: asked again (up to MAX_ASKS) while its shape is wrong.
        const firstQuestion = unblocking ? t.unblocker[typed.kind] : t.current(name);
        let problem: Problem | null = null;
        for (let ask = 0; ask < MAX_ASKS && !first; ask++) {
          const answer = await terminal.hidden(firstQuestion);
          if (!answer) return cancelled();
          problem = checkHeld(typed, answer, rules);
          if (!problem) first = answer;
          else {
            answer.wipe();
            io.err(problemText(problem, lang) + "\n");
          }
        }
        if (!first) return gaveUp(problem!);
        // Where the card can check it (canCheck: one VERIFY, the try the change would have
        // cost), the current code is checked before a new one is asked for (issue 12), as
        // the wizard does. checkCode wipes what it is given: it gets a copy.
        if (!unblocking && code.canCheck) {
          const result = await service.checkCode(id, Secret.fromBuffer(Buffer.from(first.bytes())), target);
          if (!result.ok) return fail(result.error);
          checked = true;
          io.err(t.checked(name) + "\n");
        }
        // The new code, checked as typed, then its confirmation; a mismatch asks for both again.
        for (let ask = 0; ask < MAX_ASKS && !again; ask++) {
          next = await terminal.hidden(t.next(name));
          if (!next) return cancelled();
          problem = checkNext(code, next, unblocking ? undefined : first, rules);
          if (!problem) {
            const confirm = await terminal.hidden(t.again);
            if (!confirm) return cancelled();
            if (confirm.equals(next)) again = confirm;
            else {
              confirm.wipe();
              problem = { code: "CODE_CONFIRMATION_MISMATCH", codeId: code.id };
            }
          }
          if (problem) {
            next.wipe();
            next = null;
            io.err(problemText(problem, lang) + "\n");
          }
        }
        if (!again || !next) return gaveUp(problem!);
      }
      const result: Result<CardStatus> = unblocking
        ? await service.unblockPin(id, first, next, { ...target, using: typed.id })
        : await service.changePin(id, first, next, target);
      if (!result.ok) return fail(result.error);
      if (values.json) io.out(JSON.stringify({ ok: true, ...statusJson(result.value) }) + "\n");
      else
        io.out(
          (unblocking ? t.unblocked(name) : t.changed(name)) + "\n" + formatStatus(result.value, lang, result.value.app, [id, typed.id]),
        );
      return EXIT.ok;
    } finally {
      wipeAll(first ?? undefined, next ?? undefined, again ?? undefined);
    }
  } finally {
    service.close();
    // The pcsclite binding can block joining its watcher threads on close; a CLI that
    // is about to exit has nothing to release, so only the in-process backend is closed.
    if (values.demo) await backend.close();
    recorder?.stopRecording();
  }
}

/** Runs the CLI and exits once stdout has drained, so piped output is never cut short. */
export function runCli(argv: string[]): void {
  main(argv).then(
    (code) => process.stdout.write("", () => process.exit(code)),
    (error: unknown) => {
      process.stderr.write(`pinwarden: unexpected ${(error as Error)?.name ?? "error"}\n`);
      process.exit(EXIT.cardError);
    },
  );
}

if (process.argv[1] && /(^|[\\/])cli[\\/]main\.(ts|js)$/.test(process.argv[1])) runCli(process.argv.slice(2));
