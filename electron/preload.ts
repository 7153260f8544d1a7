/**
 * Runs in the sandboxed renderer before the page: exposes the contract's named methods as
 * `window.pinwarden`, never ipcRenderer itself.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from "electron";
import { CHANNELS, type AppEvent, type PinwardenApi, type StatusPush } from "../renderer/contract.js";

const api: PinwardenApi = {
  info: () => ipcRenderer.invoke(CHANNELS.info),
  status: () => ipcRenderer.invoke(CHANNELS.status),
  changePin: (request) => ipcRenderer.invoke(CHANNELS.changePin, request),
  checkCode: (request) => ipcRenderer.invoke(CHANNELS.checkCode, request),
  unblockPin: (request) => ipcRenderer.invoke(CHANNELS.unblockPin, request),
  support: () => ipcRenderer.invoke(CHANNELS.support),
  exportDiagnostics: () => ipcRenderer.invoke(CHANNELS.exportDiagnostics),
  subscribe(listener) {
    const handler = (_event: IpcRendererEvent, appEvent: AppEvent) => listener(appEvent);
    ipcRenderer.on(CHANNELS.events, handler);
    return () => {
      ipcRenderer.off(CHANNELS.events, handler);
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
    ipcRenderer.on(CHANNELS.statusPush, handler);
    void ipcRenderer.invoke(CHANNELS.latestStatus).then((status: StatusPush | null) => {
      if (active && !pushed && status) listener(status);
    });
    return () => {
      active = false;
      ipcRenderer.off(CHANNELS.statusPush, handler);
    };
  },
};

contextBridge.exposeInMainWorld("pinwarden", api);
