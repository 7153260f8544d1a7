/**
 * What the rest of Pinwarden needs from a reader stack. PcscReaders implements it on
 * the real PC/SC service; the simulator's InProcessReaders implements it with virtual
 * cards in the same process (unit tests and demo mode).
 */
export interface ReaderState {
  name: string;
  cardPresent: boolean;
  /** ATR of the present card, hex. */
  atr?: string;
  /** Increments on every card insertion: identifies "this card, this time". */
  insertion: number;
}

export type ReaderEvent =
  | { type: "service-up" }
  | { type: "service-down"; technical?: string }
  | { type: "reader-added"; reader: string }
  | { type: "reader-removed"; reader: string }
  | { type: "card-inserted"; reader: string; atr: string; insertion: number }
  | { type: "card-removed"; reader: string; insertion: number };

export interface CardConnection {
  readonly atr: Buffer;
  /** Sends one raw C-APDU, resolves with the raw R-APDU (data ‖ SW1 SW2). */
  transmit(apdu: Buffer): Promise<Buffer>;
  /** Sends a PC/SC control code (PIN-pad readers, part 10). */
  control(code: number, data: Buffer): Promise<Buffer>;
  /**
   * SCardBeginTransaction: until endTransaction(), no other handle's APDU reaches the
   * card (theirs wait). Hold it only around one APDU sequence: Windows ends a
   * transaction left idle for 5 s.
   */
  beginTransaction(): Promise<void>;
  /**
   * SCardEndTransaction: with `reset`, SCARD_RESET_CARD, so no code verified during the
   * transaction stays verified. pcsc-lite resets the card before it lets the next handle
   * in; SCardDisconnect(RESET) would let a queued APDU of another program in first.
   */
  endTransaction(reset?: boolean): Promise<void>;
  /** `reset` resets the card, clearing any verified state, before letting go. */
  disconnect(reset: boolean): Promise<void>;
}

export interface ConnectOptions {
  /** Ask for exclusive access; falls back to shared where another handle exists. */
  exclusive: boolean;
}

export interface ReaderBackend {
  readonly serviceAvailable: boolean;
  readers(): ReaderState[];
  connect(reader: string, options: ConnectOptions): Promise<CardConnection>;
  on(listener: (event: ReaderEvent) => void): () => void;
  /** Resolves once the first reader list is known (or the service is known to be down). */
  ready(): Promise<void>;
  close(): Promise<void>;
}
