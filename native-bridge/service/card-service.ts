/**
 * CardService: status, change and unblock for the card in a reader. It checks every
 * rule it can before an APDU leaves, runs one operation per card at a time, and wipes
 * the codes it was given when it is done.
 *
 * One session per card: every APDU sequence that depends on a selected application
 * (SELECT → VERIFY/CHANGE/RESET → re-read) runs on one connection inside one PC/SC
 * transaction, so no other program's SELECT can land in between. The card's layout
 * (its applications and their codes) is learned once per insertion; after that a
 * change costs SELECT + the command + a re-read of the codes it can have changed.
 */
import { CERTIFICATE_SOURCES, describeOrProblem, isProblem, type CertificateList, type CertificateSlot } from "../certs/index.js";
import { ApduChannel, type ApduTrace } from "../pcsc/channel.js";
import type { CardConnection, ReaderBackend } from "../pcsc/types.js";
import { knowledgeFor, type CardKnowledge } from "../profiles/card-knowledge.js";
import { openpgpProfile } from "../profiles/openpgp.js";
import { pivProfile } from "../profiles/piv.js";
import { pkcs15Profile } from "../profiles/pkcs15.js";
import {
  codeById,
  FAIL_CODES,
  type CardContext,
  type CardLayout,
  type CardProfile,
  type CardSession,
  type CodeInfo,
  type TriesMap,
} from "../profiles/profile.js";
import { FAMILIES, type Family } from "../../contract/families.js";
import { isInterrupted, isNoCard, type ErrorCode } from "../../contract/errors.js";
import { PinwardenError, isPinwardenError } from "../core/errors.js";
import { DEFAULT_RULES, type CodeRules } from "../../contract/rules.js";
import { checkAgainstCard, checkCurrentCodeShape, checkNewCodePolicy } from "./rules.js";
import { wipeAll, type Secret } from "../core/secret.js";
import { codeState, type AppStatus, type AuditEvent, type CardStatus, type CodeStatus, type ReaderInfo, type Result } from "./types.js";

const PROFILES: Record<Family, CardProfile> = { pkcs15: pkcs15Profile, piv: pivProfile, openpgp: openpgpProfile };

export interface CardServiceOptions {
  rules?: CodeRules;
  /** Card applications to look for first, in this order; the others are still found. */
  families?: readonly Family[];
  /** Receives every APDU exchanged, secret data already masked. */
  trace?: ApduTrace;
  /** Receives one event per change or unblock. */
  audit?: (event: AuditEvent) => void;
  /** Allow changing PUK-like codes (policy allowChangePuk). */
  allowChangePuk?: boolean;
  /**
   * The admin declares that this fleet's cards answer an empty VERIFY without counting
   * a try (policy trustEmptyVerify). Off: only cards known safe are probed.
   */
  trustEmptyVerify?: boolean;
}

export interface OperationOptions {
  reader?: string;
  /** The application, on a card that carries several (default: the first found). */
  app?: Family;
}

export interface StatusOptions extends OperationOptions {
  /**
   * Read only these codes' counters (and their unblockers'), of the chosen app; the
   * others are reported as last known. The CLI uses it before a change.
   */
  codes?: readonly string[];
}

/** One application found on the card: the family's session on it, and its layout. */
/** One application on the card: its session, which owns its layout. */
type CardApp = CardSession;

/** What is known about the card in a reader, for one insertion. */
interface KnownCard {
  insertion: number;
  atr: Buffer;
  context: CardContext;
  apps: CardApp[];
  /** Counters last seen, per app and code: read, or learned from a 63Cx answer. */
  tries: Map<string, number | null>;
  /**
   * Counters taken from the card's answer to one of our operations rather than read: true
   * only for the status that operation returns. Later, where the card cannot be asked
   * again, another program may have moved the counter: the count is then "as of the last
   * answer" and not known (triesKnown false), so the wizard warns before sending.
   */
  fromAnswer: Map<string, boolean>;
  /** Where its certificates are, per application, and each one's DER (null: an empty slot). */
  certificates: { slots: Map<Family, CertificateSlot[]>; der: Map<string, Buffer | null> };
}

const key = (app: Family, codeId: string) => `${app}/${codeId}`;
/** The card (or the service) went away: nothing more is read, what was known is not trusted. */
const gone = (code: ErrorCode) => isInterrupted(code) || isNoCard(code);

export class CardService {
  readonly #backend: ReaderBackend;
  readonly #options: Required<Omit<CardServiceOptions, "trace" | "audit">> & Pick<CardServiceOptions, "trace" | "audit">;
  readonly #cards = new Map<string, KnownCard>();
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #mutating = new Set<string>();
  readonly #unsubscribe: () => void;

  constructor(backend: ReaderBackend, options: CardServiceOptions = {}) {
    this.#backend = backend;
    this.#options = { rules: DEFAULT_RULES, families: FAMILIES, allowChangePuk: true, trustEmptyVerify: false, ...options };
    this.#unsubscribe = backend.on((e) => {
      if (e.type === "card-removed" || e.type === "reader-removed") this.#cards.delete(e.reader);
      if (e.type === "service-down") this.#cards.clear();
    });
  }

  get rules(): CodeRules {
    return this.#options.rules;
  }

  /** Applies changed settings (machine policy changed while running). */
  configure(options: Pick<CardServiceOptions, "rules" | "families" | "allowChangePuk" | "trustEmptyVerify">): void {
    if (options.rules) this.#options.rules = options.rules;
    if (options.families) this.#options.families = options.families;
    if (options.allowChangePuk !== undefined) this.#options.allowChangePuk = options.allowChangePuk;
    if (options.trustEmptyVerify !== undefined && options.trustEmptyVerify !== this.#options.trustEmptyVerify) {
      this.#options.trustEmptyVerify = options.trustEmptyVerify;
      // What may be probed changed: learn the cards again.
      this.#cards.clear();
    }
  }

  readers(): ReaderInfo[] {
    return this.#backend.readers().map((r) => ({ name: r.name, cardPresent: r.cardPresent, atr: r.atr ?? null }));
  }

  /**
   * Every application on the card with its codes and their counters. A status read sends
   * no code, so where another program reset the card under it (CARD_RESET: that APDU never
   * reached the card) it is read once more on a new connection. A change is never retried.
   */
  async status(options: StatusOptions = {}): Promise<Result<CardStatus>> {
    const first = await this.#readStatus(options);
    return !first.ok && first.error.code === "CARD_RESET" ? this.#readStatus(options) : first;
  }

  async #readStatus(options: StatusOptions): Promise<Result<CardStatus>> {
    return this.#run(options, false, async (reader, channel) => {
      const { card, fresh } = await this.#identify(reader, channel, options);
      for (const app of card.apps) {
        // Detection already read the counters of the apps it found; read the others.
        if (fresh.has(app)) continue;
        const wanted = options.app === undefined || options.app === app.layout.family ? options.codes : [];
        const ids = wanted && this.#withUnblockers(app.layout, wanted);
        if (ids && ids.length === 0) continue;
        if (!(await app.select(channel))) {
          this.#cards.delete(reader);
          throw new PinwardenError("CARD_RESET", { reader, technical: "a known application could not be selected" });
        }
        this.#remember(card, app, await app.readTries(channel, card.context, ids));
      }
      return this.#statusOf(reader, card, options.app);
    });
  }

  /** Changes code `id` (a PIN, or a PUK where allowed). Wipes `current` and `next`. */
  async changePin(id: string, current: Secret, next: Secret, options: OperationOptions = {}): Promise<Result<CardStatus>> {
    try {
      checkCurrentCodeShape(current, id);
      // Policy checks need no card: a code that breaks them never leaves this process.
      const cached = this.#cachedCode(options, id);
      checkNewCodePolicy(cached?.kind, next, current, this.#options.rules, id);
      if (cached) this.#checkChange(cached, current, next);
      const card = this.#known(options.reader);
      const app = this.#cachedApp(options);
      if (card && app && cached) this.#refuseBlocked(card, app, cached);
    } catch (error) {
      wipeAll(current, next);
      return this.#failure(error);
    }
    return this.#mutate(
      options,
      "changePin",
      id,
      async (channel, app, card) => {
        const code = this.#code(app.layout, id);
        checkNewCodePolicy(code.kind, next, current, this.#options.rules, id);
        this.#checkChange(code, current, next);
        this.#refuseBlocked(card, app, code);
        await app.change(channel, code, current, next);
        return [code];
      },
      [current, next],
    );
  }

  /**
   * Checks the current code `id` before a change (only where its status says canCheck): one
   * VERIFY, encoded as the change encodes it, after the same rule checks (nothing is sent
   * for a code that breaks them). A wrong code costs the one try the change would have cost
   * and answers as a wrong current code in changePin does (PIN_WRONG with the count learned);
   * a right one answers the status. The card is reset afterwards, as after a change, so no
   * code stays verified for other programs. Audited like a change (a wrong code spends a
   * try): one audit line per attempt that reached the card's turn, with its result, never
   * the code. Wipes `current`.
   */
  async checkCode(id: string, current: Secret, options: OperationOptions = {}): Promise<Result<CardStatus>> {
    try {
      checkCurrentCodeShape(current, id);
      const card = this.#known(options.reader);
      const cached = this.#cachedCode(options, id);
      if (card && cached) this.#checkCheck(card, cached, current);
      const app = this.#cachedApp(options);
      if (card && app && cached) this.#refuseBlocked(card, app, cached);
    } catch (error) {
      wipeAll(current);
      return this.#failure(error);
    }
    return this.#mutate(
      options,
      "checkCode",
      id,
      async (channel, app, card) => {
        const code = this.#code(app.layout, id);
        this.#checkCheck(card, code, current);
        this.#refuseBlocked(card, app, code);
        await app.verify(channel, code, current);
        return [code];
      },
      [current],
    );
  }

  /**
   * Sets a new PIN for `id` with an unblocking code: its PUK, or where the card has
   * several ways (OpenPGP: resetting code or admin PIN) the one named by `using`.
   * Wipes `puk` and `next`.
   */
  async unblockPin(
    id: string,
    puk: Secret,
    next: Secret,
    options: OperationOptions & { using?: string } = {},
  ): Promise<Result<CardStatus>> {
    try {
      checkCurrentCodeShape(puk, options.using ?? "puk");
      const cached = this.#cachedCode(options, id);
      checkNewCodePolicy(cached?.kind, next, undefined, this.#options.rules, id);
      const app = this.#cachedApp(options);
      if (cached && app) {
        const unblocker = this.#checkUnblock(app.layout, cached, puk, next, options.using);
        this.#refuseBlocked(this.#known(options.reader)!, app, unblocker);
      }
    } catch (error) {
      wipeAll(puk, next);
      return this.#failure(error);
    }
    return this.#mutate(
      options,
      "unblockPin",
      id,
      async (channel, app, card) => {
        const pin = this.#code(app.layout, id);
        checkNewCodePolicy(pin.kind, next, undefined, this.#options.rules, id);
        const unblocker = this.#checkUnblock(app.layout, pin, puk, next, options.using);
        this.#refuseBlocked(card, app, unblocker);
        await app.unblock(channel, pin, unblocker, puk, next);
        return [pin, unblocker];
      },
      [puk, next],
    );
  }

  close(): void {
    this.#unsubscribe();
  }

  // --- rules ------------------------------------------------------------------

  #checkChange(code: CodeInfo, current: Secret, next: Secret): void {
    if (!code.canChange || (code.kind !== "pin" && !this.#options.allowChangePuk)) {
      throw new PinwardenError("OPERATION_NOT_ALLOWED", { codeId: code.id });
    }
    checkAgainstCard(code, current, false, this.#options.rules);
    checkAgainstCard(code, next, true, this.#options.rules);
  }

  /** A check is offered only where a change is, and only of a code whose VERIFY is well defined. */
  #canCheck(card: KnownCard, code: CodeInfo): boolean {
    const canChange = code.canChange && (code.kind === "pin" || this.#options.allowChangePuk);
    return canChange && code.verifiable === true && code.initialized !== false && !card.context.knowledge.ownPinFormat;
  }

  #checkCheck(card: KnownCard, code: CodeInfo, current: Secret): void {
    if (!this.#canCheck(card, code)) throw new PinwardenError("OPERATION_NOT_ALLOWED", { codeId: code.id });
    // The same rule as for the current code of a change: no APDU for one the card cannot hold.
    checkAgainstCard(code, current, false, this.#options.rules);
  }

  #checkUnblock(layout: CardLayout, pin: CodeInfo, puk: Secret, next: Secret, using?: string): CodeInfo {
    const unblockerId = using ?? pin.unblockedBy;
    const unblocker = unblockerId ? codeById(layout, unblockerId) : undefined;
    // A PIN is never an unblocking code; which of the others the card takes is its to say.
    if (!pin.canUnblock || !unblocker || unblocker.kind === "pin") throw new PinwardenError("OPERATION_NOT_ALLOWED", { codeId: pin.id });
    checkAgainstCard(unblocker, puk, false, this.#options.rules);
    checkAgainstCard(pin, next, true, this.#options.rules);
    return unblocker;
  }

  /**
   * A code the card has already said is blocked (or, for an OpenPGP resetting code, never
   * set) is refused here, with its blocked error and before any APDU: neither a change or
   * a check of a blocked PIN nor an unblock with a blocked PUK is sent to a card that must
   * refuse it.
   */
  #refuseBlocked(card: KnownCard, app: CardApp, unblocker: CodeInfo): void {
    if (card.tries.get(key(app.layout.family, unblocker.id)) !== 0) return;
    throw new PinwardenError(FAIL_CODES[unblocker.kind].blocked, { codeId: unblocker.id, triesLeft: 0 });
  }

  #code(layout: CardLayout, id: string): CodeInfo {
    const code = codeById(layout, id);
    if (!code) throw new PinwardenError("CODE_UNKNOWN", { codeId: id });
    return code;
  }

  // --- what is known about the card -------------------------------------------

  #context(atr: Buffer): CardContext {
    const knowledge = knowledgeFor(atr);
    return { atr, knowledge, emptyVerifySafe: knowledge.emptyVerifySafe || this.#options.trustEmptyVerify };
  }

  /** The card known for this reader and still the same insertion, if any. */
  #known(readerName?: string): KnownCard | undefined {
    try {
      const reader = this.#pickReader(readerName);
      const card = this.#cards.get(reader);
      const state = this.#backend.readers().find((r) => r.name === reader);
      return card && state?.insertion === card.insertion ? card : undefined;
    } catch {
      return undefined;
    }
  }

  #appOf(card: KnownCard, app?: Family): CardApp {
    const found = app === undefined ? card.apps[0] : card.apps.find((a) => a.layout.family === app);
    if (!found) throw new PinwardenError("CARD_UNSUPPORTED", { technical: `no ${app} application on this card` });
    return found;
  }

  #cachedApp(options: OperationOptions): CardApp | undefined {
    const card = this.#known(options.reader);
    try {
      return card && this.#appOf(card, options.app);
    } catch {
      return undefined;
    }
  }

  #cachedCode(options: OperationOptions, id: string): CodeInfo | undefined {
    const app = this.#cachedApp(options);
    return app && this.#code(app.layout, id);
  }

  /** Probe order: what the ATR says the card carries, else every family; policy's order first. */
  #probeOrder(knowledge: CardKnowledge): Family[] {
    const candidates = knowledge.apps ?? FAMILIES;
    const preferred = this.#options.families.filter((f) => candidates.includes(f));
    return [...preferred, ...candidates.filter((f) => !preferred.includes(f))];
  }

  /**
   * The card's applications: from the cache for this insertion, else by probing every
   * family (a security key carries PIV and OpenPGP side by side). `fresh` holds the
   * apps whose counters were read in this very call.
   */
  async #identify(reader: string, channel: ApduChannel, want: StatusOptions = {}): Promise<{ card: KnownCard; fresh: Set<CardApp> }> {
    const state = this.#backend.readers().find((r) => r.name === reader);
    const cached = this.#cards.get(reader);
    if (cached && state && cached.insertion === state.insertion) return { card: cached, fresh: new Set() };
    this.#cards.delete(reader);
    const atr = channel.atr;
    const context = this.#context(atr);
    const card: KnownCard = {
      insertion: state?.insertion ?? -1,
      atr,
      context,
      apps: [],
      tries: new Map(),
      fromAnswer: new Map(),
      certificates: { slots: new Map(), der: new Map() },
    };
    const fresh = new Set<CardApp>();
    const probeOrder = this.#probeOrder(context.knowledge);
    // First the standard probes; then, where they found nothing (or the card's row says the
    // application is there), the searches that cost more (PKCS#15 through EF.DIR, paths).
    const deep = (family: Family) => family === "pkcs15" && (card.apps.length === 0 || context.knowledge.apps?.includes(family) === true);
    const probes = [
      ...probeOrder.map((family) => ({ family, deepSearch: false })),
      ...probeOrder.map((family) => ({ family, deepSearch: true })),
    ];
    for (const { family, deepSearch } of probes) {
      if (deepSearch && (!deep(family) || card.apps.some((a) => a.layout.family === family))) continue;
      const profile = PROFILES[family];
      const detected = await profile.detect(channel, deepSearch ? { ...context, deepSearch } : context);
      if (!detected) continue;
      const app: CardApp = detected.session;
      card.apps.push(app);
      // Read the counters now, while this application is selected: no second SELECT. Where
      // only some codes are wanted (the CLI before a change), only theirs.
      const ids = want.codes && (want.app === undefined || want.app === family) ? this.#withUnblockers(app.layout, want.codes) : undefined;
      const tries = detected.tries ?? (ids?.length === 0 ? new Map() : await app.readTries(channel, context, ids));
      this.#remember(card, app, tries);
      fresh.add(app);
    }
    if (card.apps.length === 0) throw new PinwardenError("CARD_UNSUPPORTED", { atr: atr.toString("hex").toUpperCase(), reader });
    // Show applications in the policy's order.
    const order = this.#options.families;
    const rank = (a: CardApp) => (order.includes(a.layout.family) ? order.indexOf(a.layout.family) : order.length);
    card.apps.sort((a, b) => rank(a) - rank(b));
    if (state) this.#cards.set(reader, card);
    return { card, fresh };
  }

  /** The codes asked for that this app has, and the codes that unblock them. */
  #withUnblockers(layout: CardLayout, ids: readonly string[]): string[] {
    const out = new Set<string>();
    for (const code of layout.codes.filter((c) => ids.includes(c.id))) {
      out.add(code.id);
      for (const by of [code.unblockedBy, ...(code.alsoUnblockedBy ?? [])]) if (by) out.add(by);
    }
    return [...out];
  }

  #remember(card: KnownCard, app: CardApp, tries: TriesMap): void {
    // A code the profile could not ask about is absent: what an earlier answer (63Cx)
    // taught stays. An answer without a count (9000, 6300) makes it unknown again.
    for (const [id, left] of tries) {
      card.tries.set(key(app.layout.family, id), left);
      card.fromAnswer.delete(key(app.layout.family, id));
    }
  }

  /** After an operation: what its answer says about the counters. */
  #learn(card: KnownCard, app: CardApp, touched: CodeInfo[], failure: unknown): void {
    const family = app.layout.family;
    if (failure === undefined) {
      // Success resets the counters of the codes involved to their limit, if known.
      for (const code of touched) {
        card.tries.set(key(family, code.id), code.maxTries);
        card.fromAnswer.set(key(family, code.id), true);
      }
      return;
    }
    if (isPinwardenError(failure) && failure.details.codeId !== undefined && failure.details.triesLeft !== undefined) {
      card.tries.set(key(family, failure.details.codeId), failure.details.triesLeft);
      card.fromAnswer.set(key(family, failure.details.codeId), true);
    }
  }

  /**
   * The app to work on, SELECTed. A known card costs one SELECT; if that fails (another
   * card behind the same insertion count, an applet gone), the card is learned again.
   */
  async #selected(reader: string, channel: ApduChannel, family?: Family): Promise<CardApp> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const { card } = await this.#identify(reader, channel);
      const app = this.#appOf(card, family);
      if (await app.select(channel)) return app;
      this.#cards.delete(reader);
    }
    throw new PinwardenError("CARD_UNSUPPORTED", { reader, technical: "the application could not be selected" });
  }

  #statusOf(reader: string, card: KnownCard, app?: Family): CardStatus {
    const apps = card.apps.map((a) => this.#appStatus(card, a));
    const chosen = this.#appOf(card, app);
    const main = apps[card.apps.indexOf(chosen)]!;
    return {
      reader,
      card: {
        profile: main.app,
        atr: card.atr.toString("hex").toUpperCase(),
        serial: main.serial,
        label: main.label,
        knownAs: card.context.knowledge.name,
      },
      app: main.app,
      codes: main.codes,
      applications: apps,
    };
  }

  #appStatus(card: KnownCard, app: CardApp): AppStatus {
    const { layout } = app;
    return {
      app: layout.family,
      serial: layout.serial ?? null,
      label: layout.label ?? null,
      codes: layout.codes.map((c): CodeStatus => {
        const triesLeft = card.tries.get(key(layout.family, c.id)) ?? null;
        // true: this call's answer; false: an older answer (stale, see fromAnswer).
        const answer = card.fromAnswer.get(key(layout.family, c.id));
        const status: CodeStatus = {
          id: c.id,
          app: layout.family,
          label: c.label,
          kind: c.kind,
          triesLeft,
          triesKnown: triesLeft !== null && answer !== false,
          maxTries: c.maxTries,
          blocked: triesLeft === 0 && c.kind !== "reset",
          // A code never set is not "blocked" or "unknown": it is not there to use yet.
          state: c.initialized === false ? "unavailable" : codeState(triesLeft, c.kind),
          minLength: c.minLength,
          maxLength: c.maxLength,
          numeric: c.numeric,
          charset: c.charset,
          canChange: c.canChange && (c.kind === "pin" || this.#options.allowChangePuk),
          canUnblock: c.canUnblock,
          canCheck: this.#canCheck(card, c),
        };
        if (c.unblockedBy) status.unblockedBy = c.unblockedBy;
        if (c.alsoUnblockedBy?.length) status.alsoUnblockedBy = c.alsoUnblockedBy;
        return status;
      }),
    };
  }

  // --- running operations -----------------------------------------------------

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

  async #mutate(
    options: OperationOptions,
    operation: AuditEvent["operation"],
    codeId: string,
    work: (channel: ApduChannel, app: CardApp, card: KnownCard) => Promise<CodeInfo[]>,
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
        const app = await this.#selected(r, channel, options.app);
        const card = this.#cards.get(r)!;
        serial = app.layout.serial ?? null;
        let failure: unknown;
        let touched: CodeInfo[] = [];
        try {
          touched = await work(channel, app, card);
        } catch (error) {
          failure = error;
          const failedId = isPinwardenError(error) ? error.details.codeId : undefined;
          touched = [codeId, failedId].flatMap((id) => (id ? (codeById(app.layout, id) ?? []) : []));
        }
        this.#learn(card, app, touched, failure);
        // Re-read the counters the operation can have changed, unless the card is gone.
        if (!isPinwardenError(failure) || !gone(failure.code)) {
          try {
            const ids = [...new Set([codeId, ...touched.map((c) => c.id)])];
            const reread = await app.readTries(channel, card.context, ids);
            // After our own success the card may answer 9000 (verified): no count in the
            // answer, but the success itself reset the counter, which #learn recorded.
            if (failure === undefined) for (const [id, left] of reread) if (left === null) reread.delete(id);
            this.#remember(card, app, reread);
          } catch {
            // The card did what was asked but the re-read failed: report the success with
            // the counters as known, rather than an error that would make the user try again.
          }
          afterStatus = this.#statusOf(r, card, app.layout.family);
        }
        // What this operation's answers taught is "as of the last answer" from now on.
        for (const [k, fresh] of card.fromAnswer) if (fresh) card.fromAnswer.set(k, false);
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

  /**
   * Runs `work` on one connection inside one PC/SC transaction, queued behind any other
   * work on the same reader. The transaction lasts only as long as the APDU sequence.
   */
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
      let inTransaction = false;
      try {
        connection = await this.#backend.connect(reader, { exclusive });
        const channel = new ApduChannel(connection, this.#options.trace);
        await connection.beginTransaction();
        inTransaction = true;
        return { ok: true, value: await work(reader, channel) };
      } catch (error) {
        return this.#failure(error, reader);
      } finally {
        // After a change or unblock (a code was sent, right or wrong) the card is reset so no
        // PIN stays verified for other programs; the reset ends the transaction, so nothing
        // queued by another program reaches the card before it (docs/architecture.md).
        const wantReset = exclusive;
        let wasReset = false;
        if (inTransaction && connection) {
          wasReset = await connection.endTransaction(wantReset).then(
            () => wantReset,
            () => false,
          );
        }
        await connection?.disconnect(wantReset && !wasReset).catch(() => undefined);
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
      // After these nothing learned about the card can be trusted: a command that timed out
      // may have run on the card. The next status reads everything again.
      if (reader && isInterrupted(error.code)) this.#cards.delete(reader);
      return { ok: false, error: error.toJSON() };
    }
    // Unexpected: report as a card error, with only the error's class for support.
    const technical = error instanceof Error ? error.name : typeof error;
    return { ok: false, error: { code: "CARD_ERROR", technical } };
  }

  // --- certificates (issue 14) ------------------------------------------------

  /**
   * The certificates on the card (every application's, or `app`'s), read without any code:
   * no VERIFY and no other command that carries one. Each is read once per insertion, in
   * a short transaction of its own queued like any other work on the reader, one
   * certificate a task: a status asked for meanwhile waits for at most one certificate.
   * Days left are counted from `now` on every call.
   */
  async certificates(options: OperationOptions & { now?: Date } = {}): Promise<Result<CertificateList>> {
    const located = await this.#run(options, false, async (reader, channel) => {
      // Learning the card here reads no counter (codes: none): no empty VERIFY either. A
      // status later reads them as it would on a card it has not seen.
      const { card } = await this.#identify(reader, channel, { codes: [] });
      const cache = card.certificates;
      const apps = options.app === undefined ? card.apps : [this.#appOf(card, options.app)];
      const found: { layout: CardLayout; slot: CertificateSlot }[] = [];
      for (const { layout } of apps) {
        let slots = cache.slots.get(layout.family);
        if (!slots) {
          slots = await CERTIFICATE_SOURCES[layout.family].locate(channel, layout);
          cache.slots.set(layout.family, slots);
        }
        for (const slot of slots) found.push({ layout, slot });
      }
      return { reader, card, found };
    });
    if (!located.ok) return located;
    const { reader, card, found } = located.value;
    const now = options.now ?? new Date();
    const list: CertificateList = { reader, certificates: [], problems: [] };
    for (const { layout, slot } of found) {
      const cache = card.certificates;
      const at = `${slot.app}/${slot.location}`;
      if (!cache.der.has(at)) {
        const read = await this.#run({ reader }, false, async (name, channel) => {
          // Another card since the certificates were located: their places mean nothing now.
          if (this.#cards.get(name) !== card) {
            throw new PinwardenError("CARD_REMOVED", { reader: name });
          }
          return CERTIFICATE_SOURCES[slot.app].read(channel, layout, slot);
        });
        if (!read.ok) {
          if (gone(read.error.code)) return read;
          list.problems.push({
            app: slot.app,
            location: slot.location,
            reason: "unreadable",
            technical: read.error.technical ?? read.error.code,
          });
          continue;
        }
        cache.der.set(at, read.value);
      }
      const der = cache.der.get(at);
      if (!der) continue;
      const described = describeOrProblem(der, slot, now);
      if (isProblem(described)) list.problems.push(described);
      else list.certificates.push(described);
    }
    return { ok: true, value: list };
  }
}
