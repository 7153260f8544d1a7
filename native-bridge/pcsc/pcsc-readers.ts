/**
 * The real PC/SC stack through the `pcsclite` binding. This is the only file that
 * imports it. The binding watches readers and cards with SCardGetStatusChange in its
 * own threads, so events arrive without polling; only while the service is down do we
 * retry, once a second, to notice it coming back.
 */
import { createRequire } from "node:module";
import { PinwardenError } from "../core/errors.js";
import { toPinwardenError } from "./errors.js";
import type { CardConnection, ConnectOptions, ReaderBackend, ReaderEvent, ReaderState } from "./types.js";

/** The parts of the binding's objects we use (its own typings do not export them). */
type PcscLite = ReturnType<typeof import("pcsclite")>;
interface CardReader extends NodeJS.EventEmitter {
  readonly name: string;
  readonly connected: boolean;
  readonly SCARD_SHARE_SHARED: number;
  readonly SCARD_SHARE_EXCLUSIVE: number;
  readonly SCARD_PROTOCOL_T0: number;
  readonly SCARD_PROTOCOL_T1: number;
  readonly SCARD_LEAVE_CARD: number;
  readonly SCARD_RESET_CARD: number;
  connect(options: { share_mode: number; protocol: number }, cb: (err: unknown, protocol: number) => void): void;
  disconnect(disposition: number, cb: (err: unknown) => void): void;
  transmit(data: Buffer, resLen: number, protocol: number, cb: (err: unknown, data: Buffer) => void): void;
  control(data: Buffer, code: number, resLen: number, cb: (err: unknown, data: Buffer) => void): void;
  /** SCardBeginTransaction; added by patches/pcsclite+1.0.1.patch (node-pcsclite issue #71). */
  begin_transaction(cb: (err: unknown) => void): void;
  /** SCardEndTransaction with a disposition (SCARD_LEAVE_CARD, SCARD_RESET_CARD ...); same patch. */
  end_transaction(disposition: number, cb: (err: unknown) => void): void;
  close(): void;
}

const require = createRequire(import.meta.url);

/** The binding is loaded on first use so the CLI can report a missing library cleanly. */
function loadBinding(): () => PcscLite {
  return require("pcsclite") as () => PcscLite;
}

// State bits from pcsclite.h (the binding exposes them per reader object too).
const SCARD_STATE_PRESENT = 0x20;
const SCARD_STATE_MUTE = 0x200;

const MAX_RESPONSE = 4096;

export interface PcscReadersOptions {
  /** Milliseconds one APDU may take before TIMEOUT. */
  transmitTimeoutMs?: number;
  /** Milliseconds between attempts to reach a stopped PC/SC service. */
  retryMs?: number;
  /** Only readers whose name contains this (policy's reader filter). */
  readerFilter?: string;
}

interface TrackedReader {
  reader: CardReader;
  state: ReaderState;
  /** A first state has arrived. */
  seen: boolean;
  /** The reader's card event count (upper 16 bits of its state). */
  events?: number;
}

export class PcscReaders implements ReaderBackend {
  #pcsc: PcscLite | undefined;
  #readers = new Map<string, TrackedReader>();
  #listeners = new Set<(e: ReaderEvent) => void>();
  #available = false;
  #insertions = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #closed = false;
  #downReported = false;
  #ready: Promise<void>;
  #resolveReady!: () => void;
  readonly #options: Required<PcscReadersOptions>;

  constructor(options: PcscReadersOptions = {}) {
    this.#options = { transmitTimeoutMs: 20_000, retryMs: 1_000, readerFilter: "", ...options };
    this.#ready = new Promise((resolve) => (this.#resolveReady = resolve));
    this.#start();
  }

  get serviceAvailable(): boolean {
    return this.#available;
  }

  ready(): Promise<void> {
    return this.#ready;
  }

  readers(): ReaderState[] {
    return [...this.#readers.values()].map((r) => ({ ...r.state }));
  }

  on(listener: (e: ReaderEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(e: ReaderEvent): void {
    for (const l of this.#listeners) l(e);
  }

  #start(): void {
    if (this.#closed) return;
    let pcsc: PcscLite;
    try {
      pcsc = loadBinding()();
    } catch (error) {
      // SCardEstablishContext failed: no service (pcscd not running).
      this.#serviceDown(error);
      return;
    }
    this.#pcsc = pcsc;
    pcsc.on("error", (error: unknown) => this.#serviceDown(error));
    pcsc.on("reader", (reader: CardReader) => this.#addReader(reader));
    // The binding lists readers in a callback it schedules itself; wrap it so we know
    // when a listing is complete and every reader's first state is in.
    const p = pcsc as PcscLite & { start: (cb: (err: unknown, data: Buffer) => void) => void };
    const start = p.start.bind(p);
    p.start = (cb) =>
      start((err, data) => {
        cb(err, data);
        if (err) return;
        if (!this.#available) {
          this.#available = true;
          this.#downReported = false;
          this.#emit({ type: "service-up" });
        }
        void this.#firstStates().then(() => this.#resolveReady());
      });
  }

  #serviceDown(error: unknown): void {
    const was = this.#available || this.#readers.size > 0;
    this.#available = false;
    this.#dropAllReaders();
    try {
      this.#pcsc?.close();
    } catch {
      // already closed by the binding
    }
    this.#pcsc = undefined;
    const technical = toPinwardenError(error).details.technical;
    // Said once per outage, not at every retry.
    if (was || !this.#downReported) this.#emit(technical ? { type: "service-down", technical } : { type: "service-down" });
    this.#downReported = true;
    this.#resolveReady();
    if (!this.#closed) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = undefined;
        this.#start();
      }, this.#options.retryMs);
      this.#retryTimer.unref();
    }
  }

  #dropAllReaders(): void {
    for (const [name, tracked] of this.#readers) {
      if (tracked.state.cardPresent) this.#emit({ type: "card-removed", reader: name, insertion: tracked.state.insertion });
      tracked.reader.removeAllListeners();
      // The binding reports the end of its watcher as an error; nobody needs to hear it.
      tracked.reader.on("error", () => undefined);
      try {
        tracked.reader.close();
      } catch {
        // reader thread already ended
      }
      this.#emit({ type: "reader-removed", reader: name });
    }
    this.#readers.clear();
  }

  #addReader(reader: CardReader): void {
    const name = reader.name;
    if (this.#options.readerFilter && !name.includes(this.#options.readerFilter)) return;
    const tracked: TrackedReader = { reader, state: { name, cardPresent: false, insertion: 0 }, seen: false };
    this.#readers.set(name, tracked);
    this.#emit({ type: "reader-added", reader: name });
    reader.on("status", (s: { state: number; atr?: Buffer }) => this.#onStatus(tracked, s.state, s.atr));
    reader.on("error", () => {
      /* a status error ends this reader's thread; 'end' follows */
    });
    reader.on("end", () => {
      if (this.#readers.get(name) !== tracked) return;
      if (tracked.state.cardPresent) this.#emit({ type: "card-removed", reader: name, insertion: tracked.state.insertion });
      this.#readers.delete(name);
      this.#emit({ type: "reader-removed", reader: name });
    });
  }

  /** Resolves when every listed reader has reported its first state (or after 2 s). */
  #firstStates(): Promise<void> {
    const pending = [...this.#readers.values()].filter((t) => !t.seen);
    if (pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, 2_000);
      timer.unref();
      const check = () => pending.every((t) => t.seen) && done();
      const offs = pending.map((t) => {
        t.reader.on("status", check);
        return () => t.reader.off("status", check);
      });
      function done() {
        clearTimeout(timer);
        offs.forEach((off) => off());
        resolve();
      }
    });
  }

  #onStatus(tracked: TrackedReader, state: number, atr: Buffer | undefined): void {
    tracked.seen = true;
    const present = (state & SCARD_STATE_PRESENT) !== 0 && (state & SCARD_STATE_MUTE) === 0 && !!atr && atr.length > 0;
    const atrHex = present ? atr!.toString("hex").toUpperCase() : undefined;
    // pcsc-lite and WinSCard count card insertions and removals in the upper 16 bits:
    // a changed count with a card still present means a swap we saw only the end of.
    const events = state >>> 16;
    const swapped =
      tracked.events !== undefined && events !== tracked.events && present && tracked.state.cardPresent && events - tracked.events >= 2;
    tracked.events = events;
    const s = tracked.state;
    if (s.cardPresent && (!present || atrHex !== s.atr || swapped)) {
      s.cardPresent = false;
      delete s.atr;
      this.#emit({ type: "card-removed", reader: s.name, insertion: s.insertion });
    }
    if (present && !s.cardPresent) {
      s.cardPresent = true;
      s.atr = atrHex!;
      s.insertion = ++this.#insertions;
      this.#emit({ type: "card-inserted", reader: s.name, atr: atrHex!, insertion: s.insertion });
    }
  }

  async connect(readerName: string, options: ConnectOptions): Promise<CardConnection> {
    if (!this.#available || !this.#pcsc) throw new PinwardenError("PCSC_UNAVAILABLE");
    const tracked = this.#readers.get(readerName);
    if (!tracked) throw new PinwardenError(this.#readers.size ? "READER_NOT_FOUND" : "NO_READER", { reader: readerName });
    const { reader } = tracked;
    if (reader.connected) await disconnect(reader, reader.SCARD_LEAVE_CARD).catch(() => undefined);
    const attempt = (share: number) =>
      new Promise<number>((resolve, reject) =>
        reader.connect({ share_mode: share, protocol: reader.SCARD_PROTOCOL_T0 | reader.SCARD_PROTOCOL_T1 }, (err, protocol) =>
          err ? reject(toPinwardenError(err, "CARD_ERROR", readerName)) : resolve(protocol),
        ),
      );
    let protocol: number;
    try {
      protocol = await attempt(options.exclusive ? reader.SCARD_SHARE_EXCLUSIVE : reader.SCARD_SHARE_SHARED);
    } catch (error) {
      // Exclusive is refused while another program holds a shared handle: carry on shared.
      if (!options.exclusive || !(error instanceof PinwardenError) || error.code !== "CARD_IN_USE") throw error;
      protocol = await attempt(reader.SCARD_SHARE_SHARED);
    }
    const atr = Buffer.from(tracked.state.atr ?? "", "hex");
    const timeoutMs = this.#options.transmitTimeoutMs;
    const insertion = tracked.state.insertion;
    // A card pulled mid-APDU shows up as an error or, through some drivers (vpcd), as an
    // empty answer. Either way, if the reader reports the card gone, say so.
    const explain = async (error: PinwardenError): Promise<PinwardenError> =>
      (await this.#cardLeft(readerName, insertion)) ? new PinwardenError("CARD_REMOVED", { reader: readerName }) : error;
    // The transaction this connection holds: "none", "waiting" for SCardBeginTransaction
    // (another handle holds the card), or "held".
    let transaction: "none" | "waiting" | "held" = "none";
    let abandoned = false;
    const endNative = (disposition: number = reader.SCARD_LEAVE_CARD) =>
      new Promise<void>((resolve, reject) =>
        reader.end_transaction(disposition, (err) => (err ? reject(toPinwardenError(err, "CARD_ERROR", readerName)) : resolve())),
      );
    return {
      atr,
      transmit: async (apdu) => {
        let response: Buffer;
        try {
          response = await withTimeout(
            new Promise<Buffer>((resolve, reject) =>
              reader.transmit(apdu, MAX_RESPONSE, protocol, (err, data) =>
                err ? reject(toPinwardenError(err, "CARD_ERROR", readerName)) : resolve(data),
              ),
            ),
            timeoutMs,
          );
        } catch (error) {
          throw await explain(toPinwardenError(error, "CARD_ERROR", readerName));
        }
        if (response.length < 2)
          throw await explain(new PinwardenError("CARD_ERROR", { technical: "response shorter than a status word" }));
        return response;
      },
      control: (code, data) =>
        withTimeout(
          new Promise<Buffer>((resolve, reject) =>
            reader.control(data, code, MAX_RESPONSE, (err, out) =>
              err ? reject(toPinwardenError(err, "CARD_ERROR", readerName)) : resolve(out),
            ),
          ),
          timeoutMs,
        ),
      beginTransaction: async () => {
        // One level, as in the in-process backend: begun twice, one end releases it.
        if (transaction === "held") return;
        if (transaction === "waiting") throw new PinwardenError("CARD_ERROR", { technical: "beginTransaction already waiting" });
        transaction = "waiting";
        abandoned = false;
        // SCardBeginTransaction waits while another handle holds the card. If we stop
        // waiting (timeout), a transaction granted later is ended at once, never kept.
        const granted = new Promise<void>((resolve, reject) =>
          reader.begin_transaction((err) => {
            if (err) return reject(toPinwardenError(err, "CARD_ERROR", readerName));
            if (abandoned) {
              void endNative().catch(() => undefined);
              return reject(new PinwardenError("TIMEOUT"));
            }
            resolve();
          }),
        );
        try {
          await withTimeout(granted, timeoutMs);
          transaction = "held";
        } catch (error) {
          abandoned = true;
          transaction = "none";
          throw await explain(toPinwardenError(error, "CARD_ERROR", readerName));
        }
      },
      // `reset`: SCARD_RESET_CARD. pcsc-lite (winscard.c SCardEndTransaction) and WinSCard
      // reset the card before they release it, so no other handle's queued APDU reaches a
      // card with our code still verified; SCardDisconnect(RESET) releases it first.
      endTransaction: async (reset = false) => {
        if (transaction !== "held") return;
        transaction = "none";
        try {
          await endNative(reset ? reader.SCARD_RESET_CARD : reader.SCARD_LEAVE_CARD);
        } catch (error) {
          throw await explain(toPinwardenError(error, "CARD_ERROR", readerName));
        }
      },
      // SCardDisconnect also ends a transaction this handle still holds (pcsc-lite and WinSCard).
      disconnect: (reset) => {
        transaction = "none";
        return disconnect(reader, reset ? reader.SCARD_RESET_CARD : reader.SCARD_LEAVE_CARD);
      },
    };
  }

  /** True when the card of `insertion` has left the reader, waiting up to 1 s to hear of it. */
  #cardLeft(readerName: string, insertion: number): Promise<boolean> {
    const gone = () => {
      const state = this.#readers.get(readerName)?.state;
      return !state || !state.cardPresent || state.insertion !== insertion;
    };
    if (gone()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const off = this.on(() => {
        if (gone()) finish(true);
      });
      const timer = setTimeout(() => finish(gone()), 1_000);
      function finish(result: boolean) {
        clearTimeout(timer);
        off();
        resolve(result);
      }
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    for (const t of this.#readers.values()) {
      t.reader.removeAllListeners();
      t.reader.on("error", () => undefined);
      try {
        t.reader.close();
      } catch {
        // ignore
      }
    }
    this.#readers.clear();
    try {
      this.#pcsc?.close();
    } catch {
      // ignore
    }
    this.#pcsc = undefined;
    this.#listeners.clear();
  }
}

function disconnect(reader: CardReader, disposition: number): Promise<void> {
  return new Promise((resolve) => reader.disconnect(disposition, () => resolve()));
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PinwardenError("TIMEOUT")), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
