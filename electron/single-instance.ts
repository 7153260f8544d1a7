/** One instance per user session: a second start shows the first one's window and quits. */
import type * as ElectronModule from "electron";

export function claimSingleInstance(
  app: Pick<(typeof ElectronModule)["app"], "requestSingleInstanceLock" | "quit" | "on">,
  onSecond: () => void,
): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on("second-instance", onSecond);
  return true;
}
