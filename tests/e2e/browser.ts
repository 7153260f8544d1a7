/** Debian's Chromium driven by playwright-core, and the preview bridge on pcscd. */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";

export const SCREENSHOTS = "test-results/screenshots";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Headless Debian Chromium on a closed network (shared/TESTING.md): quiet and quick. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface Preview {
  url: string;
  stop(): void;
}

/**
 * Starts the preview bridge on a free port and resolves with its URL: on pcscd pinned to
 * one reader, or (pcsc = false) with the built-in virtual card.
 */
export async function startPreview(readerFilter: string, pcsc = true, env: NodeJS.ProcessEnv = {}): Promise<Preview> {
  const port = await freePort();
  const args = [
    "--import",
    "tsx",
    "scripts/preview-server.ts",
    "--port",
    String(port),
    ...(pcsc ? ["--pcsc", "--reader-filter", readerFilter] : []),
  ];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ...env } });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      // The first line says what the preview runs on and ends with the URL.
      const first = /^[^\n]*?(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)\n/.exec(out)?.[1];
      if (first) resolve(first);
    });
    child.on("exit", (code) => reject(new Error(`preview exited ${code}`)));
  });
  return { url, stop: () => child.kill() };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe on the page and returns the serious and critical violations, one line each. */
export async function axeViolations(page: Page): Promise<string[]> {
  // evaluate runs through the DevTools protocol, so the page's CSP stays as it is.
  await page.evaluate(axeSource);
  const results = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: Document) => Promise<{ violations: { id: string; impact: string; help: string; nodes: unknown[] }[] }> };
      }
    ).axe;
    return (await axe.run(document)).violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
  });
  return results
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} ×${v.nodes}`);
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}
