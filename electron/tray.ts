/** The tray icon: its picture, tooltip and menu follow the card (host/tray-state.ts says what). */
import { join } from "node:path";
import type * as ElectronModule from "electron";
import type { Language } from "../contract/api.js";
import { iconFile, menuTemplate, tooltipWithCertificates, trayStateOf, type MonitorSnapshot } from "../host/tray-state.js";

export type TrayActions = Parameters<typeof menuTemplate>[2];

export interface TrayOptions {
  assetsDir: string;
  language: Language;
  organisationName: () => string | null;
  snapshot: () => MonitorSnapshot;
  actions: TrayActions;
}

export interface TrayIcon {
  update(): void;
  destroy(): void;
}

export function createTrayIcon(electron: Pick<typeof ElectronModule, "Tray" | "Menu" | "nativeTheme">, options: TrayOptions): TrayIcon {
  const { Tray, Menu, nativeTheme } = electron;
  const icon = (state: Parameters<typeof iconFile>[0]) =>
    join(options.assetsDir, "tray", iconFile(state, nativeTheme.shouldUseDarkColors, process.platform));
  const tray = new Tray(icon("no-card"));
  function update(): void {
    const s = options.snapshot();
    tray.setImage(icon(trayStateOf(s)));
    const organisation = options.organisationName();
    const tooltip = tooltipWithCertificates(s, options.language);
    tray.setToolTip(organisation ? `${tooltip} (${organisation})` : tooltip);
    tray.setContextMenu(
      Menu.buildFromTemplate(
        menuTemplate(s, options.language, options.actions).map(({ id, ...item }) =>
          id === "separator" ? { type: "separator" } : { id, ...item },
        ),
      ),
    );
  }
  tray.on("click", options.actions.status);
  nativeTheme.on("updated", update);
  return { update, destroy: () => tray.destroy() };
}
