/** What every command gets from the CLI's front (cli/main.ts): its options, policy, words and ways to fail. */
import type { ErrorCode } from "../contract/errors.js";
import type { LoadedPolicy } from "../host/policy.js";
import type { Secret } from "../native-bridge/core/secret.js";
import { describeError, ERROR_CATALOG, type Language, type UsageError } from "../native-bridge/service/error-catalog.js";
import type { ErrorInfo } from "../native-bridge/service/types.js";
import type { OPTIONS } from "./main.js";
import { errorJson } from "./output.js";

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

export type Usage = { error: UsageError; values?: Record<string, string>; command?: string };

export type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]["type"] extends "boolean" ? boolean : string };

export interface CommandContext {
  command: string;
  values: Values;
  positionals: string[];
  loaded: LoadedPolicy;
  lang: Language;
  io: Io;
  /** The codes read so far, by id: an error about one names it ("Wrong PIN for Signing…"). */
  named: Map<string, string>;
  /** Prints an error (JSON on stdout with --json, else a sentence on stderr); returns its exit code. */
  fail(error: ErrorInfo): number;
  failCode(code: ErrorCode): number;
  /** Prints a usage error with the command's usage line; returns the usage exit code. */
  usage(u: Usage): number;
}

/** A command's context: errors name the codes read so far, JSON on stdout with --json, else a sentence on stderr. */
export function commandContext(
  base: Pick<CommandContext, "command" | "values" | "positionals" | "loaded" | "lang" | "io" | "usage">,
): CommandContext {
  const { values, lang, io } = base;
  const named = new Map<string, string>();
  const fail = (error: ErrorInfo): number => {
    const name = error.codeId !== undefined ? named.get(error.codeId) : undefined;
    if (values.json) io.out(JSON.stringify(errorJson(error, lang, name)) + "\n");
    else io.err(describeError(error.code, error, lang, name ? { name } : {}) + "\n");
    return ERROR_CATALOG[error.code].exitCode;
  };
  return {
    ...base,
    named,
    fail,
    failCode: (code: ErrorCode) => fail({ code }),
  };
}
