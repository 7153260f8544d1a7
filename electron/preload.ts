/**
 * Runs in the sandboxed renderer before the page: exposes the contract's named methods as
 * `window.pinwarden`, never ipcRenderer itself.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from "electron";
import { CHANNELS, type AppEvent, type PinwardenApi } from "../renderer/contract.js";

const api: PinwardenApi = {
  info: () => ipcRenderer.invoke(CHANNELS.info),
  status: () => ipcRenderer.invoke(CHANNELS.status),
  changePin: (request) => ipcRenderer.invoke(CHANNELS.changePin, request),
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
};

contextBridge.exposeInMainWorld("pinwarden", api);
