/**
 * IPC handlers: every call is checked for its sender (the main frame of our own window,
 * showing our own page) before its payload reaches the handlers, which check the payload
 * against a schema. Anything else is rejected and logged without its payload.
 */
import type { IpcMain, IpcMainInvokeEvent } from "electron";
import type { Logger } from "winston";
import { CALL_NAMES, CALLS } from "../contract/calls.js";
import { REJECTED, type Handlers } from "../host/handlers.js";

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
  // Every row of the table of calls, on its channel, behind the sender check.
  for (const name of CALL_NAMES) {
    const { channel } = CALLS[name];
    ipcMain.handle(
      channel,
      guard(channel, (payload): Promise<unknown> => handlers[name](payload)),
    );
  }
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
