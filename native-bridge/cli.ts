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
import type { ReaderBackend, ReaderEvent } from "./pcsc/types.js";
import { readCodesFromStdin, promptHidden } from "./prompt.js";
import { describeError, ERROR_CATALOG, EXIT, type Language } from "./service/error-catalog.js";
import type { ErrorCode } from "./service/errors.js";
import { wipeAll, type Secret } from "./service/secret.js";
import type { CardStatus, CodeStatus, ErrorInfo, Result } from "./service/types.js";
import { FAMILIES, type Family } from "./profiles/profile.js";
// Machine policy is pure code (zod, a file, `reg query`); it lives with the app in electron/
// and the CLI obeys it too, so a support check on the command line sees the same rules.
// Start-up: only what every command needs is imported here. The card service, the PC/SC
// binding, the simulator, zod (policy validation), winston and fflate (support) load with
// `await import()` on the paths that use them; tests/unit/cli-bundle.test.ts fails if zod
// loads for `--help` or a `status` with no policy to validate.
import { serviceOptionsOf } from "../electron/apply-policy.js";
import { defaultLoadedPolicy, policyFilePath, REGISTRY_KEY } from "../electron/policy-defaults.js";
import type { LoadedPolicy } from "../electron/policy.js";

/**
 * The machine policy. Without a policy file (and off Windows, where the registry may hold
 * one) there is nothing to validate and every key is its default, without loading zod.
 */
async function machinePolicy(): Promise<LoadedPolicy> {
  const file = policyFilePath(process.platform, process.env);
  if (process.platform !== "win32" && !existsSync(file)) return defaultLoadedPolicy(file);
  const [{ loadPolicy }, { windowsRegistry }] = await Promise.all([
    import("../electron/policy.js"),
    import("../electron/policy-registry.js"),
  ]);
  return loadPolicy({ registry: windowsRegistry });
}

const USAGE = `usage:
  pinwarden readers     [--json]
  pinwarden status      [--reader NAME] [--app APP] [--json]
  pinwarden change-pin  --pin ID [--app APP] [--reader NAME] [--stdin] [--json]
  pinwarden unblock-pin --pin ID [--with ID] [--app APP] [--reader NAME] [--stdin] [--json]
  pinwarden policy      [--json]
  pinwarden support     [--json] [--export FILE]
  pinwarden monitor     [--json] [--count N]
options: --lang sv|en, --demo (built-in virtual card, no reader needed)
  --app pkcs15|piv|openpgp   the application, on a card that carries several
  --with ID                  unblock with this code (OpenPGP: admin or reset)
  --record FILE              status, change-pin, unblock-pin: write every APDU to FILE,
                             codes masked (docs/testing.md, "Record and replay")
`;

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const TEXT = {
  en: {
    reader: "Reader",
    card: "Card",
    serial: "serial",
    noReaders: "No card readers.",
    cardPresent: "card present",
    empty: "empty",
    tries: (s: CodeStatus) =>
      s.triesLeft === null
        ? "tries left unknown"
        : s.maxTries !== null
          ? `${s.triesLeft} of ${s.maxTries} tries left`
          : `${s.triesLeft} tries left`,
    state: { ok: "", low: "  ONE TRY LEFT", blocked: "  BLOCKED", unknown: "", unavailable: "  not set" },
    current: (l: string) => `Current code for ${l}: `,
    puk: (l: string) => `${l}: `,
    next: (l: string) => `New code for ${l}: `,
    again: "New code again: ",
    lastTry: (l: string) => `Only one try is left for ${l}. A wrong code will block it. Continue? [y/N] `,
    unknownTries: (l: string) => `The card does not say how many tries are left for ${l}. A wrong code uses up one try. Continue? [y/N] `,
    application: "Application",
    chooseUnblocker: (l: string, ids: string) => `${l} can be unblocked with more than one code: say which with --with ${ids}`,
    cancelled: "Cancelled. Nothing was sent to the card.",
    changed: (l: string) => `The code for ${l} has been changed.`,
    unblocked: (l: string) => `${l} is unlocked with the new code.`,
    noTerminal: "No terminal to ask for the codes on: use --stdin.",
  },
  sv: {
    reader: "Kortläsare",
    card: "Kort",
    serial: "serienummer",
    noReaders: "Inga kortläsare.",
    cardPresent: "kort isatt",
    empty: "tom",
    tries: (s: CodeStatus) =>
      s.triesLeft === null
        ? "antal försök okänt"
        : s.maxTries !== null
          ? `${s.triesLeft} av ${s.maxTries} försök kvar`
          : `${s.triesLeft} försök kvar`,
    state: { ok: "", low: "  ETT FÖRSÖK KVAR", blocked: "  SPÄRRAD", unknown: "", unavailable: "  inte satt" },
    current: (l: string) => `Nuvarande kod för ${l}: `,
    puk: (l: string) => `${l}: `,
    next: (l: string) => `Ny kod för ${l}: `,
    again: "Ny kod igen: ",
    lastTry: (l: string) => `Bara ett försök återstår för ${l}. En felaktig kod spärrar den. Fortsätta? [j/N] `,
    unknownTries: (l: string) =>
      `Kortet visar inte hur många försök som återstår för ${l}. En felaktig kod förbrukar ett försök. Fortsätta? [j/N] `,
    application: "Applikation",
    chooseUnblocker: (l: string, ids: string) => `${l} kan låsas upp med mer än en kod: ange vilken med --with ${ids}`,
    cancelled: "Avbrutet. Inget skickades till kortet.",
    changed: (l: string) => `Koden för ${l} är ändrad.`,
    unblocked: (l: string) => `${l} är upplåst med den nya koden.`,
    noTerminal: "Ingen terminal att fråga efter koderna i: använd --stdin.",
  },
} as const;

export function languageFrom(env: NodeJS.ProcessEnv, flag?: string): Language {
  if (flag === "sv" || flag === "en") return flag;
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || "";
  return locale.toLowerCase().startsWith("sv") ? "sv" : "en";
}

function errorJson(error: ErrorInfo, lang: Language) {
  return { error: { ...error, support: ERROR_CATALOG[error.code].support, message: describeError(error.code, error, lang) } };
}

/** `only`: one application; `codes`: only these codes (after a change: the ones it touched). */
function formatStatus(s: CardStatus, lang: Language, only?: Family, codes?: readonly string[]): string {
  const t = TEXT[lang];
  const apps = s.applications.filter((a) => only === undefined || a.app === only);
  const lines = [`${t.reader}: ${s.reader}`];
  const several = s.applications.length > 1;
  if (!several) {
    lines.push(`${t.card}: ${s.card.profile}${s.card.serial ? `, ${t.serial} ${s.card.serial}` : ""}, ATR ${s.card.atr}`);
  } else {
    lines.push(`${t.card}: ATR ${s.card.atr}`);
  }
  const width = Math.max(...apps.flatMap((a) => a.codes.map((c) => `${c.label} (${c.id})`.length)));
  for (const a of apps) {
    if (several) lines.push(`${t.application}: ${a.app}${a.serial ? `, ${t.serial} ${a.serial}` : ""}`);
    for (const c of a.codes.filter((x) => !codes || codes.includes(x.id)))
      lines.push(`  ${`${c.label} (${c.id})`.padEnd(width)}  ${t.tries(c)}${t.state[c.state]}`);
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

async function confirm(question: string): Promise<boolean> {
  const answer = await promptVisible(question);
  return /^[yj]/i.test(answer.trim());
}

function promptVisible(question: string): Promise<string> {
  return new Promise((resolve) => {
    process.stderr.write(question);
    process.stdin.resume();
    process.stdin.once("data", (d: Buffer) => {
      process.stdin.pause();
      resolve(d.toString("utf8"));
    });
  });
}

export async function main(
  argv: string[],
  io: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
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
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  // The demo card has nothing to lose: with no command, show its status.
  const command = positionals[0] ?? (values.demo ? "status" : undefined);
  if (values.help || !command) {
    io.out(USAGE);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const loaded = await machinePolicy();
  const lang = languageFrom(process.env, values.lang ?? loaded.policy.language ?? undefined);
  const t = TEXT[lang];
  const fail = (error: ErrorInfo): number => {
    if (values.json) io.out(JSON.stringify(errorJson(error, lang)) + "\n");
    else io.err(describeError(error.code, error, lang) + "\n");
    return ERROR_CATALOG[error.code].exitCode;
  };
  const failCode = (code: ErrorCode) => fail({ code });

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
      const { POLICY_KEYS } = await import("../electron/policy.js");
      for (const key of Object.keys(POLICY_KEYS) as (keyof typeof POLICY_KEYS)[]) {
        io.out(`  ${key.padEnd(17)} ${JSON.stringify(loaded.policy[key])}  (${loaded.sources[key]})\n`);
      }
      for (const p of loaded.problems) io.out(`  ignored: ${p.key} from the ${p.source}: ${p.message}\n`);
    }
    return EXIT.ok;
  }
  if (!["readers", "status", "change-pin", "unblock-pin", "support", "monitor"].includes(command)) {
    io.err(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
    return EXIT.usage;
  }
  if (positionals.length > 1) {
    io.err("pinwarden takes no codes on the command line (they would show in the process list): it asks for them, or use --stdin\n");
    return EXIT.usage;
  }
  if ((command === "change-pin" || command === "unblock-pin") && !values.pin) {
    io.err(`${command} needs --pin ID (see \`pinwarden status\` for the ids)\n`);
    return EXIT.usage;
  }
  if (values.app !== undefined && !(FAMILIES as readonly string[]).includes(values.app)) {
    io.err(`--app takes ${FAMILIES.join(", ")}\n`);
    return EXIT.usage;
  }
  if (values.with !== undefined && command !== "unblock-pin") {
    io.err("--with goes with unblock-pin\n");
    return EXIT.usage;
  }
  if (values.record !== undefined && !["status", "change-pin", "unblock-pin"].includes(command)) {
    io.err("--record goes with status, change-pin and unblock-pin\n");
    return EXIT.usage;
  }
  const app = values.app as Family | undefined;

  let backend: ReaderBackend;
  if (values.demo) {
    const [{ InProcessReaders }, { createCard }] = await Promise.all([
      import("./simulator/in-process-readers.js"),
      import("./simulator/cards.js"),
    ]);
    const demo = new InProcessReaders(["Pinwarden Demo Reader"]);
    demo.insert(createCard("pkcs15"));
    backend = demo;
  } else {
    const { PcscReaders } = await import("./pcsc/pcsc-readers.js");
    backend = new PcscReaders(loaded.policy.readerFilter ? { readerFilter: loaded.policy.readerFilter } : {});
  }
  // --record FILE: a transcript of the card conversation, codes masked (pcsc/recording.ts).
  let recorder: import("./pcsc/recording.js").RecordingReaders | undefined;
  if (values.record !== undefined) {
    const { RecordingReaders } = await import("./pcsc/recording.js");
    try {
      recorder = RecordingReaders.toFile(backend, values.record, [`recorded by pinwarden ${command}${values.demo ? " --demo" : ""}`]);
    } catch (error) {
      io.err(`cannot write ${values.record}: ${(error as NodeJS.ErrnoException).code ?? "error"}\n`);
      return EXIT.usage;
    }
    backend = recorder;
  }
  const { CardService } = await import("./service/card-service.js");
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
        import("../electron/logging.js"),
        import("../electron/support.js"),
      ]);
      const logDirectory = loaded.policy.logDirectory || defaultLogDirectory();
      const sources = { backend, service, policy: loaded, logDirectory, lastOperation: lastAuditFromLogs(logDirectory) };
      if (values.export) {
        const path = await writeDiagnostics(sources, values.export);
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
      io.out(values.json ? JSON.stringify(statusJson(status.value)) + "\n" : formatStatus(status.value, lang, app));
      return EXIT.ok;
    }

    // Only what the prompt needs: the card's layout and the counters of the codes involved.
    const id = values.pin!;
    const before = await service.status({ ...target, codes: [id] });
    if (!before.ok) return fail(before.error);
    const code = before.value.codes.find((c) => c.id === id);
    if (!code) return fail({ code: "CODE_UNKNOWN", codeId: id });
    const unblocking = command === "unblock-pin";
    const ways = [code.unblockedBy, ...(code.alsoUnblockedBy ?? [])].filter((w): w is string => !!w);
    if (unblocking && !values.with && ways.length > 1) {
      io.err(t.chooseUnblocker(code.label, ways.join("|")) + "\n");
      return EXIT.usage;
    }
    const using = values.with ?? code.unblockedBy;
    const typed = unblocking ? before.value.codes.find((c) => c.id === using) : code;
    if (!typed || (unblocking && !ways.includes(typed.id))) return fail({ code: "OPERATION_NOT_ALLOWED", codeId: id });

    let first: Secret | null = null;
    let next: Secret | null = null;
    let again: Secret | null = null;
    try {
      if (values.stdin) {
        [first = null, next = null] = await readCodesFromStdin(2);
        if (!first || !next) {
          io.err("--stdin expects two lines: the current code (or PUK) and the new code\n");
          return EXIT.usage;
        }
      } else {
        if (!process.stdin.isTTY) {
          io.err(t.noTerminal + "\n");
          return EXIT.usage;
        }
        // Warn before the last try, and where the card does not say how many are left.
        const question = typed.triesLeft === 1 ? t.lastTry(typed.label) : typed.triesLeft === null ? t.unknownTries(typed.label) : null;
        if (question && !(await confirm(question))) {
          io.err(t.cancelled + "\n");
          return EXIT.ok;
        }
        first = await promptHidden(unblocking ? t.puk(typed.label) : t.current(code.label));
        next = first && (await promptHidden(t.next(code.label)));
        again = next && (await promptHidden(t.again));
        if (!first || !next || !again) {
          io.err(t.cancelled + "\n");
          return EXIT.ok;
        }
        if (!next.equals(again)) return failCode("CODE_CONFIRMATION_MISMATCH");
      }
      const result: Result<CardStatus> = unblocking
        ? await service.unblockPin(id, first, next, { ...target, using: typed.id })
        : await service.changePin(id, first, next, target);
      if (!result.ok) return fail(result.error);
      if (values.json) io.out(JSON.stringify({ ok: true, ...statusJson(result.value) }) + "\n");
      else
        io.out(
          (unblocking ? t.unblocked(code.label) : t.changed(code.label)) +
            "\n" +
            formatStatus(result.value, lang, result.value.app, [id, typed.id]),
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

if (process.argv[1] && /native-bridge[\\/]cli\.(ts|js)$/.test(process.argv[1])) runCli(process.argv.slice(2));
