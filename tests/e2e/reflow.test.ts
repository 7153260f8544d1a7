/**
 * WCAG 2.2 1.4.10 Reflow: every view at 320 CSS px wide (what 400 % zoom leaves of a 1280 px
 * window), in Swedish and English, in real Chromium against the preview bridge on pcscd.
 * On each view: no element reaches past the right edge, the page does not scroll sideways,
 * axe finds no serious or critical violation, and a full-page screenshot is saved.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import { pcscBackend, READER_1, vpcdSlot } from "../integration/pcsc-rig.js";
import { axeViolations, launchBrowser, SCREENSHOTS, startPreview, type Preview } from "./browser.js";

let browser: Browser;
let preview: Preview;
let page: Page;
let card: Pkcs15Card;
const slot = vpcdSlot(READER_1);

beforeAll(async () => {
  await pcscBackend();
  browser = await launchBrowser();
  preview = await startPreview(READER_1);
});
afterAll(async () => {
  preview?.stop();
  await browser?.close();
});
beforeEach(async () => {
  // A PUK with three tries: the few-tries warning, then its last try, then blocked.
  card = new Pkcs15Card({ pukTries: 3 });
  await slot.insert(card);
  // 400 % of a 1280 × 1024 window.
  page = await browser.newPage({ viewport: { width: 320, height: 256 } });
});
afterEach(async () => {
  await page.close();
  await slot.remove();
});

/** What sticks out past the right edge of the viewport, and how wide the page scrolls. */
async function overflow(p: Page) {
  return p.evaluate(() => {
    const width = window.innerWidth;
    const wide = [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > width + 0.5)
      .map(
        (e) =>
          `<${e.tagName.toLowerCase()} class="${e.getAttribute("class") ?? ""}"> ends at ${Math.round(e.getBoundingClientRect().right)} px`,
      );
    return { width, scrollWidth: document.scrollingElement!.scrollWidth, wide };
  });
}

describe.each(["sv", "en"] as const)("at 320 CSS px in %s", (lang) => {
  const T = {
    sv: {
      change: "Ändra säkerhetskod",
      unlockTab: "Lås upp kort med PUK-kod",
      support: "Supportinformation",
      next: "Nästa",
      close: "Stäng",
      wrong: "Fel säkerhetskod för Legitimering",
      lastTry: "Jag förstår att ett felaktigt försök spärrar koden",
      instead: "Lås upp med PUK-kod i stället",
      pukHelp: "kortbrevet",
      fewPuk: "Bara 3 försök kvar",
      wrongPuk: "Fel PUK-kod",
      pukBlocked: "PUK-koden är spärrad",
      changed: "är ändrad",
      signing: /Underskrift/,
    },
    en: {
      change: "Change PIN",
      unlockTab: "Unlock card with PUK",
      support: "Support information",
      next: "Next",
      close: "Close",
      wrong: "Wrong PIN for Identification",
      lastTry: "I understand that a wrong code will block it",
      instead: "Unlock with PUK instead",
      pukHelp: "card letter",
      fewPuk: "Only 3 tries left",
      wrongPuk: "Wrong PUK",
      pukBlocked: "The PUK is blocked",
      changed: "has been changed",
      signing: /Signing/,
    },
  }[lang];

  /** The view reflows, axe is content, and the whole page is saved. */
  async function view(name: string) {
    const o = await overflow(page);
    expect(o.wide, `${lang} ${name}`).toEqual([]);
    expect(o.scrollWidth, `${lang} ${name}`).toBeLessThanOrEqual(o.width);
    expect(await axeViolations(page), `${lang} ${name}`).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/${lang}-320-${name}.png`, fullPage: true });
  }

  async function typeCodes(current: string, next: string) {
    await page.keyboard.type(current);
    await page.keyboard.press("Tab");
    await page.keyboard.type(next);
    await page.keyboard.press("Tab");
    await page.keyboard.type(next);
    await page.keyboard.press("Enter");
  }

  it("every view: status, both wizards step by step, a blocked PUK, support", async () => {
    await page.goto(`${preview.url}&lang=${lang}`);
    await page.locator(".codes").waitFor();
    await view("status");

    await page.getByRole("button", { name: T.change }).click();
    await view("change-1-choose");
    await page.getByRole("button", { name: T.next }).click();
    // The card checks the current code first (issue 12): the new fields open once it is accepted.
    await page.keyboard.type("999999");
    await page.keyboard.press("Enter");
    await page.getByText(T.wrong).waitFor();
    await view("change-2-wrong");
    await page.keyboard.type("999998");
    await page.keyboard.press("Enter");
    await page.getByLabel(T.lastTry).waitFor();
    expect(await page.locator(".wizard .note").count()).toBe(1);
    await view("change-2-last-try");

    await page.getByRole("button", { name: T.instead }).click();
    await view("unlock-1-choose");
    await page.getByRole("button", { name: T.next }).click();
    await page.getByText(T.pukHelp, { exact: false }).first().waitFor();
    await page.getByText(T.fewPuk, { exact: false }).waitFor();
    await view("unlock-2-puk");
    await typeCodes("87654321", "135790");
    await page.getByText(T.wrongPuk).first().waitFor();
    await view("unlock-2-wrong");
    await page.keyboard.type("87654320");
    await page.keyboard.press("Enter");
    await page.getByLabel(T.lastTry).waitFor();
    await view("unlock-2-last-try");
    await page.getByLabel(T.lastTry).check();
    await page.locator('input[name="first"]').focus();
    await page.keyboard.type("87654329");
    await page.keyboard.press("Enter");
    await page.getByText(T.pukBlocked).first().waitFor();
    await view("unlock-3-puk-blocked");
    expect(card.pins.get(0x83)!.triesLeft).toBe(0);

    await page.getByRole("button", { name: T.close }).click();
    await page.locator(".codes").waitFor();
    await view("status-puk-blocked");
    await page.getByRole("button", { name: T.unlockTab }).click();
    await page.getByText(T.pukBlocked).first().waitFor();
    await view("unlock-puk-blocked");

    await page.getByRole("button", { name: T.change }).click();
    await page.getByRole("radio", { name: T.signing }).check();
    await page.getByRole("button", { name: T.next }).click();
    // Check (Enter) first; the new fields open once the card has accepted the current code.
    await page.keyboard.type("654321");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => !document.querySelector<HTMLInputElement>('input[name="next"]')?.disabled);
    await view("change-2-checked");
    await page.locator('input[name="next"]').focus();
    await page.keyboard.type("246810");
    await page.keyboard.press("Tab");
    await page.keyboard.type("246810");
    await page.keyboard.press("Enter");
    await page.getByText(T.changed).waitFor();
    await view("change-3-done");
    expect(card.codeOf(0x82)).toBe("246810");

    await page.getByRole("button", { name: T.support }).first().click();
    await page.locator("pre.report").waitFor();
    await view("support");
  });
});
