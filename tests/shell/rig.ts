/**
 * What the shell tests share: an app started through its real main entry on an electron
 * stand-in, machine policy in a temp file, waiting as a person would, screenshots.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StandInElectron, type StandInBrowserWindow, type StandInTray } from "./electron-stand-in.js";
import { SCREENSHOTS } from "../e2e/browser.js";
import { waitFor } from "../integration/pcsc-rig.js";
import { startMain } from "./main-loader.js";

export { SCREENSHOTS };

/** Machine policy for the apps this file starts (PINWARDEN_POLICY), logs in a temp directory. */
export function usePolicy(values: Record<string, unknown>): { file: string; logs: string; write(v: Record<string, unknown>): void } {
  const dir = mkdtempSync(join(tmpdir(), "pinwarden-shell-"));
  const file = join(dir, "policy.json");
  const logs = join(dir, "logs");
  const write = (v: Record<string, unknown>) => writeFileSync(file, JSON.stringify({ language: "en", logDirectory: logs, ...v }));
  write(values);
  process.env.PINWARDEN_POLICY = file;
  return { file, logs, write };
}

export function logText(logs: string): string {
  try {
    return readFileSync(join(logs, "pinwarden.log"), "utf8");
  } catch {
    return "";
  }
}

/** Waits as a person would: up to 15 s by default. */
export const until = (what: string, check: () => boolean | Promise<boolean>, ms = 15_000) => waitFor(what, check, ms);

export interface ShellApp {
  standIn: StandInElectron;
  tray(): StandInTray;
  window(): StandInBrowserWindow;
  quit(): Promise<void>;
}

/**
 * Starts the app's real main entry (dist/electron/main.cjs) on a fresh electron stand-in;
 * `home`: where app.getPath() points (the same user's data across starts), else a new one.
 */
export async function startShellApp(args: string[] = [], session = "shell-user", home?: string): Promise<ShellApp> {
  const standIn = new StandInElectron({ session, ...(home ? { home } : {}) });
  startMain(standIn, args);
  await until("the tray icon", () => standIn.trays.length > 0 && standIn.trays[0]!.menu !== null);
  return {
    standIn,
    tray: () => standIn.trays[0]!,
    window: () => {
      const w = standIn.windows[0];
      if (!w) throw new Error("no window is open");
      return w;
    },
    async quit() {
      // As a person quits: the tray menu's Quit.
      if (!standIn.quitted && standIn.trays[0] && !standIn.trays[0].destroyed) standIn.trays[0].clickItem("quit");
      await standIn.quit();
    },
  };
}

export async function shot(win: StandInBrowserWindow, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await win.screenshot(`${SCREENSHOTS}/shell-${name}.png`);
}

/** The shipped CLI (dist/cli) on one reader: the card's codes and their tries. */
export function cliStatus(reader: string): Promise<{ codes: { id: string; triesLeft: number }[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["dist/cli/pinwarden.mjs", "status", "--reader", reader, "--json"]);
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`the CLI exited ${code}: ${out}`))));
  });
}
