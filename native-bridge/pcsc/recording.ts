/**
 * Records every APDU a ReaderBackend exchanges, as a text transcript that
 * ReplayReaders (replay.ts) can play back: a transcript taken from a real card becomes
 * a regression test that runs without the card.
 *
 * The format, one item per line (blank lines are ignored):
 *
 *   # any comment                     free text, ignored by the replay
 *   # reader Pinwarden Demo Reader    the reader, before the first connect
 *   # atr 3B8F8001...                 the card's ATR, before the first connect
 *   # connect shared|exclusive        a CardConnection opened (ConnectOptions.exclusive)
 *   # begin / # end                   SCardBeginTransaction / SCardEndTransaction
 *   => 00A4040009A00000039742544659   a C-APDU, hex (spaces allowed anywhere)
 *   => 00200081 08 [8 bytes masked]   a C-APDU whose data carried a code
 *   <= 6F10... 9000                   its R-APDU: data, then SW1 SW2
 *   # error CARD_REMOVED              the step above failed with this error code
 *   # disconnect reset|leave          CardConnection.disconnect(reset)
 *
 * The keywords above are reserved: a comment must not start with one of them alone.
 *
 * Masking. The recorder sits below ApduChannel, at CardConnection.transmit, where the
 * command's `secret` flag is gone; it masks by instruction instead (see maskedRange).
 * Masked bytes are never copied: only their count reaches the transcript. The response
 * data is recorded as is: no command Pinwarden sends answers with a code.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { isPinwardenError } from "../core/errors.js";
import type { CardConnection, ConnectOptions, ReaderBackend, ReaderEvent, ReaderState } from "./types.js";

export const TRANSCRIPT_MAGIC = "# pinwarden apdu transcript 1";

/** Receives one transcript line at a time, without its line end. */
export type TranscriptSink = (line: string) => void;

/**
 * Instructions whose data field carries a PIN, PUK, admin PIN or resetting code (or,
 * with OpenPGP KDF, a hash of one, which is as good as the code to an attacker):
 * VERIFY 20, CHANGE REFERENCE DATA 24, RESET RETRY COUNTER 2C (ISO 7816-4 §11.5.6–10),
 * and their odd-INS forms 21/25/2D (BER-TLV data, ISO 7816-4 §5.1.2). Any data at all is
 * masked, whatever P1/P2 say: the reference or mode (e.g. 2C P1 = 02 "new PIN only" on
 * OpenPGP) changes what the data means, never whether it is secret.
 */
const CODE_INS = new Set([0x20, 0x21, 0x24, 0x25, 0x2c, 0x2d]);

/**
 * PUT DATA (DA, odd DB) of data objects that hold a code:
 * - OpenPGP 00D3: the resetting code itself (OpenPGP card spec 3.4 §7.2.8, DO D3);
 * - OpenPGP 00F9: the KDF-DO, whose tags 87/88 are the hashes of the initial PW1/PW3
 *   (spec 3.4 §4.3.2): a hash of a code that may still be in use.
 * Pinwarden sends neither today; a recording of another tool's session might.
 * Not masked, and not sent by Pinwarden: PIV management-key or key-import commands
 * (their data is a key, not a code) — a transcript of such a session should not be shared.
 */
const CODE_DATA_OBJECTS = new Set([0x00d3, 0x00f9]);

/**
 * Where the data field of a C-APDU lies when it must be masked, else null. An APDU
 * whose length does not parse is masked from byte 4 on: if we cannot tell where its
 * data is, we cannot tell that it holds no code.
 */
export function maskedRange(apdu: Uint8Array): { start: number; end: number } | null {
  if (apdu.length <= 4) return null;
  const ins = apdu[1]!;
  const p1p2 = (apdu[2]! << 8) | apdu[3]!;
  const secret = CODE_INS.has(ins) || ((ins === 0xda || ins === 0xdb) && CODE_DATA_OBJECTS.has(p1p2));
  if (!secret) return null;
  const field = dataField(apdu);
  if (field === undefined) return { start: 4, end: apdu.length };
  return field && field.end > field.start ? field : null;
}

/** The data field's bounds (null: no data), or undefined where the length bytes do not add up. */
function dataField(b: Uint8Array): { start: number; end: number } | null | undefined {
  const n = b.length;
  if (n === 5) return null; // case 2: Le only
  if (b[4] !== 0) {
    const lc = b[4]!;
    if (n === 5 + lc || n === 6 + lc) return { start: 5, end: 5 + lc };
    return undefined;
  }
  if (n === 7) return null; // case 2E
  if (n < 7) return undefined;
  const lc = (b[5]! << 8) | b[6]!;
  if (lc > 0 && (n === 7 + lc || n === 9 + lc)) return { start: 7, end: 7 + lc };
  return undefined;
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex").toUpperCase();

/** The text of a C-APDU after `=> `, its code (if any) replaced by `[n bytes masked]`. */
export function formatCommand(apdu: Uint8Array): string {
  const range = maskedRange(apdu);
  if (!range) return hex(apdu);
  const parts = [hex(apdu.subarray(0, 4))];
  if (range.start > 4) parts.push(hex(apdu.subarray(4, range.start)));
  parts.push(`[${range.end - range.start} bytes masked]`);
  if (range.end < apdu.length) parts.push(hex(apdu.subarray(range.end)));
  return parts.join(" ");
}

/** The text of an R-APDU after `<= `: data, a space, SW1 SW2. */
export function formatResponse(response: Uint8Array): string {
  if (response.length <= 2) return hex(response);
  return `${hex(response.subarray(0, -2))} ${hex(response.subarray(-2))}`;
}

const errorCodeOf = (error: unknown) => (isPinwardenError(error) ? error.code : "CARD_ERROR");

/**
 * A ReaderBackend that passes everything to `inner` and writes the card conversation to
 * `sink`. It assumes what CardService does: one connection at a time per card. Several
 * readers may be used; each connect names its reader when it changes.
 */
export class RecordingReaders implements ReaderBackend {
  #lastReader: string | undefined;
  #lastAtr: string | undefined;
  #sink: TranscriptSink | undefined;
  #fd: number | undefined;

  /** `comments` become `# ` lines after the format line (e.g. where and when recorded). */
  constructor(
    private readonly inner: ReaderBackend,
    sink: TranscriptSink,
    comments: readonly string[] = [],
  ) {
    this.#sink = sink;
    this.#write(TRANSCRIPT_MAGIC);
    for (const c of comments) for (const line of c.split("\n")) this.#write(`# ${line}`.trimEnd());
  }

  /**
   * Records to a file (created or truncated, readable by its owner only), one write per
   * line, so nothing is lost when the process exits without closing the backend (the
   * CLI does not close the PC/SC binding). Throws if the file cannot be opened.
   */
  static toFile(inner: ReaderBackend, path: string, comments: readonly string[] = []): RecordingReaders {
    const fd = openSync(path, "w", 0o600);
    const recorder = new RecordingReaders(inner, (line) => writeSync(fd, line + "\n"), comments);
    recorder.#fd = fd;
    return recorder;
  }

  #write(line: string): void {
    this.#sink?.(line);
  }

  /** Writes a free comment line into the transcript (e.g. which operation comes next). */
  comment(text: string): void {
    for (const line of text.split("\n")) this.#write(`# ${line}`.trimEnd());
  }

  /** Stops recording (closes the file, if any) and leaves the inner backend running. */
  stopRecording(): void {
    this.#sink = undefined;
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  get serviceAvailable(): boolean {
    return this.inner.serviceAvailable;
  }

  readers(): ReaderState[] {
    return this.inner.readers();
  }

  on(listener: (event: ReaderEvent) => void): () => void {
    return this.inner.on(listener);
  }

  ready(): Promise<void> {
    return this.inner.ready();
  }

  async close(): Promise<void> {
    this.stopRecording();
    await this.inner.close();
  }

  async connect(reader: string, options: ConnectOptions): Promise<CardConnection> {
    if (reader !== this.#lastReader) {
      this.#write(`# reader ${reader}`);
      this.#lastReader = reader;
    }
    let connection: CardConnection;
    try {
      connection = await this.inner.connect(reader, options);
    } catch (error) {
      this.#write(`# connect ${options.exclusive ? "exclusive" : "shared"}`);
      this.#write(`# error ${errorCodeOf(error)}`);
      throw error;
    }
    const atr = hex(connection.atr);
    if (atr !== this.#lastAtr) {
      this.#write(`# atr ${atr}`);
      this.#lastAtr = atr;
    }
    this.#write(`# connect ${options.exclusive ? "exclusive" : "shared"}`);
    return this.#wrap(connection);
  }

  #wrap(connection: CardConnection): CardConnection {
    /** Runs a step, then writes its line (and the error, if it failed). */
    const step = async <T>(line: string, run: () => Promise<T>): Promise<T> => {
      try {
        const result = await run();
        this.#write(line);
        return result;
      } catch (error) {
        this.#write(line);
        this.#write(`# error ${errorCodeOf(error)}`);
        throw error;
      }
    };
    return {
      get atr() {
        return connection.atr;
      },
      transmit: async (apdu) => {
        // Formatted before sending: ApduChannel wipes the buffer of a secret command
        // once transmit returns. Only the header and lengths of a code are kept.
        const command = `=> ${formatCommand(apdu)}`;
        let response: Buffer;
        try {
          response = await connection.transmit(apdu);
        } catch (error) {
          this.#write(command);
          this.#write(`# error ${errorCodeOf(error)}`);
          throw error;
        }
        this.#write(command);
        this.#write(`<= ${formatResponse(response)}`);
        return response;
      },
      control: async (code, data) => {
        // Reader control (PIN-pad readers, PC/SC part 10): the data may be a PIN-pad
        // structure, so only its length is kept; the replay answers with the response.
        const line = `# control ${code.toString(16).toUpperCase()} [${data.length} bytes masked]`;
        const response = await step(line, () => connection.control(code, data));
        this.#write(`<= ${hex(response)}`);
        return response;
      },
      beginTransaction: () => step("# begin", () => connection.beginTransaction()),
      endTransaction: () => step("# end", () => connection.endTransaction()),
      disconnect: (reset) => step(`# disconnect ${reset ? "reset" : "leave"}`, () => connection.disconnect(reset)),
    };
  }
}
