/** The preload exposes the contract's named methods and nothing of ipcRenderer (electron mocked). */
import { describe, expect, it, vi } from "vitest";
import { CHANNELS } from "../../contract/calls.js";

const exposed: Record<string, unknown> = {};
const invoked: unknown[][] = [];
const listeners = new Map<string, (...a: unknown[]) => void>();
let latest: unknown = null;

vi.mock("electron", () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: {
    invoke: async (...args: unknown[]) => {
      invoked.push(args);
      return args[0] === CHANNELS.latestStatus ? latest : undefined;
    },
    on: (channel: string, fn: (...a: unknown[]) => void) => listeners.set(channel, fn),
    off: (channel: string) => listeners.delete(channel),
  },
}));

describe("preload", () => {
  it("exposes window.pinwarden with the contract's methods only, each on its own channel", async () => {
    await import("../../electron/preload.js");
    expect(Object.keys(exposed)).toEqual(["pinwarden"]);
    const api = exposed.pinwarden as Record<string, (...a: unknown[]) => unknown>;
    expect(Object.keys(api).sort()).toEqual([
      "changePin",
      "checkCode",
      "exportDiagnostics",
      "info",
      "onStatus",
      "status",
      "subscribe",
      "support",
      "unblockPin",
    ]);
    expect(Object.values(api).every((v) => typeof v === "function")).toBe(true);
    await api.info!();
    await api.status!();
    await api.changePin!({ pinId: "auth", current: "1", next: "2" });
    await api.checkCode!({ pinId: "auth", current: "1" });
    await api.unblockPin!({ pinId: "auth", puk: "1", next: "2" });
    await api.support!();
    await api.exportDiagnostics!();
    expect(invoked.map((a) => a[0])).toEqual([
      CHANNELS.info,
      CHANNELS.status,
      CHANNELS.changePin,
      CHANNELS.checkCode,
      CHANNELS.unblockPin,
      CHANNELS.support,
      CHANNELS.exportDiagnostics,
    ]);

    const seen: unknown[] = [];
    const off = api.subscribe!((e: unknown) => seen.push(e)) as () => void;
    listeners.get(CHANNELS.events)!({ sender: "ipc internals" }, { type: "card-removed", reader: "R" });
    expect(seen).toEqual([{ type: "card-removed", reader: "R" }]);
    off();
    expect(listeners.has(CHANNELS.events)).toBe(false);
  });

  it("delivers the main process's latest status at once, then every push; a push wins over an older latest", async () => {
    await import("../../electron/preload.js");
    const api = exposed.pinwarden as { onStatus: (l: (s: unknown) => void) => () => void };
    const noCard = { ok: false, error: { code: "NO_CARD", support: "PW-302" } };
    latest = noCard;
    const seen: unknown[] = [];
    const off = api.onStatus((s) => seen.push(s));
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual([noCard]);
    listeners.get(CHANNELS.statusPush)!({ sender: "ipc internals" }, { ok: true, value: { reader: "R" } });
    expect(seen).toEqual([noCard, { ok: true, value: { reader: "R" } }]);
    off();
    expect(listeners.has(CHANNELS.statusPush)).toBe(false);

    // A push that arrives before the latest is fetched is newer: the fetched one is dropped.
    const seen2: unknown[] = [];
    api.onStatus((s) => seen2.push(s));
    listeners.get(CHANNELS.statusPush)!({}, { ok: true, value: { reader: "newer" } });
    await new Promise((r) => setTimeout(r, 0));
    expect(seen2).toEqual([{ ok: true, value: { reader: "newer" } }]);
  });
});
