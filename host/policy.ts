/**
 * Machine policy: what an admin sets for every user of a PC. Read, in order of strength,
 * from the Windows registry (HKLM\SOFTWARE\Policies\Pinwarden, what Group Policy writes),
 * then a JSON file at the platform's machine-wide place, then the defaults. Each value is
 * checked on its own: an invalid one is reported and the next source's value (in the end
 * the default) is used, so one typo never disables the rest. A user cannot override it.
 *
 * The schema below is the one source for the code, the ADMX/ADML templates
 * (scripts/make-admx.ts) and the table in docs/admin.md; tests keep the three in step.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { FAMILIES, type Family } from "../contract/families.js";
import { DEFAULT_RULES } from "../contract/rules.js";
import { policyFilePath, PUK_HELP_DEFAULT, REGISTRY_KEY } from "./policy-defaults.js";

// The file's place and the registry key live in the zod-free policy-defaults.ts (the CLI's fast path).
export { policyFilePath, REGISTRY_KEY };

const length = z.number().int().min(4).max(16);
const lengthRule = z
  .strictObject({ minLength: length, maxLength: length })
  .refine((r) => r.minLength <= r.maxLength, "minLength is above maxLength");

/** Each key: its schema, default, and the words for the docs and the ADMX template. */
export const POLICY_KEYS = {
  organisationName: {
    schema: z.string().max(100).nullable(),
    default: null as string | null,
    type: "string",
    en: "Organisation name shown in the app.",
    sv: "Organisationens namn som visas i appen.",
    example: "Region Skåne",
  },
  helpdeskPhone: {
    schema: z.array(z.string().min(1).max(60)).max(5),
    default: [] as string[],
    type: "list of strings",
    en: "Helpdesk phone numbers, shown in errors and the support view.",
    sv: "IT-supportens telefonnummer, som visas i felmeddelanden och supportvyn.",
    example: ["intern 30000", "extern 0776-73 00 00"],
  },
  helpdeskUrl: {
    schema: z.url({ protocol: /^https?$/ }).nullable(),
    default: null as string | null,
    type: "URL",
    en: "Helpdesk web page.",
    sv: "IT-supportens webbsida.",
    example: "https://support.example.org/kort",
  },
  pukHelp: {
    schema: z.union([
      z.string().trim().min(1).max(260),
      z.strictObject({ sv: z.string().trim().min(1).max(260), en: z.string().trim().min(1).max(260) }),
    ]),
    default: PUK_HELP_DEFAULT as string | { sv: string; en: string },
    type: 'text, or {"sv": text, "en": text}',
    en: 'Where the PUK is and what to do when it is lost; shown by the PUK field, before a PIN\'s last try and when the PUK is blocked. One text for every language (what the ADMX sets), or {"sv": …, "en": …}.',
    sv: 'Var PUK-koden finns och vad man gör när den är borttappad; visas vid PUK-fältet, före en PIN-kods sista försök och när PUK-koden är spärrad. En text för alla språk (det ADMX-mallen sätter), eller {"sv": …, "en": …}.',
    example: "PUK-koden står i kortbrevet. Har du tappat bort den, ring kortadministratören på anknytning 4455.",
  },
  pin: {
    schema: lengthRule,
    default: { ...DEFAULT_RULES.pin },
    type: "{minLength, maxLength}",
    en: "Allowed length of a new PIN (4–16; the card's own limits apply too).",
    sv: "Tillåten längd på en ny PIN-kod (4–16; kortets egna gränser gäller också).",
    example: { minLength: 6, maxLength: 6 },
  },
  puk: {
    schema: lengthRule,
    default: { ...DEFAULT_RULES.puk },
    type: "{minLength, maxLength}",
    en: "Allowed length of a new PUK or admin PIN.",
    sv: "Tillåten längd på en ny PUK-kod eller administratörs-PIN.",
    example: { minLength: 8, maxLength: 8 },
  },
  rejectWeakCodes: {
    schema: z.boolean(),
    default: DEFAULT_RULES.rejectWeakCodes,
    type: "boolean",
    en: "Refuse codes of one repeated digit or a run such as 123456 or 987654.",
    sv: "Neka koder med en och samma siffra eller en sifferföljd som 123456 eller 987654.",
    example: true,
  },
  allowChangePuk: {
    schema: z.boolean(),
    default: false,
    type: "boolean",
    en: "Let users change their PUK (where the card allows it).",
    sv: "Låt användare byta sin PUK-kod (där kortet tillåter det).",
    example: false,
  },
  language: {
    schema: z.enum(["sv", "en"]).nullable(),
    default: null as "sv" | "en" | null,
    type: '"sv", "en" or null (the OS language)',
    en: "Language of the app; unset follows the operating system.",
    sv: "Appens språk; om det inte är satt följer det operativsystemet.",
    example: "sv",
  },
  startAtLogin: {
    schema: z.boolean(),
    default: true,
    type: "boolean",
    en: "Start Pinwarden in the tray when a user logs in.",
    sv: "Starta Pinwarden i aktivitetsfältet när en användare loggar in.",
    example: true,
  },
  notifications: {
    schema: z.boolean(),
    default: true,
    type: "boolean",
    en: "Notify when a card is inserted whose PIN is blocked or has one try left.",
    sv: "Meddela när ett kort sätts i vars PIN-kod är spärrad eller har ett försök kvar.",
    example: true,
  },
  usePinPad: {
    schema: z.boolean(),
    default: true,
    type: "boolean",
    en: "Use a reader's PIN pad where it has one (reserved: PIN-pad support is not built yet).",
    sv: "Använd kortläsarens knappsats där den finns (reserverad: stöd för knappsats finns inte ännu).",
    example: true,
  },
  readerFilter: {
    schema: z.string().max(100),
    default: "",
    type: "string",
    en: "Use only readers whose name contains this text; empty = all readers.",
    sv: "Använd bara kortläsare vars namn innehåller denna text; tomt = alla.",
    example: "OMNIKEY",
  },
  logLevel: {
    schema: z.enum(["error", "warn", "info", "debug"]),
    default: "info" as "error" | "warn" | "info" | "debug",
    type: '"error", "warn", "info" or "debug"',
    en: "How much the log file records.",
    sv: "Hur mycket loggfilen registrerar.",
    example: "info",
  },
  logDirectory: {
    schema: z.string().max(260),
    default: "",
    type: "path",
    en: "Directory for the log files; empty = the platform's log directory for the user.",
    sv: "Katalog för loggfilerna; tomt = plattformens loggkatalog för användaren.",
    example: "C:\\ProgramData\\Pinwarden\\logs",
  },
  cardFamilies: {
    schema: z.array(z.enum(FAMILIES)).min(1),
    default: [...FAMILIES] as Family[],
    type: `list of ${FAMILIES.map((f) => `"${f}"`).join(", ")}`,
    en: "Order in which a card's applications are looked for and shown; every supported application on a card is shown.",
    sv: "Ordning i vilken kortets applikationer söks och visas; alla applikationer som stöds visas.",
    example: [...FAMILIES],
  },
  trustEmptyVerify: {
    schema: z.boolean(),
    default: false,
    type: "boolean",
    en: "This organisation's cards answer an empty VERIFY with the try count and do not count it as a failed try. Only set this for card models you have tested: on other cards Pinwarden shows the count as unknown rather than risk a try.",
    sv: "Organisationens kort svarar på en tom VERIFY med antalet försök och räknar den inte som ett misslyckat försök. Sätt bara detta för kortmodeller ni har provat: på andra kort visar Pinwarden antalet som okänt i stället för att riskera ett försök.",
    example: false,
  },
  certificateWarnings: {
    schema: z.boolean(),
    default: true,
    type: "boolean",
    en: "Warn when a certificate on the card expires within certificateWarningDays, or has expired.",
    sv: "Varna när ett certifikat på kortet går ut inom certificateWarningDays dagar, eller har gått ut.",
    example: true,
  },
  certificateWarningDays: {
    // The ADMX offers it in a text box (REG_SZ): digits there are the number.
    schema: z.preprocess((v) => (typeof v === "string" && /^\s*\d{1,3}\s*$/.test(v) ? Number(v) : v), z.number().int().min(1).max(365)),
    default: 60,
    type: "whole number of days (1–365)",
    en: "How many days before a certificate expires the warning starts.",
    sv: "Hur många dagar innan ett certifikat går ut varningen börjar.",
    example: 60,
  },
} as const;

export type PolicyKey = keyof typeof POLICY_KEYS;
export type Policy = { -readonly [K in PolicyKey]: (typeof POLICY_KEYS)[K]["default"] };
export type PolicySource = "registry" | "file" | "default";

export interface PolicyProblem {
  key: string;
  source: Exclude<PolicySource, "default">;
  message: string;
}

export interface LoadedPolicy {
  policy: Policy;
  sources: Record<PolicyKey, PolicySource>;
  problems: PolicyProblem[];
  /** Where the file was looked for, and the registry key, for the support view. */
  file: string;
}

export function defaultPolicy(): Policy {
  return Object.fromEntries(Object.entries(POLICY_KEYS).map(([k, v]) => [k, structuredClone(v.default)])) as Policy;
}

/** Reads policy values from the registry; null where there is no key (or no registry). */
export type RegistryReader = () => Record<string, unknown> | null;

export interface LoadOptions {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  registry?: RegistryReader;
  readFile?: (path: string) => string | null;
}

function readFileOrNull(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

export function loadPolicy(options: LoadOptions = {}): LoadedPolicy {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const file = policyFilePath(platform, env);
  const problems: PolicyProblem[] = [];
  const layers: { source: Exclude<PolicySource, "default">; values: Record<string, unknown> }[] = [];

  const registry = options.registry?.() ?? null;
  if (registry) layers.push({ source: "registry", values: registry });

  const text = (options.readFile ?? readFileOrNull)(file);
  if (text !== null) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
        layers.push({ source: "file", values: parsed as Record<string, unknown> });
      else problems.push({ key: "*", source: "file", message: "the file is not a JSON object" });
    } catch {
      problems.push({ key: "*", source: "file", message: "the file is not valid JSON" });
    }
  }

  const policy = defaultPolicy();
  const sources = Object.fromEntries(Object.keys(POLICY_KEYS).map((k) => [k, "default"])) as Record<PolicyKey, PolicySource>;
  for (const layer of layers) {
    for (const key of Object.keys(layer.values)) {
      if (!(key in POLICY_KEYS)) problems.push({ key, source: layer.source, message: "unknown key, ignored" });
    }
  }
  for (const key of Object.keys(POLICY_KEYS) as PolicyKey[]) {
    for (const layer of layers) {
      if (!(key in layer.values)) continue;
      const result = POLICY_KEYS[key].schema.safeParse(layer.values[key]);
      if (result.success) {
        (policy as Record<string, unknown>)[key] = result.data;
        sources[key] = layer.source;
        break;
      }
      problems.push({ key, source: layer.source, message: result.error.issues.map((i) => i.message).join("; ") });
    }
  }
  return { policy, sources, problems, file };
}
