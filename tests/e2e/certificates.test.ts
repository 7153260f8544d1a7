/**
 * Certificates that expire soon (issue 14), in Chromium through the preview bridge on pcscd:
 * a virtual card whose certificates expire in 30 days (as `npm run sim -- --cert-days 30`
 * makes it) in vpcd's second reader. The status view shows the warning, named by the code
 * protecting each key, once the background read is in; a card far from expiry shows none.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import { READER_1, vpcdSlot } from "../integration/pcsc-rig.js";
import { axeViolations, launchBrowser, shot, startPreview, type Preview } from "./browser.js";

let browser: Browser;
let preview: Preview;
const slot = vpcdSlot(READER_1);
const dir = mkdtempSync(join(tmpdir(), "pinwarden-certificates-"));
const policyFile = join(dir, "policy.json");
const env = { PINWARDEN_POLICY: policyFile, XDG_CONFIG_HOME: dir };

beforeAll(async () => {
  writeFileSync(policyFile, JSON.stringify({ readerFilter: READER_1 }));
  await slot.insert(new Pkcs15Card({ certDays: 30 }));
  browser = await launchBrowser();
  preview = await startPreview(READER_1, true, env);
});
afterAll(async () => {
  preview?.stop();
  await browser?.close();
  await slot.remove();
});

async function statusPage(lang: "sv" | "en"): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 760, height: 900 } });
  await page.goto(`${preview.url}&lang=${lang}`);
  await page.locator(".codes").first().waitFor();
  return page;
}

describe("certificate warnings in the status view", () => {
  it("says in Swedish which certificate expires in 30 days, by the code that protects its key, axe clean", async () => {
    const page = await statusPage("sv");
    const warnings = page.getByRole("region", { name: "Certifikat" });
    await warnings.waitFor();
    await expect
      .poll(() => warnings.locator("li").allInnerTexts())
      .toEqual([
        expect.stringMatching(/^Legitimering – certifikatet går ut om 30 dagar \(giltigt till \d{4}-\d\d-\d\d, /),
        expect.stringMatching(/^Underskrift – certifikatet går ut om 30 dagar \(giltigt till \d{4}-\d\d-\d\d, /),
      ]);
    await warnings.getByText("beställ ett nytt kort i god tid hos organisationens kontaktperson för kort").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, "sv-status-certificate");
    // The support report says the same, a line per certificate.
    await page.getByRole("button", { name: "Supportinformation" }).click();
    await page.getByText(/Underskrift – certifikatet går ut om 30 dagar, giltigt till /).waitFor();
    await page.close();
  });

  it("says the same in English", async () => {
    const page = await statusPage("en");
    const warnings = page.getByRole("region", { name: "Certificates" });
    await warnings.getByText("Signing – the certificate expires in 30 days").waitFor();
    await warnings.getByText("Identification – the certificate expires in 30 days").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, "en-status-certificate");
    await page.close();
  });

  it("shows no warning for a card whose certificates are far from expiry", async () => {
    await slot.remove();
    await slot.insert(new Pkcs15Card());
    const page = await statusPage("en");
    // The support report tells "none" from "not read yet": wait for the background read.
    await page.getByRole("button", { name: "Support information" }).click();
    await page.getByText("Certificates: none expires within 60 days").waitFor();
    await page.getByRole("button", { name: "Card status" }).first().click();
    await page.locator(".codes").first().waitFor();
    expect(await page.locator("[data-testid=certificate-warnings]").count()).toBe(0);
    expect(await page.getByText(/the certificate (expires|has expired)/).count()).toBe(0);
    await page.close();
  });
});
