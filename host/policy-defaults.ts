/**
 * The light half of machine policy: where it is read from and what it is when nothing is
 * set. No zod here: the CLI uses this to answer `readers` and `status` on a machine with no
 * policy file without loading the schema (host/policy.ts) at all; policy.ts loads and
 * validates whenever there is something to validate.
 *
 * POLICY_DEFAULTS repeats the `default` of each key of POLICY_KEYS: the type below makes the
 * key set exact, and tests/unit/cli-bundle.test.ts checks the values equal defaultPolicy().
 */
import { win32 } from "node:path";
import { FAMILIES } from "../contract/families.js";
import { DEFAULT_RULES } from "../contract/rules.js";
import type { LoadedPolicy, Policy, PolicyKey, PolicySource } from "./policy.js";

export const REGISTRY_KEY = "HKLM\\SOFTWARE\\Policies\\Pinwarden";

/** The machine-wide policy file of a platform; PINWARDEN_POLICY overrides it (tests, pilots). */
export function policyFilePath(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  if (env.PINWARDEN_POLICY) return env.PINWARDEN_POLICY;
  if (platform === "win32") return win32.join(env.ProgramData ?? "C:\\ProgramData", "Pinwarden", "policy.json");
  if (platform === "darwin") return "/Library/Application Support/Pinwarden/policy.json";
  return "/etc/pinwarden/policy.json";
}

/** Where the PUK is and who orders a new one, when policy says nothing of it. */
export const PUK_HELP_DEFAULT = {
  sv: "PUK-koden står i kortbrevet du fick med kortet. Har du tappat bort den, beställ en ny av din organisations kontaktperson för kort.",
  en: "Your PUK is in the card letter you received with your card. If you have lost it, order a new one from your organisation's contact person for cards.",
};

export const POLICY_DEFAULTS: Readonly<Policy> = {
  organisationName: null,
  helpdeskPhone: [],
  helpdeskUrl: null,
  pukHelp: PUK_HELP_DEFAULT,
  // The code rules' defaults are the contract's (contract/rules.ts), once.
  pin: { ...DEFAULT_RULES.pin },
  puk: { ...DEFAULT_RULES.puk },
  rejectWeakCodes: DEFAULT_RULES.rejectWeakCodes,
  allowChangePuk: false,
  language: null,
  startAtLogin: true,
  notifications: true,
  usePinPad: true,
  readerFilter: "",
  logLevel: "info",
  logDirectory: "",
  cardFamilies: [...FAMILIES],
  trustEmptyVerify: false,
  certificateWarnings: true,
  certificateWarningDays: 60,
};

/** What loadPolicy() returns when there is no registry key and no file: every key its default. */
export function defaultLoadedPolicy(file: string): LoadedPolicy {
  const keys = Object.keys(POLICY_DEFAULTS) as PolicyKey[];
  return {
    policy: structuredClone(POLICY_DEFAULTS) as Policy,
    sources: Object.fromEntries(keys.map((k) => [k, "default"])) as Record<PolicyKey, PolicySource>,
    problems: [],
    file,
  };
}
