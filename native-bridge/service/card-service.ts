/**
 * CardService: status, change and unblock for the card in a reader. It checks every
 * rule it can before an APDU leaves, runs one operation per card at a time, re-reads
 * the tries after each operation, and wipes the codes it was given when it is done.
 */
import { ApduChannel, type ApduTrace } from "../pcsc/channel.js";
import type { CardConnection, ReaderBackend } from "../pcsc/types.js";
import { openpgpProfile } from "../profiles/openpgp.js";
import { pivProfile } from "../profiles/piv.js";
import { pkcs15Profile } from "../profiles/pkcs15.js";
import { knowledgeFor } from "../profiles/card-knowledge.js";
import { codeById, FAMILIES, type CardContext, type CardLayout, type CardProfile, type CodeInfo, type Family, type TriesMap } from "../profiles/profile.js";
import { PinwardenError, isPinwardenError } from "./errors.js";
import { checkAgainstCard, checkCurrentCodeShape, checkNewCodePolicy, DEFAULT_RULES, type CodeRules } from "./rules.js";
import { wipeAll, type Secret } from "./secret.js";
import { codeState, type AuditEvent, type CardStatus, type ReaderInfo, type Result } from "./types.js";

const PROFILES: Record<Family, CardProfile> = {
  pkcs15: pkcs15Profile as CardProfile,
  piv: pivProfile as CardProfile,
  openpgp: openpgpProfile,
};

export interface CardServiceOptions {
  rules?: CodeRules;
  /** Card families to try, in order. */
  families?: readonly Family[];
  /** Receives every APDU exchanged, secret data already masked. */
  trace?: ApduTrace;
  /** Receives one event per change or unblock. */
  audit?: (event: AuditEvent) => void;
  /** Allow changing PUK-like codes (policy allowChangePuk). */
  allowChangePuk?: boolean;
}

export interface OperationOptions {
  reader?: string;
}

interface CachedLayout {
  insertion: number;
  profile: CardProfile;
  layout: CardLayout;
}

export class CardService {
  readonly #backend: ReaderBackend;
  readonly #options: Required<Omit<CardServiceOptions, "trace" | "audit">> & Pick<CardServiceOptions, "trace" | "audit">;
  readonly #layouts = new Map<string, CachedLayout>();
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #mutating = new Set<string>();
  readonly #unsubscribe: () => void;
  /** APDUs sent by the last finished operation (benchmarks, tests). */
  lastApduCount = 0;

  constructor(backend: ReaderBackend, options: CardServiceOptions = {}) {
    this.#backend = backend;
    this.#options = { rules: DEFAULT_RULES, families: FAMILIES, allowChangePuk: true, ...options };
    this.#unsubscribe = backend.on((e) => {
      if (e.type === "card-removed" || e.type === "reader-removed") this.#layouts.delete(e.reader);
      if (e.type === "service-down") this.#layouts.clear();
    });
  }

  get rules(): CodeRules {
    return this.#options.rules;
  }

  /** Applies changed settings (machine policy changed while running). The layout cache stays valid. */
  configure(options: Pick<CardServiceOptions, "rules" | "families" | "allowChangePuk">): void {
    if (options.rules) this.#options.rules = options.rules;
    if (options.families) this.#options.families = options.families;
    if (options.allowChangePuk !== undefined) this.#options.allowChangePuk = options.allowChangePuk;
  }

  readers(): ReaderInfo[] {
    return this.#backend.readers().map((r) => ({ name: r.name, cardPresent: r.cardPresent, atr: r.atr ?? null }));
  }

  async status(options: OperationOptions = {}): Promise<Result<CardStatus>> {
    return this.#run(options, false, async (reader, channel) => {
      const { profile, layout, atr } = await this.#identify(reader, channel);
      return this.#readStatus(reader, atr, profile, layout, channel);
    });
  }

  /** Changes code `id` (a PIN, or a PUK where allowed). Wipes `current` and `next`. */
  async changePin(id: string, current: Secret, next: Secret, options: OperationOptions = {}): Promise<Result<CardStatus>> {
    try {
      checkCurrentCodeShape(current, id);
      // Policy checks need no card: a code that breaks them never leaves this process.
      const cached = this.#cachedCode(options.reader, id);
      checkNewCodePolicy(cached?.kind ?? (id === "puk" ? "puk" : "pin"), next, current, this.#options.rules, id);
      if (cached) this.#checkChange(cached, current, next);
    } catch (error) {
      wipeAll(current, next);
      return this.#failure(error);
    }
    return this.#mutate(
      options,
      "changePin",
      id,
      async (reader, channel, profile, layout) => {
        const code = this.#code(layout, id);
        this.#checkChange(code, current, next);
        await profile.change(channel, layout, code, current, next);
      },
      [current, next],
    );
  }

  /** Changes a PUK (or an OpenPGP admin PIN) where the card and the policy allow it. */
  async changePuk(current: Secret, next: Secret, options: OperationOptions & { id?: string } = {}): Promise<Result<CardStatus>> {
    const id = options.id ?? "puk";
    const known = this.#cachedCode(options.reader, id);
    if (known && known.kind === "pin") {
      wipeAll(current, next);
      return this.#failure(new PinwardenError("OPERATION_NOT_ALLOWED", { codeId: id }));
    }
    return this.changePin(id, current, next, options);
  }

  /** Sets a new PIN for `id` with its unblocking code (PUK). Wipes `puk` and `next`. */
  async unblockPin(
    id: string,
    puk: Secret,
    next: Secret,
    options: OperationOptions & { using?: string } = {},
  ): Promise<Result<CardStatus>> {
    try {
      checkCurrentCodeShape(puk, options.using ?? "puk");
      const cached = this.#cachedCode(options.reader, id);
      checkNewCodePolicy(cached?.kind ?? "pin", next, undefined, this.#options.rules, id);
      if (cached) this.#checkUnblock(this.#cachedLayout(options.reader)!, cached, puk, next, options.using);
    } catch (error) {
      wipeAll(puk, next);
      return this.#failure(error);
    }
    return this.#mutate(
      options,
      "unblockPin",
      id,
      async (_reader, channel, profile, layout) => {
        const pin = this.#code(layout, id);
        const unblocker = this.#checkUnblock(layout, pin, puk, next, options.using);
        await profile.unblock(channel, layout, pin, unblocker, puk, next);
      },
      [puk, next],
    );
  }

  close(): void {
    this.#unsubscribe();
  }

  #context(atr: Buffer): CardContext {
    const knowledge = knowledgeFor(atr);
    return { atr, knowledge, emptyVerifySafe: knowledge.emptyVerifySafe };
  }

  // --- internals --------------------------------------------------------------

  #checkChange(code: CodeInfo, current: Secret, next: Secret): void {
    if (!code.canChange || (code.kind !== "pin" && !this.#options.allowChangePuk)) {
      throw new PinwardenError("OPERATION_NOT_ALLOWED", { codeId: code.id });
    }
    checkAgainstCard(code, current, false, this.#options.rules);
    checkAgainstCard(code, next, true, this.#options.rules);
  }

  #checkUnblock(layout: CardLayout, pin: CodeInfo, puk: Secret, next: Secret, using?: string): CodeInfo {
    const unblockerId = using ?? pin.unblockedBy;
    const unblocker = unblockerId ? codeById(layout, unblockerId) : undefined;
    if (!pin.canUnblock || !unblocker) throw new PinwardenError("OPERATION_NOT_ALLOWED", { codeId: pin.id });
    checkAgainstCard(unblocker, puk, false, this.#options.rules);
    checkAgainstCard(pin, next, true, this.#options.rules);
    return unblocker;
  }

  #code(layout: CardLayout, id: string): CodeInfo {
    const code = codeById(layout, id);
    if (!code) throw new PinwardenError("CODE_UNKNOWN", { codeId: id });
    return code;
  }

  #cachedLayout(readerName?: string): CardLayout | undefined {
    try {
      const reader = this.#pickReader(readerName);
      const cached = this.#layouts.get(reader);
      const state = this.#backend.readers().find((r) => r.name === reader);
      return cached && state?.insertion === cached.insertion ? cached.layout : undefined;
    } catch {
      return undefined;
    }
  }

  #cachedCode(readerName: string | undefined, id: string): CodeInfo | undefined {
    const layout = this.#cachedLayout(readerName);
    if (!layout) return undefined;
    return this.#code(layout, id);
  }

  #pickReader(name?: string): string {
    if (!this.#backend.serviceAvailable) throw new PinwardenError("PCSC_UNAVAILABLE");
    const readers = this.#backend.readers();
    if (name !== undefined) {
      const r = readers.find((x) => x.name === name);
      if (!r) throw new PinwardenError(readers.length ? "READER_NOT_FOUND" : "NO_READER", { reader: name });
      if (!r.cardPresent) throw new PinwardenError("NO_CARD", { reader: name });
      return r.name;
    }
    if (readers.length === 0) throw new PinwardenError("NO_READER");
    const withCard = readers.find((r) => r.cardPresent);
    if (!withCard) throw new PinwardenError("NO_CARD");
    return withCard.name;
  }

  async #identify(reader: string, channel: ApduChannel): Promise<{ profile: CardProfile; layout: CardLayout; atr: string }> {
    const state = this.#backend.readers().find((r) => r.name === reader);
    const atr = channel.atr.toString("hex").toUpperCase();
    const cached = this.#layouts.get(reader);
    if (cached && state && cached.insertion === state.insertion && (await cached.profile.select(channel, cached.layout))) {
      return { profile: cached.profile, layout: cached.layout, atr };
    }
    this.#layouts.delete(reader);
    for (const family of this.#options.families) {
      const profile = PROFILES[family];
      const detected = await profile.detect(channel, this.#context(channel.atr));
      const layout = detected?.layout;
      if (layout) {
        if (state) this.#layouts.set(reader, { insertion: state.insertion, profile, layout });
        return { profile, layout, atr };
      }
    }
    throw new PinwardenError("CARD_UNSUPPORTED", { atr, reader });
  }

  async #readStatus(reader: string, atr: string, profile: CardProfile, layout: CardLayout, channel: ApduChannel): Promise<CardStatus> {
    return this.#statusFrom(reader, atr, profile, layout, await profile.readTries(channel, layout, this.#context(channel.atr)));
  }

  #statusFrom(reader: string, atr: string, profile: CardProfile, layout: CardLayout, tries: TriesMap): CardStatus {
    return {
      reader,
      card: { profile: profile.family, atr, serial: layout.serial ?? null, label: layout.label ?? null },
      codes: layout.codes.map((c) => {
        const triesLeft = tries.get(c.id) ?? null;
        const status = {
          id: c.id,
          label: c.label,
          kind: c.kind,
          triesLeft,
          maxTries: c.maxTries,
          blocked: triesLeft === 0 && c.kind !== "reset",
          state: codeState(triesLeft, c.kind),
          minLength: c.minLength,
          maxLength: c.maxLength,
          numeric: c.numeric,
          canChange: c.canChange && (c.kind === "pin" || this.#options.allowChangePuk),
          canUnblock: c.canUnblock,
        };
        return c.unblockedBy ? { ...status, unblockedBy: c.unblockedBy } : status;
      }),
    };
  }

  #unknownCounters(reader: string, atr: string, profile: CardProfile, layout: CardLayout): CardStatus {
    const tries: TriesMap = new Map(layout.codes.map((c) => [c.id, null]));
    return this.#statusFrom(reader, atr, profile, layout, tries);
  }

  async #mutate(
    options: OperationOptions,
    operation: AuditEvent["operation"],
    codeId: string,
    work: (reader: string, channel: ApduChannel, profile: CardProfile, layout: CardLayout) => Promise<void>,
    secrets: Secret[],
  ): Promise<Result<CardStatus>> {
    let reader: string | undefined;
    try {
      reader = this.#pickReader(options.reader);
    } catch (error) {
      wipeAll(...secrets);
      return this.#failure(error);
    }
    if (this.#mutating.has(reader)) {
      wipeAll(...secrets);
      return this.#failure(new PinwardenError("BUSY", { reader }));
    }
    this.#mutating.add(reader);
    let serial: string | null = null;
    let afterStatus: CardStatus | undefined;
    try {
      const result = await this.#run({ reader }, true, async (r, channel) => {
        const { profile, layout, atr } = await this.#identify(r, channel);
        serial = layout.serial ?? null;
        let failure: unknown;
        try {
          await work(r, channel, profile, layout);
        } catch (error) {
          failure = error;
        }
        // Re-read the counters whatever happened, unless the card is gone.
        if (!isPinwardenError(failure) || !["CARD_REMOVED", "CARD_RESET", "TIMEOUT", "PCSC_UNAVAILABLE"].includes(failure.code)) {
          try {
            afterStatus = await this.#readStatus(r, atr, profile, layout, channel);
          } catch {
            // The card did what was asked but the re-read failed: report the success, with
            // counters unknown, rather than an error that would make the user try again.
            if (failure === undefined) return this.#unknownCounters(r, atr, profile, layout);
          }
        }
        if (failure !== undefined) throw failure;
        return afterStatus!;
      });
      const tries = afterStatus?.codes.find((c) => c.id === codeId)?.triesLeft ?? null;
      this.#options.audit?.({ operation, codeId, reader, serial, result: result.ok ? "ok" : result.error.code, triesLeft: tries });
      if (!result.ok && afterStatus) return { ...result, status: afterStatus };
      return result;
    } finally {
      this.#mutating.delete(reader);
      wipeAll(...secrets);
    }
  }

  /** Runs `work` with a connection, queued behind any other work on the same reader. */
  async #run<T>(
    options: OperationOptions,
    exclusive: boolean,
    work: (reader: string, channel: ApduChannel) => Promise<T>,
  ): Promise<Result<T>> {
    let reader: string;
    try {
      reader = this.#pickReader(options.reader);
    } catch (error) {
      return this.#failure(error);
    }
    const previous = this.#queues.get(reader) ?? Promise.resolve();
    const task = previous.then(async (): Promise<Result<T>> => {
      let connection: CardConnection | undefined;
      let channel: ApduChannel | undefined;
      try {
        connection = await this.#backend.connect(reader, { exclusive });
        channel = new ApduChannel(connection, this.#options.trace);
        return { ok: true, value: await work(reader, channel) };
      } catch (error) {
        return this.#failure(error, reader);
      } finally {
        this.lastApduCount = channel?.count ?? 0;
        // A reset after a change or unblock leaves no verified PIN behind for other programs.
        await connection?.disconnect(exclusive).catch(() => undefined);
      }
    });
    const settled = task.catch(() => undefined);
    this.#queues.set(reader, settled);
    void settled.then(() => {
      if (this.#queues.get(reader) === settled) this.#queues.delete(reader);
    });
    return task;
  }

  #failure(error: unknown, reader?: string): { ok: false; error: { code: PinwardenError["code"] } & PinwardenError["details"] } {
    if (isPinwardenError(error)) {
      if (reader && ["CARD_REMOVED", "CARD_RESET"].includes(error.code)) this.#layouts.delete(reader);
      return { ok: false, error: error.toJSON() };
    }
    // Unexpected: report as a card error, with only the error's class for support.
    const technical = error instanceof Error ? error.name : typeof error;
    return { ok: false, error: { code: "CARD_ERROR", technical } };
  }
}
