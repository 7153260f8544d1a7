/**
 * App state in zustand: what the card says, which view is open, what the last operation
 * did. Never a code: the wizards keep codes in their own component state.
 */
import { create } from "zustand";
import type { ApiError, AppInfo, CardStatus, PinwardenApi } from "../../contract.js";

export type View = { name: "status" } | { name: "support" } | { name: "change"; pinId?: string } | { name: "unlock"; pinId?: string };

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
  connect(api: PinwardenApi): Promise<void>;
  refresh(): Promise<void>;
  open(view: View): void;
  applyStatus(status: CardStatus): void;
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

  async connect(api) {
    set({ api });
    api.subscribe((event) => {
      if (event.type === "navigate") {
        set({ view: event.pinId ? { name: event.view, pinId: event.pinId } : { name: event.view } } as Pick<AppState, "view">);
        return;
      }
      if (event.type === "card-removed") set((s) => ({ cardEpoch: s.cardEpoch + 1, cardPresent: false, status: null }));
      if (event.type === "card-inserted") set((s) => ({ cardEpoch: s.cardEpoch + 1 }));
      void get().refresh();
    });
    set({ info: await api.info() });
    await get().refresh();
  },

  async refresh() {
    const api = get().api;
    if (!api) return;
    set({ loading: true });
    const r = await api.status();
    if (r.ok) set({ status: r.value, statusError: null, loading: false, cardPresent: true });
    else
      set({
        status: r.status ?? null,
        statusError: r.error,
        loading: false,
        cardPresent: !["NO_CARD", "NO_READER", "PCSC_UNAVAILABLE"].includes(r.error.code),
      });
  },

  open(view) {
    set({ view });
  },

  applyStatus(status) {
    set({ status, statusError: null, cardPresent: true });
  },

  record(last) {
    set({ last: { ...last, at: new Date().toISOString() } });
  },
}));
