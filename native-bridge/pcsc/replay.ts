/**
 * A ReaderBackend with one reader holding one card that answers from a transcript
 * (the format is described in recording.ts). Strict: every call CardService makes —
 * connect, begin, each C-APDU, end, disconnect — must be the transcript's next step,
 * or the replay stops with a TranscriptMismatch naming the line and both sides.
 *
 * A masked C-APDU (`[n bytes masked]`) matches any data of that length; a test that
 * knows the codes the recorded session used can check the data with `checkMasked`.
 *
 * CardService turns an exception of its backend into a CARD_ERROR result (and ignores
 * one from endTransaction/disconnect), so a mismatch is also kept: `finish()` throws
 * the first one, or says where the transcript goes on if CardService stopped early.
 */
import { readFileSync } from "node:fs";
import { wipe } from "../core/bytes.js";
import { PinwardenError } from "../core/errors.js";
import { ERROR_CODES, type ErrorCode } from "../../contract/errors.js";
import { formatCommand } from "./recording.js";
import type { CardConnection, ConnectOptions, ReaderBackend, ReaderState } from "./types.js";

/** One byte of a recorded C-APDU; null where the recording masked it. */
export type BytePattern = (number | null)[];

export type Step = { line: number; error?: ErrorCode } & (
  | { kind: "connect"; exclusive: boolean }
  | { kind: "begin" }
  | { kind: "end" }
  | { kind: "disconnect"; reset: boolean }
  | { kind: "transmit"; command: BytePattern; text: string; response: Buffer }
  | { kind: "control"; code: number; length: number; response: Buffer }
);

export interface Transcript {
  reader: string;
  atr: Buffer;
  steps: Step[];
}

/** The transcript text does not parse; the message names the line. */
export class TranscriptSyntaxError extends Error {
  override name = "TranscriptSyntaxError";
}

/** What CardService did is not what the transcript says the card was asked. */
export class TranscriptMismatch extends Error {
  override name = "TranscriptMismatch";
}

const DIRECTIVE = /^#\s*(reader|atr|connect|disconnect|begin|end|error|control)(?:\s+(.*?))?\s*$/;

function parseBytes(text: string, where: string, allowMask: boolean): BytePattern {
  const out: BytePattern = [];
  const token = /\s+|\[(\d+) bytes? masked\]|([0-9A-Fa-f]{2})/y;
  let at = 0;
  while (at < text.length) {
    token.lastIndex = at;
    const m = token.exec(text);
    if (!m) throw new TranscriptSyntaxError(`${where}: cannot read ${JSON.stringify(text.slice(at, at + 12))} (hex bytes expected)`);
    if (m[1] !== undefined) {
      if (!allowMask) throw new TranscriptSyntaxError(`${where}: a mask belongs in a command (=>), not here`);
      out.push(...new Array<null>(Number(m[1])).fill(null));
    } else if (m[2] !== undefined) out.push(parseInt(m[2], 16));
    at = token.lastIndex;
  }
  return out;
}

/** Parses a transcript. `source` names it in messages (e.g. the file name). */
export function parseTranscript(text: string, source = "transcript"): Transcript {
  let reader: string | undefined;
  let atr: Buffer | undefined;
  const steps: Step[] = [];
  let open = false;
  let pending: { line: number; command: BytePattern; text: string } | undefined;
  let pendingControl: { line: number; code: number; length: number } | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    const n = i + 1;
    const where = `${source} line ${n}`;
    if (raw === "") continue;
    const expectResponse = pending !== undefined || pendingControl !== undefined;
    if (raw.startsWith("<=")) {
      const bytes = Buffer.from(parseBytes(raw.slice(2), where, false) as number[]);
      if (pending) steps.push({ kind: "transmit", line: pending.line, command: pending.command, text: pending.text, response: bytes });
      else if (pendingControl) steps.push({ kind: "control", ...pendingControl, response: bytes });
      else throw new TranscriptSyntaxError(`${where}: a response (<=) with no command (=>) before it`);
      if (pending && bytes.length < 2) throw new TranscriptSyntaxError(`${where}: a response needs at least SW1 SW2`);
      pending = pendingControl = undefined;
      continue;
    }
    const d = DIRECTIVE.exec(raw);
    if (expectResponse && d?.[1] !== "error") {
      throw new TranscriptSyntaxError(`${where}: the command on line ${(pending ?? pendingControl)!.line} has no response (<=) or # error`);
    }
    if (raw.startsWith("=>")) {
      if (!open) throw new TranscriptSyntaxError(`${where}: a command outside a connection (no # connect before it)`);
      const command = parseBytes(raw.slice(2), where, true);
      if (command.length < 4) throw new TranscriptSyntaxError(`${where}: a command shorter than its header`);
      pending = { line: n, command, text: raw.slice(2).trim() };
      continue;
    }
    if (!raw.startsWith("#")) throw new TranscriptSyntaxError(`${where}: a line must start with =>, <= or #`);
    if (!d) continue; // a comment
    const [, keyword, arg = ""] = d;
    const wants = (ok: boolean, what: string) => {
      if (!ok) throw new TranscriptSyntaxError(`${where}: ${what}`);
    };
    switch (keyword) {
      case "reader":
        wants(arg !== "", "# reader needs the reader's name");
        wants(reader === undefined || reader === arg, "a transcript replays one reader; this one names a second");
        reader = arg;
        break;
      case "atr": {
        const bytes = Buffer.from(parseBytes(arg, where, false) as number[]);
        wants(bytes.length >= 2, "# atr needs the ATR in hex");
        wants(atr === undefined || atr.equals(bytes), "a transcript replays one card; this ATR differs from the first");
        atr = bytes;
        break;
      }
      case "connect":
        wants(arg === "shared" || arg === "exclusive", "# connect takes shared or exclusive");
        wants(!open, "# connect while a connection is open (no # disconnect before it)");
        steps.push({ kind: "connect", line: n, exclusive: arg === "exclusive" });
        open = true;
        break;
      case "disconnect":
        wants(arg === "reset" || arg === "leave", "# disconnect takes reset or leave");
        wants(open, "# disconnect with no connection open");
        steps.push({ kind: "disconnect", line: n, reset: arg === "reset" });
        open = false;
        break;
      case "begin":
      case "end":
        wants(arg === "", `# ${keyword} takes nothing`);
        wants(open, `# ${keyword} outside a connection`);
        steps.push({ kind: keyword, line: n });
        break;
      case "control": {
        const m = /^([0-9A-Fa-f]+)\s+\[(\d+) bytes? masked\]$/.exec(arg);
        wants(m !== null && open, "# control CODE [n bytes masked], inside a connection");
        pendingControl = { line: n, code: parseInt(m![1]!, 16), length: Number(m![2]) };
        break;
      }
      case "error": {
        wants((ERROR_CODES as readonly string[]).includes(arg), `# error takes an error code (${arg || "none given"} is not one)`);
        if (pending) steps.push({ kind: "transmit", ...pending, response: Buffer.alloc(0), error: arg as ErrorCode });
        else if (pendingControl) steps.push({ kind: "control", ...pendingControl, response: Buffer.alloc(0), error: arg as ErrorCode });
        else {
          const last = steps[steps.length - 1];
          wants(last !== undefined && last.error === undefined, "# error follows the step that failed");
          last!.error = arg as ErrorCode;
          // A failed connect leaves no connection open.
          if (last!.kind === "connect") open = false;
        }
        pending = pendingControl = undefined;
        break;
      }
    }
  }
  if (pending || pendingControl) throw new TranscriptSyntaxError(`${source}: the last command has no response`);
  if (reader === undefined) throw new TranscriptSyntaxError(`${source}: no "# reader NAME" line`);
  if (atr === undefined) throw new TranscriptSyntaxError(`${source}: no "# atr HEX" line`);
  return { reader, atr, steps };
}

export interface ReplayOptions {
  /** Names the transcript in messages (e.g. its file name). */
  source?: string;
  /** Appended to every mismatch message, e.g. how to regenerate the transcript. */
  hint?: string;
  /**
   * Checks the data of a command the recording masked (the test knows the codes the
   * recorded session used). Return false to fail the replay at that line.
   */
  checkMasked?: (data: Buffer, at: { line: number; header: Buffer }) => boolean;
}

const describeStep = (s: Step): string => {
  switch (s.kind) {
    case "connect":
      return `# connect ${s.exclusive ? "exclusive" : "shared"}`;
    case "disconnect":
      return `# disconnect ${s.reset ? "reset" : "leave"}`;
    case "transmit":
      return `=> ${s.text}`;
    case "control":
      return `# control ${s.code.toString(16).toUpperCase()} [${s.length} bytes masked]`;
    default:
      return `# ${s.kind}`;
  }
};

/** The replaying card's reader stack. */
export class ReplayReaders implements ReaderBackend {
  readonly transcript: Transcript;
  #at = 0;
  #connection: symbol | undefined;
  #mismatch: TranscriptMismatch | undefined;
  readonly #options: ReplayOptions;

  constructor(transcript: string | Transcript, options: ReplayOptions = {}) {
    this.#options = options;
    this.transcript = typeof transcript === "string" ? parseTranscript(transcript, options.source) : transcript;
  }

  static fromFile(path: string, options: ReplayOptions = {}): ReplayReaders {
    return new ReplayReaders(readFileSync(path, "utf8"), { source: path, ...options });
  }

  get serviceAvailable(): boolean {
    return true;
  }

  ready(): Promise<void> {
    return Promise.resolve();
  }

  readers(): ReaderState[] {
    const { reader, atr } = this.transcript;
    return [{ name: reader, cardPresent: true, atr: atr.toString("hex").toUpperCase(), insertion: 1 }];
  }

  /** The card never moves: there are no events. */
  on(): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {}

  /** The first mismatch, if any (CardService may have turned it into a CARD_ERROR). */
  get mismatch(): TranscriptMismatch | undefined {
    return this.#mismatch;
  }

  /** Steps of the transcript not replayed yet. */
  get remaining(): number {
    return this.transcript.steps.length - this.#at;
  }

  /** Throws the first mismatch, or a mismatch if the transcript has steps left. */
  finish(): void {
    if (this.#mismatch) throw this.#mismatch;
    const next = this.transcript.steps[this.#at];
    if (next) {
      throw this.#fail(
        `CardService stopped before the transcript's end: ${this.#source} line ${next.line} still expects\n  ${describeStep(next)}`,
      );
    }
  }

  get #source(): string {
    return this.#options.source ?? "transcript";
  }

  #fail(message: string): TranscriptMismatch {
    this.#mismatch ??= new TranscriptMismatch(this.#options.hint ? `${message}\n${this.#options.hint}` : message);
    return this.#mismatch;
  }

  /** Takes the next step, which must be of `kind` and pass `matches`, or fails. */
  #take<K extends Step["kind"]>(kind: K, actual: string, matches: (s: Extract<Step, { kind: K }>) => boolean): Extract<Step, { kind: K }> {
    if (this.#mismatch) throw this.#mismatch;
    const next = this.transcript.steps[this.#at];
    if (!next || next.kind !== kind || !matches(next as Extract<Step, { kind: K }>)) {
      throw this.#fail(
        next
          ? `${this.#source} line ${next.line} expects\n  ${describeStep(next)}\nbut CardService did\n  ${actual}`
          : `${this.#source} has ended, but CardService did more:\n  ${actual}`,
      );
    }
    this.#at++;
    if (next.error) throw new PinwardenError(next.error, { reader: this.transcript.reader });
    return next as Extract<Step, { kind: K }>;
  }

  async connect(reader: string, options: ConnectOptions): Promise<CardConnection> {
    if (reader !== this.transcript.reader) throw new PinwardenError("READER_NOT_FOUND", { reader });
    this.#take("connect", `# connect ${options.exclusive ? "exclusive" : "shared"}`, (s) => s.exclusive === options.exclusive);
    const me = Symbol("connection");
    this.#connection = me;
    const live = (what: string) => {
      if (this.#connection !== me) throw this.#fail(`CardService used a connection it had already closed (${what})`);
    };
    return {
      atr: this.transcript.atr,
      transmit: async (apdu) => {
        live("transmit");
        const sent = `=> ${formatCommand(apdu)}`;
        const step = this.#take("transmit", sent, (s) => matchesPattern(s.command, apdu));
        if (this.#options.checkMasked) this.#checkMasked(step, apdu, sent);
        return Buffer.from(step.response);
      },
      control: async (code, data) => {
        live("control");
        const line = `# control ${code.toString(16).toUpperCase()} [${data.length} bytes masked]`;
        return Buffer.from(this.#take("control", line, (s) => s.code === code && s.length === data.length).response);
      },
      beginTransaction: async () => {
        live("begin");
        this.#take("begin", "# begin", () => true);
      },
      endTransaction: async () => {
        live("end");
        this.#take("end", "# end", () => true);
      },
      disconnect: async (reset) => {
        live("disconnect");
        this.#connection = undefined;
        this.#take("disconnect", `# disconnect ${reset ? "reset" : "leave"}`, (s) => s.reset === reset);
      },
    };
  }

  #checkMasked(step: Extract<Step, { kind: "transmit" }>, apdu: Buffer, sent: string): void {
    const start = step.command.indexOf(null);
    if (start < 0) return;
    const end = step.command.lastIndexOf(null) + 1;
    const data = Buffer.from(apdu.subarray(start, end));
    const ok = this.#options.checkMasked!(data, { line: step.line, header: Buffer.from(apdu.subarray(0, 4)) });
    wipe(data);
    if (!ok)
      throw this.#fail(`${this.#source} line ${step.line}: the masked data of\n  ${sent}\nis not what the test says the session sent`);
  }
}

/** Same length, and every byte the recording kept is equal. */
export function matchesPattern(pattern: BytePattern, apdu: Uint8Array): boolean {
  return pattern.length === apdu.length && pattern.every((b, i) => b === null || b === apdu[i]);
}
