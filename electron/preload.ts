/**
 * Runs in the sandboxed renderer before the page: exposes the table's calls
 * (contract/calls.ts) as `window.pinwarden`, each on its own channel, and never
 * ipcRenderer itself.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from "electron";
import type { AppEvent, PinwardenApi, StatusPush } from "../contract/api.js";
import { CALL_NAMES, CALLS, PUSH_CHANNELS } from "../contract/calls.js";

const calls = Object.fromEntries(
  CALL_NAMES.filter((name) => CALLS[name].exposed).map((name) => [
    name,
    // A call that takes no request forwards nothing, whatever the page passes.
    (request?: unknown) =>
      CALLS[name].takesRequest ? ipcRenderer.invoke(CALLS[name].channel, request) : ipcRenderer.invoke(CALLS[name].channel),
  ]),
) as unknown as Omit<PinwardenApi, "subscribe" | "onStatus">;

const api: PinwardenApi = {
  ...calls,
  subscribe(listener) {
    const handler = (_event: IpcRendererEvent, appEvent: AppEvent) => listener(appEvent);
    ipcRenderer.on(PUSH_CHANNELS.events, handler);
    return () => {
      ipcRenderer.off(PUSH_CHANNELS.events, handler);
    };
  },
  onStatus(listener) {
    // A push that arrives before the latest is fetched is newer: the fetched one is dropped.
    let pushed = false;
    let active = true;
    const handler = (_event: IpcRendererEvent, status: StatusPush) => {
      pushed = true;
      listener(status);
    };
    ipcRenderer.on(PUSH_CHANNELS.statusPush, handler);
    void ipcRenderer.invoke(CALLS.latestStatus.channel).then((status: StatusPush | null) => {
      if (active && !pushed && status) listener(status);
    });
    return () => {
      active = false;
      ipcRenderer.off(PUSH_CHANNELS.statusPush, handler);
    };
  },
};

contextBridge.exposeInMainWorld("pinwarden", api);
