/**
 * IPC handlers: every call is checked for its sender (the main frame of our own window,
 * showing our own page) before its payload reaches the handlers, which check the payload
 * against a schema. Anything else is rejected and logged without its payload.
 */
import type { IpcMain, IpcMainInvokeEvent } from "electron";
import type { Logger } from "winston";
import { CHANNELS } from "../renderer/contract.js";
import { REJECTED, type Handlers } from "./handlers.js";

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

export function registerIpc(ipcMain: IpcMain, handlers: Handlers, trusted: SenderCheck, log: Pick<Logger, "warn">): void {
  const guard =
    <T>(channel: string, call: (payload: unknown) => Promise<T>) =>
    async (event: IpcMainInvokeEvent, payload?: unknown) => {
      if (!trusted(event)) {
        log.warn("ipc call rejected: not from the app's own page", { channel });
        return { ok: false, error: REJECTED };
      }
      return call(payload);
    };
  const calls: [string, (payload: unknown) => Promise<unknown>][] = [
    [CHANNELS.info, () => handlers.info()],
    [CHANNELS.status, () => handlers.status()],
    [CHANNELS.latestStatus, () => handlers.latestStatus()],
    [CHANNELS.support, () => handlers.support()],
    [CHANNELS.exportDiagnostics, () => handlers.exportDiagnostics()],
    [CHANNELS.changePin, (p) => handlers.changePin(p)],
    [CHANNELS.checkCode, (p) => handlers.checkCode(p)],
    [CHANNELS.unblockPin, (p) => handlers.unblockPin(p)],
  ];
  for (const [channel, call] of calls) ipcMain.handle(channel, guard(channel, call));
}

/** The sender check for a window manager: our webContents, its main frame, our page. */
export function senderCheck(
  isOwnFrame: (sender: IpcMainInvokeEvent["sender"], url: string | undefined, isMain: boolean) => boolean,
): SenderCheck {
  return (event) => {
    const frame = event.senderFrame;
    const isMain = !!frame && frame === event.sender.mainFrame;
    return isOwnFrame(event.sender, frame?.url, isMain);
  };
}
