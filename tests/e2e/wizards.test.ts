/**
 * The wizards in real Chromium, against `npm run preview -- --pcsc`, with a virtual card in
 * vpcd's second reader behind the real pcscd. Each step is checked with axe and saved as a
 * screenshot; the card's state is read from the virtual card's own counters. Where the card
 * can check the current code (issue 12), step 2 asks for it first and opens the new-code
 * fields only once the card has accepted it.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import { CompositeCard as SecurityKeyCard } from "../../native-bridge/simulator/composite-card.js";
import { pcscBackend, READER_1, vpcdSlot } from "../integration/pcsc-rig.js";
import { axeViolations, launchBrowser, shot, startPreview, type Preview } from "./browser.js";

let browser: Browser;
let preview: Preview;
let page: Page;
let card: Pkcs15Card;
const slot = vpcdSlot(READER_1);

/** axe on the current step, then a screenshot under `name`. */
async function step(name: string) {
  expect(await axeViolations(page), name).toEqual([]);
  await shot(page, name);
}

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
  card = new Pkcs15Card();
  await slot.insert(card);
  page = await browser.newPage({ viewport: { width: 760, height: 720 } });
});
afterEach(async () => {
  await page.close();
  await slot.remove();
});

/** The card's own counter (not Pinwarden's status): what a person would lose is counted there. */
const REFERENCE: Record<string, number> = { auth: 0x81, sign: 0x82, puk: 0x83 };
const tries = (id: string) => card.pins.get(REFERENCE[id]!)!.triesLeft;

describe.each(["sv", "en"] as const)("in %s", (lang) => {
  const T = {
    sv: {
      change: "Ändra säkerhetskod",
      unlock: "Lås upp kort med PUK-kod",
      next: "Nästa",
      close: "Stäng",
      step1: "Steg 1 av 3",
      step2: "Steg 2 av 3",
      step3: "Steg 3 av 3",
      changed: "är ändrad",
      unlocked: "är upplåst",
      wrong: "Fel säkerhetskod för Legitimering. Försök kvar: 2.",
      blocked: "Säkerhetskoden för Legitimering är spärrad",
      confirm: "Jag förstår att ett felaktigt försök spärrar koden",
      check: "Kontrollera",
      accepted: "Kortet har godkänt den nuvarande koden för Underskrift.",
      onOk: "Kortet kontrollerar koden när du trycker på Lås upp.",
      offer: "Lås upp med PUK-kod",
      instead: "Lås upp med PUK-kod i stället",
      pukHelp: "PUK-koden står i kortbrevet du fick med kortet.",
      startOver: "Börja om",
      refresh: "Uppdatera",
      oneLeft: "1 av 3 försök kvar",
    },
    en: {
      change: "Change PIN",
      unlock: "Unlock card with PUK",
      next: "Next",
      close: "Close",
      step1: "Step 1 of 3",
      step2: "Step 2 of 3",
      step3: "Step 3 of 3",
      changed: "has been changed",
      unlocked: "is unlocked",
      wrong: "Wrong PIN for Identification. Tries left: 2.",
      blocked: "The PIN for Identification is blocked",
      confirm: "I understand that a wrong code will block it",
      check: "Check",
      accepted: "The card accepted the current code for Signing.",
      onOk: "The card checks the code when you press Unlock.",
      offer: "Unlock with PUK",
      instead: "Unlock with PUK instead",
      pukHelp: "Your PUK is in the card letter you received with your card.",
      startOver: "Start again",
      refresh: "Refresh",
      oneLeft: "1 of 3 tries left",
    },
  }[lang];

  async function open() {
    await page.goto(`${preview.url}&lang=${lang}`);
    await page.locator(".codes").waitFor();
  }

  const field = (name: "first" | "next" | "confirm") => page.locator(`input[name="${name}"]`);
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute("name") ?? document.activeElement?.textContent ?? null);
  /** The text the field's aria-describedby points at. */
  const describedBy = (name: "first" | "next" | "confirm") =>
    field(name).evaluate((input) =>
      (input.getAttribute("aria-describedby") ?? "")
        .split(" ")
        .map((id) => document.getElementById(id)?.textContent ?? "")
        .join(" | "),
    );

  it("changes the signing PIN with the keyboard alone, the card checking the current code first, and focus comes back to the tab that opened it", async () => {
    await open();
    await step(`${lang}-status`);
    // Tab from the top of the page: the status tab, then the change tab.
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByText(T.step1).waitFor();
    await page.keyboard.press("ArrowDown"); // the second radio: Underskrift / Signing
    await step(`${lang}-change-1-choose`);
    await page.keyboard.press("Enter");
    await page.getByText(T.step2).waitFor();
    // Current, new and repeat on one page, in that order; the new ones open once the card has said yes.
    expect(await focused()).toBe("first");
    expect(await field("next").isDisabled()).toBe(true);
    expect(await field("confirm").isDisabled()).toBe(true);
    await page.keyboard.type("654321");
    expect(await page.getByRole("button", { name: T.check }).isVisible()).toBe(true);
    await step(`${lang}-change-2-current`);
    await page.keyboard.press("Enter"); // Check
    await page.getByText(T.accepted).waitFor();
    expect(await focused()).toBe("next");
    expect(await field("first").getAttribute("readonly")).not.toBeNull();
    expect(tries("sign")).toBe(3);
    // pcscd reset the card at the end of the check's transaction: nothing stays verified for
    // another program (the virtual card's own security state).
    expect(card.pins.get(0x82)!.verified).toBe(false);
    await page.keyboard.type("246810");
    await page.keyboard.press("Tab");
    await page.keyboard.type("246810");
    await step(`${lang}-change-2-codes`);
    await page.keyboard.press("Enter");
    await page.getByText(T.changed).waitFor();
    expect(await page.getByText(T.step3).isVisible()).toBe(true);
    await step(`${lang}-change-3-done`);
    expect(card.codeOf(0x82)).toBe("246810");
    expect(tries("sign")).toBe(3);
    await page.keyboard.press("Enter"); // Close has the focus
    await page.locator(".codes").waitFor();
    expect(await focused()).toBe(T.change);
  });

  it("says a wrong current PIN under its field before any new code is filled, down to blocked; then unlocks with the PUK", async () => {
    await open();
    await page.getByRole("button", { name: T.change }).click();
    await page.getByRole("button", { name: T.next }).click();
    await page.keyboard.type("999999");
    await page.getByRole("button", { name: T.check }).click();
    await page.getByText(T.wrong).waitFor();
    // Still step 2: the message is the current field's, the field is empty and has the focus,
    // and no new code has been made up: its fields are empty and closed.
    expect(await page.getByText(T.step2).isVisible()).toBe(true);
    expect(await describedBy("first")).toContain(T.wrong);
    expect(await field("first").inputValue()).toBe("");
    expect(await focused()).toBe("first");
    expect(await field("next").inputValue()).toBe("");
    expect(await field("confirm").inputValue()).toBe("");
    expect(await field("next").isDisabled()).toBe(true);
    expect(await field("confirm").isDisabled()).toBe(true);
    await step(`${lang}-change-2-wrong`);
    // One try, the one the change would have cost; the card still holds its PIN.
    expect(tries("auth")).toBe(2);
    expect(card.codeOf(0x81)).toBe("123456");

    // The second wrong try: only the current code is typed again.
    await page.keyboard.type("999998");
    await page.keyboard.press("Enter");
    await page.getByLabel(T.confirm).waitFor();
    // One note: the last try, the confirmation, where the PUK is and the way to the unlock wizard.
    const notes = page.locator(".wizard .note");
    expect(await notes.count()).toBe(1);
    expect(await notes.textContent()).toContain(T.pukHelp);
    expect(await notes.getByRole("button", { name: T.instead }).isVisible()).toBe(true);
    await step(`${lang}-change-2-last-try`);
    expect(tries("auth")).toBe(1);
    await page.getByLabel(T.confirm).check();
    await field("first").focus();
    await page.keyboard.type("999997");
    await page.keyboard.press("Enter");
    await page.getByText(T.blocked).waitFor();
    expect(await page.getByText(T.step3).isVisible()).toBe(true);
    await step(`${lang}-change-3-blocked`);
    expect(tries("auth")).toBe(0);

    await page.getByRole("button", { name: T.offer, exact: true }).click();
    await page.getByText(T.step1).waitFor();
    await page.getByRole("button", { name: T.next }).click();
    expect(await describedBy("first")).toContain(T.pukHelp);
    // No VERIFY of a PUK is well defined: one page, and the note says the card checks it on OK.
    expect(await describedBy("first")).toContain(T.onOk);
    expect(await page.getByRole("button", { name: T.check }).count()).toBe(0);
    await page.keyboard.type("12345678");
    await page.keyboard.press("Tab");
    await page.keyboard.type("135790");
    await page.keyboard.press("Tab");
    await page.keyboard.type("135790");
    await step(`${lang}-unlock-2-puk`);
    await page.keyboard.press("Enter");
    await page.getByText(T.unlocked).waitFor();
    await step(`${lang}-unlock-3-done`);
    expect(card.codeOf(0x81)).toBe("135790");
    expect(tries("auth")).toBe(3);
    expect(tries("puk")).toBe(10);
  });

  it("offers the unlock wizard instead of the last try, and once the PUK is blocked offers neither it nor a new start", async () => {
    card.pins.get(0x81)!.triesLeft = 1;
    card.pins.get(0x83)!.triesLeft = 1;
    await open();
    await page.getByRole("button", { name: T.refresh }).click();
    await page.getByText(T.oneLeft).waitFor();
    await page.getByRole("button", { name: T.change }).click();
    await page.getByRole("button", { name: T.next }).click();
    await page.getByRole("button", { name: T.instead }).click();
    await page.getByText(T.step1).waitFor();
    expect(await page.getByRole("heading", { name: T.unlock }).isVisible()).toBe(true);
    await page.getByRole("button", { name: T.next }).click();
    await page.getByLabel(T.confirm).check();
    await field("first").focus();
    await page.keyboard.type("87654321");
    await page.keyboard.press("Tab");
    await page.keyboard.type("135790");
    await page.keyboard.press("Tab");
    await page.keyboard.type("135790");
    await page.keyboard.press("Enter");
    await page.locator(".wizard .puk-help").waitFor();
    expect(await page.getByRole("button", { name: T.startOver }).count()).toBe(0);
    expect(await page.getByRole("button", { name: T.offer }).count()).toBe(0);
    await step(`${lang}-unlock-3-puk-blocked`);
    expect(card.pins.get(0x83)!.triesLeft).toBe(0);
    expect(card.codeOf(0x81)).toBe("123456");
    // The unlock wizard does not start again: what to do, and the helpdesk.
    await page.getByRole("button", { name: T.close }).click();
    await page.getByRole("button", { name: T.unlock }).click();
    expect(await page.getByText(T.step1).count()).toBe(0);
    expect(await page.locator(".wizard input").count()).toBe(0);
    await step(`${lang}-unlock-puk-blocked`);
  });
});

describe("card removed", () => {
  it("says so in the wizard and offers to start again when the card is back", async () => {
    await page.goto(`${preview.url}&lang=sv`);
    await page.locator(".codes").waitFor();
    await page.getByRole("button", { name: "Ändra säkerhetskod" }).click();
    await page.getByRole("button", { name: "Nästa" }).click();
    await page.keyboard.type("123");
    await slot.remove();
    await page.getByText("Kortet togs ut.", { exact: false }).waitFor();
    await step("sv-change-removed");
    expect(await page.getByRole("button", { name: "Börja om" }).isDisabled()).toBe(true);
    await slot.insert(card);
    await page.getByText("Kortet är tillbaka. Du kan börja om.").waitFor();
    await page.getByRole("button", { name: "Börja om" }).click();
    await page.getByText("Steg 1 av 3").waitFor();
  });
});

describe("a security key: PIV and OpenPGP on one card", () => {
  it("shows each application under its own heading, and unblocks the OpenPGP PIN with the code the person has", async () => {
    await slot.remove();
    const key = new SecurityKeyCard({ openpgp: { resetCode: "87654321" } });
    key.openpgp.pw1.triesLeft = 0;
    await slot.insert(key);
    await page.goto(`${preview.url}&lang=sv`);
    await page.getByRole("heading", { name: "OpenPGP" }).waitFor();
    expect(await page.getByRole("heading", { name: "PIV" }).isVisible()).toBe(true);
    await step("sv-status-security-key");
    await page.getByRole("button", { name: "Lås upp PIN-koden" }).click();
    await page.getByRole("group", { name: "Vilken kod har du?" }).waitFor();
    await page.getByRole("radio", { name: /Återställningskod/ }).check();
    await step("sv-unlock-openpgp-1-choose");
    await page.getByRole("button", { name: "Nästa" }).click();
    await page.getByLabel("Återställningskod").fill("87654321");
    await page.locator('input[name="next"]').fill("246810");
    await page.locator('input[name="confirm"]').fill("246810");
    expect(await page.locator(".wizard").textContent()).not.toMatch(/PUK/);
    await step("sv-unlock-openpgp-2-reset-code");
    await page.keyboard.press("Enter");
    await page.getByText("är upplåst").waitFor();
    await step("sv-unlock-openpgp-3-done");
    expect(key.openpgp.holds("user", "246810")).toBe(true);
    expect(key.openpgp.pw3.triesLeft).toBe(3);
    await slot.remove();
    await slot.insert(card);
  });
});
