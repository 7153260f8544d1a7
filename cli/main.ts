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
import { FAMILIES, type Family } from "../contract/families.js";
import { APP_NAMES, codeName, describeUsage, EXIT, type Language, USAGE_ERRORS } from "../native-bridge/service/error-catalog.js";
import { commandContext, type Io, type Usage } from "./context.js";
import { listOf } from "./output.js";
// Machine policy is pure code (zod, a file, `reg query`); it lives in host/ with the rest of
// the application, and the CLI obeys it too, so a support check on the command line sees
// the same rules. Start-up: only what every command needs is imported here. The card
// service, the PC/SC binding, the simulator, zod (policy validation), winston and fflate
// (support) load with `await import()` on the paths that use them, each command from its
// own module (cli/commands/); tests/unit/cli-bundle.test.ts fails if zod loads for `--help`
// or a `status` with no policy to validate.
import { defaultLoadedPolicy, policyFilePath } from "../host/policy-defaults.js";
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

export function languageFrom(env: NodeJS.ProcessEnv, flag?: string): Language {
  if (flag === "sv" || flag === "en") return flag;
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || "";
  return locale.toLowerCase().startsWith("sv") ? "sv" : "en";
}

export const OPTIONS = {
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
  const ctx = commandContext({ command, values, positionals, loaded, lang, io, usage });
  // Each command is its own module, loaded only when run (cli-bundle.test.ts: no card
  // service, binding or zod for --help).
  if (command === "policy") return (await import("./commands/policy.js")).policyCommand(ctx);

  const session = await (await import("./session.js")).openSession(ctx);
  if (typeof session === "number") return session;
  try {
    await session.backend.ready();
    switch (command) {
      case "monitor":
        return await (await import("./commands/monitor.js")).monitorCommand(ctx, session);
      case "support":
        return await (await import("./commands/support.js")).supportCommand(ctx, session);
      case "readers":
        return await (await import("./commands/readers.js")).readersCommand(ctx, session);
      case "status":
        return await (await import("./commands/status.js")).statusCommand(ctx, session);
      case "certs":
        return await (await import("./certs.js")).certsCommand(ctx, session);
      default:
        return await (await import("./commands/codes.js")).codesCommand(ctx, session);
    }
  } finally {
    await session.close();
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
