/**
 * The support view in Chromium and `pinwarden support` print the same report for the same
 * card (a virtual card in vpcd's second reader behind pcscd).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import { READER_1, vpcdSlot } from "../integration/pcsc-rig.js";
import { axeViolations, launchBrowser, shot, startPreview, type Preview } from "./browser.js";

let browser: Browser;
let preview: Preview;
const slot = vpcdSlot(READER_1);
const dir = mkdtempSync(join(tmpdir(), "pinwarden-support-"));
const policyFile = join(dir, "policy.json");
// Both processes: the same policy (one reader, a helpdesk number) and an empty config home.
const env = { PINWARDEN_POLICY: policyFile, XDG_CONFIG_HOME: dir, LANG: "sv_SE.UTF-8" };

function cli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], { env: { ...process.env, ...env } });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`cli exited ${code}`))));
  });
}

const withoutTime = (text: string) => text.trim().split("\n").slice(0, -1).join("\n");

beforeAll(async () => {
  writeFileSync(policyFile, JSON.stringify({ readerFilter: READER_1, helpdeskPhone: ["intern 30000"], organisationName: "Region Test" }));
  await slot.insert(new Pkcs15Card());
  browser = await launchBrowser();
  preview = await startPreview(READER_1, true, env);
});
afterAll(async () => {
  preview?.stop();
  await browser?.close();
  await slot.remove();
});

describe("support view", () => {
  it("shows the same numbered report as pinwarden support, and says support never asks for a code", async () => {
    const page = await browser.newPage({ viewport: { width: 760, height: 900 } });
    await page.goto(`${preview.url}&lang=sv`);
    await page.getByRole("button", { name: "Supportinformation" }).click();
    const report = page.locator("pre.report");
    await report.waitFor();
    await page.getByText("Kortläsare:").first().waitFor();
    const viewText = (await report.textContent())!;
    // Said once on the page (line 2 of the report), not three times.
    const body = await page.evaluate(() => document.body.innerText);
    expect(body.split("IT-supporten frågar aldrig efter din PIN- eller PUK-kod.").length - 1).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, "sv-support");

    const cliText = await cli(["support", "--lang", "sv"]);
    expect(withoutTime(viewText)).toBe(withoutTime(cliText));
    expect(viewText).toContain("Legitimering: 3 av 3 försök kvar, OK");
    expect(viewText).toContain(`Kortläsare: ${READER_1} (kort isatt)`);
    expect(viewText).toContain("IT-support (Region Test): intern 30000");
    await page.close();
  });
});
