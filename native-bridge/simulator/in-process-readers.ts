/**
 * A reader stack with virtual cards in the same process: no PC/SC service needed. Used
 * by the fast unit tests and by the app's demo mode on machines with no reader.
 */
import { PinwardenError } from "../core/errors.js";
import type { CardConnection, ReaderBackend, ReaderEvent, ReaderState } from "../pcsc/types.js";
import { deliver } from "./transport-faults.js";
import type { VirtualCard } from "./virtual-card.js";

interface Slot {
  state: ReaderState;
  card?: VirtualCard | undefined;
  /** Connection generation: a removal invalidates every open connection. */
  generation: number;
  /** The connection holding a transaction, and who waits for the card meanwhile. */
  holder?: symbol | undefined;
  waiters: (() => void)[];
}

export class InProcessReaders implements ReaderBackend {
  #slots = new Map<string, Slot>();
  #listeners = new Set<(e: ReaderEvent) => void>();
  #insertions = 0;
  #available = true;

  constructor(readerNames: string[] = ["Pinwarden Virtual Reader"]) {
    for (const name of readerNames)
      this.#slots.set(name, { state: { name, cardPresent: false, insertion: 0 }, generation: 0, waiters: [] });
  }

  get serviceAvailable(): boolean {
    return this.#available;
  }

  ready(): Promise<void> {
    return Promise.resolve();
  }

  readers(): ReaderState[] {
    return this.#available ? [...this.#slots.values()].map((s) => ({ ...s.state })) : [];
  }

  on(listener: (e: ReaderEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(e: ReaderEvent): void {
    for (const l of this.#listeners) l(e);
  }

  #slot(name?: string): Slot {
    const slot = name ? this.#slots.get(name) : this.#slots.values().next().value;
    if (!slot) throw new PinwardenError("READER_NOT_FOUND", name ? { reader: name } : {});
    return slot;
  }

  insert(card: VirtualCard, reader?: string): void {
    const slot = this.#slot(reader);
    if (slot.card) this.remove(slot.state.name);
    card.apduCount = 0;
    card.reset();
    slot.card = card;
    slot.state.cardPresent = true;
    slot.state.atr = card.atr.toString("hex").toUpperCase();
    slot.state.insertion = ++this.#insertions;
    this.#emit({ type: "card-inserted", reader: slot.state.name, atr: slot.state.atr, insertion: slot.state.insertion });
  }

  remove(reader?: string): void {
    const slot = this.#slot(reader);
    if (!slot.card) return;
    slot.card = undefined;
    slot.generation++;
    this.#release(slot);
    slot.state.cardPresent = false;
    delete slot.state.atr;
    this.#emit({ type: "card-removed", reader: slot.state.name, insertion: slot.state.insertion });
  }

  /** Simulates the PC/SC service stopping and starting. */
  setServiceAvailable(available: boolean): void {
    if (available === this.#available) return;
    this.#available = available;
    this.#emit(available ? { type: "service-up" } : { type: "service-down" });
  }

  async connect(reader: string): Promise<CardConnection> {
    if (!this.#available) throw new PinwardenError("PCSC_UNAVAILABLE");
    const slot = this.#slot(reader);
    const card = slot.card;
    if (!card) throw new PinwardenError("NO_CARD", { reader });
    const generation = slot.generation;
    const alive = () => slot.generation === generation && slot.card === card;
    const me = Symbol(reader);
    // As with PC/SC: while another connection holds a transaction, our APDUs wait.
    const turn = async () => {
      while (slot.holder !== undefined && slot.holder !== me) await new Promise<void>((r) => slot.waiters.push(r));
    };
    return {
      atr: card.atr,
      transmit: async (apdu) => {
        await new Promise((r) => setImmediate(r));
        await turn();
        if (!alive()) throw new PinwardenError("CARD_REMOVED", { reader });
        const d = deliver(card, apdu);
        if (d.kind === "drop") {
          this.remove(reader);
          throw new PinwardenError("CARD_REMOVED", { reader });
        }
        if (d.delayMs > 0) await new Promise((r) => setTimeout(r, d.delayMs));
        if (!alive()) throw new PinwardenError("CARD_REMOVED", { reader });
        return d.response;
      },
      control: () => Promise.reject(new PinwardenError("CARD_ERROR", { technical: "no control codes on a virtual reader" })),
      beginTransaction: async () => {
        await turn();
        if (!alive()) throw new PinwardenError("CARD_REMOVED", { reader });
        slot.holder = me;
      },
      endTransaction: async (reset = false) => {
        if (slot.holder !== me) return;
        // As pcsc-lite does: the reset happens before anyone waiting gets the card.
        if (reset && alive()) card.reset();
        this.#release(slot);
      },
      disconnect: async (reset) => {
        if (slot.holder === me) this.#release(slot);
        if (reset && alive()) card.reset();
      },
    };
  }

  #release(slot: Slot): void {
    slot.holder = undefined;
    for (const wake of slot.waiters.splice(0)) wake();
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
