/**
 * App state in zustand: what the card says, which view is open, what the last operation
 * did. Never a code: the wizards keep codes in their own component state.
 *
 * The window does not read the card on a card event: the main process reads once and
 * pushes the status (onStatus) to the tray and here. The window reads only when the person
 * asks (Refresh) and gets the status back from its own change or unblock.
 */
import { create } from "zustand";
import type { ApiError, AppFamily, AppInfo, CardStatus, PinwardenApi, StatusPush } from "../../../contract/api.js";
import { isNoCard } from "../../../contract/errors.js";

export type View =
  | { name: "status" }
  | { name: "support" }
  | { name: "change"; pinId?: string; app?: AppFamily }
  | { name: "unlock"; pinId?: string; app?: AppFamily };

export interface LastOperation {
  operation: "changePin" | "unblockPin";
  codeId: string;
  result: "ok" | ApiError["code"];
  support?: string;
  at: string;
}

export interface AppState {
  api: PinwardenApi | null;
  info: AppInfo | null;
  status: CardStatus | null;
  statusError: ApiError | null;
  loading: boolean;
  view: View;
  last: LastOperation | null;
  /** Increments on every card insertion or removal, so views can react to "the card changed". */
  cardEpoch: number;
  cardPresent: boolean;
  /** The id of the control that opened the wizard on screen: Close or Esc gives it the focus back. */
  opener: string | null;
  /** After a wizard closed: the ids to give the focus to, the first one on screen. */
  focusTarget: string[] | null;
  connect(api: PinwardenApi): Promise<void>;
  /** Reads the card again: only when the person asks. */
  refresh(): Promise<void>;
  /** Opens a view; `from`: the id of the control that opened it (a wizard gives it the focus back). */
  open(view: View, from?: string): void;
  /** Closes a wizard: back to the card status, the focus to the control that opened the wizard. */
  close(): void;
  /** The focus has gone where focusTarget said. */
  focused(): void;
  applyStatus(status: CardStatus): void;
  /** A status pushed by the main process (or returned by a read). */
  applyPush(push: StatusPush): void;
  record(last: Omit<LastOperation, "at">): void;
}

export const useApp = create<AppState>((set, get) => ({
  api: null,
  info: null,
  status: null,
  statusError: null,
  loading: false,
  view: { name: "status" },
  last: null,
  cardEpoch: 0,
  cardPresent: false,
  opener: null,
  focusTarget: null,

  async connect(api) {
    set({ api, loading: true });
    api.subscribe((event) => {
      if (event.type === "navigate") {
        const view = { name: event.view, ...(event.pinId ? { pinId: event.pinId } : {}), ...(event.app ? { app: event.app } : {}) };
        set({ view } as Pick<AppState, "view">);
        return;
      }
      // The status follows as a push; no read of our own.
      if (event.type === "card-removed") set((s) => ({ cardEpoch: s.cardEpoch + 1, cardPresent: false, status: null }));
      if (event.type === "card-inserted") set((s) => ({ cardEpoch: s.cardEpoch + 1, loading: true }));
    });
    api.onStatus((push) => get().applyPush(push));
    set({ info: await api.info() });
  },

  async refresh() {
    const api = get().api;
    if (!api) return;
    set({ loading: true });
    get().applyPush(await api.status());
  },

  applyPush(r) {
    if (r.ok) set({ status: r.value, statusError: null, loading: false, cardPresent: true });
    else
      set({
        status: r.status ?? null,
        statusError: r.error,
        loading: false,
        cardPresent: !isNoCard(r.error.code),
      });
  },

  open(view, from) {
    set((s) => {
      const wizard = (v: View) => v.name === "change" || v.name === "unlock";
      // From one wizard to the other ("unlock instead"): the first one's opener still counts.
      const opener = wizard(view) ? (from ?? (wizard(s.view) ? s.opener : null)) : null;
      return { view, opener };
    });
  },

  close() {
    const { opener, view } = get();
    set({ view: { name: "status" }, opener: null, focusTarget: [...(opener ? [opener] : []), `nav-${view.name}`] });
  },

  focused() {
    set({ focusTarget: null });
  },

  applyStatus(status) {
    set({ status, statusError: null, cardPresent: true });
  },

  record(last) {
    set({ last: { ...last, at: new Date().toISOString() } });
  },
}));
