/** The preload exposes the contract's named methods and nothing of ipcRenderer (electron mocked). */
import { describe, expect, it, vi } from "vitest";
import { CHANNELS } from "../../renderer/contract.js";

const exposed: Record<string, unknown> = {};
const invoked: unknown[][] = [];
const listeners = new Map<string, (...a: unknown[]) => void>();

vi.mock("electron", () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: {
    invoke: async (...args: unknown[]) => void invoked.push(args),
    on: (channel: string, fn: (...a: unknown[]) => void) => listeners.set(channel, fn),
    off: (channel: string) => listeners.delete(channel),
  },
}));

describe("preload", () => {
  it("exposes window.pinwarden with the contract's methods only, each on its own channel", async () => {
    await import("../../electron/preload.js");
    expect(Object.keys(exposed)).toEqual(["pinwarden"]);
    const api = exposed.pinwarden as Record<string, (...a: unknown[]) => unknown>;
    expect(Object.keys(api).sort()).toEqual(["changePin", "exportDiagnostics", "info", "status", "subscribe", "support", "unblockPin"]);
    expect(Object.values(api).every((v) => typeof v === "function")).toBe(true);
    await api.info!();
    await api.status!();
    await api.changePin!({ pinId: "auth", current: "1", next: "2" });
    await api.unblockPin!({ pinId: "auth", puk: "1", next: "2" });
    await api.support!();
    await api.exportDiagnostics!();
    expect(invoked.map((a) => a[0])).toEqual([
      CHANNELS.info,
      CHANNELS.status,
      CHANNELS.changePin,
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
});
