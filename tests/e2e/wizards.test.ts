/**
 * The wizards in real Chromium, against `npm run preview -- --pcsc`, with a virtual card in
 * vpcd's second reader behind the real pcscd. Each step is checked with axe and saved as a
 * screenshot; the card's state is checked with the CLI afterwards.
 */
import { spawn } from "node:child_process";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import type { VirtualCard } from "../../native-bridge/simulator/virtual-card.js";
import { CompositeCard as SecurityKeyCard } from "../../native-bridge/simulator/composite-card.js";
import { insertIntoVpcd, type InsertedCard } from "../../native-bridge/simulator/vpcd-client.js";
import { cardPresent, pcscBackend, PORTS, READER_1, waitFor } from "../integration/pcsc-rig.js";
import { axeViolations, launchBrowser, shot, startPreview, type Preview } from "./browser.js";

let browser: Browser;
let preview: Preview;
let page: Page;
let card: Pkcs15Card;
let inserted: InsertedCard | undefined;

async function insert(c: VirtualCard) {
  const backend = await pcscBackend();
  inserted = await insertIntoVpcd(c, { port: PORTS[READER_1]! });
  await waitFor("card in reader 1", () => cardPresent(backend, READER_1));
}

async function remove() {
  const backend = await pcscBackend();
  await inserted?.remove();
  inserted = undefined;
  await waitFor("reader 1 empty", () => !cardPresent(backend, READER_1));
}

function cliStatus(): Promise<{ codes: { id: string; triesLeft: number }[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "native-bridge/cli.ts", "status", "--reader", READER_1, "--json"]);
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`cli exited ${code}: ${out}`))));
  });
}

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
  await insert(card);
  page = await browser.newPage({ viewport: { width: 760, height: 720 } });
});
afterEach(async () => {
  await page.close();
  await remove();
});

const tries = async (id: string) => (await cliStatus()).codes.find((c) => c.id === id)!.triesLeft;

describe.each(["sv", "en"] as const)("in %s", (lang) => {
  const T = {
    sv: {
      change: "Ändra säkerhetskod",
      unlock: "Lås upp kort med PUK-kod",
      next: "Nästa",
      changed: "är ändrad",
      unlocked: "är upplåst",
      wrong: "Fel säkerhetskod",
      blocked: "Säkerhetskoden är spärrad",
      confirm: "Jag förstår att ett felaktigt försök spärrar koden",
      offer: "Lås upp med PUK-kod",
    },
    en: {
      change: "Change PIN",
      unlock: "Unlock card with PUK",
      next: "Next",
      changed: "has been changed",
      unlocked: "is unlocked",
      wrong: "Wrong PIN",
      blocked: "The PIN is blocked",
      confirm: "I understand that a wrong code will block it",
      offer: "Unlock with PUK",
    },
  }[lang];

  async function open() {
    await page.goto(`${preview.url}&lang=${lang}`);
    await page.locator(".codes").waitFor();
  }

  it("changes the signing PIN with the keyboard alone, and the card really changed", async () => {
    await open();
    await step(`${lang}-status`);
    // Tab from the top of the page: the status tab, then the change tab.
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByText(lang === "sv" ? "Steg 1 av 4" : "Step 1 of 4").waitFor();
    await page.keyboard.press("ArrowDown"); // the second radio: Underskrift / Signing
    await step(`${lang}-change-1-choose`);
    await page.keyboard.press("Enter");
    await page.keyboard.type("654321");
    await step(`${lang}-change-2-current`);
    await page.keyboard.press("Enter");
    await page.keyboard.type("246810");
    await page.keyboard.press("Tab");
    await page.keyboard.type("246810");
    await step(`${lang}-change-3-new`);
    await page.keyboard.press("Enter");
    await page.getByText(T.changed).waitFor();
    await step(`${lang}-change-4-done`);
    expect(card.codeOf(0x82)).toBe("246810");
    expect(await tries("sign")).toBe(3);
  });

  it("counts wrong PINs down to blocked with a last-try confirmation, then unlocks with the PUK", async () => {
    await open();
    await page.getByRole("button", { name: T.change }).click();
    const wrongAttempt = async () => {
      await page.getByRole("button", { name: T.next }).click();
      await page.keyboard.type("999999");
      await page.keyboard.press("Enter");
      await page.keyboard.type("246810");
      await page.keyboard.press("Tab");
      await page.keyboard.type("246810");
      await page.keyboard.press("Enter");
    };
    await wrongAttempt();
    await page.getByText(`${T.wrong}`).first().waitFor();
    await step(`${lang}-change-2-wrong`);
    expect(await tries("auth")).toBe(2);
    // Second wrong attempt from step 2 directly.
    await page.keyboard.type("999998");
    await page.keyboard.press("Enter");
    await page.keyboard.type("246810");
    await page.keyboard.press("Tab");
    await page.keyboard.type("246810");
    await page.keyboard.press("Enter");
    await page.getByLabel(T.confirm).waitFor();
    await step(`${lang}-change-2-last-try`);
    expect(await tries("auth")).toBe(1);
    await page.getByLabel(T.confirm).check();
    await page.keyboard.press("Tab");
    await page.keyboard.type("999997");
    await page.keyboard.press("Enter");
    await page.keyboard.type("246810");
    await page.keyboard.press("Tab");
    await page.keyboard.type("246810");
    await page.keyboard.press("Enter");
    await page.getByText(T.blocked).waitFor();
    await step(`${lang}-change-4-blocked`);
    expect(await tries("auth")).toBe(0);

    await page.getByRole("button", { name: T.offer }).click();
    await page.getByRole("button", { name: T.next }).click();
    await page.keyboard.type("12345678");
    await step(`${lang}-unlock-2-puk`);
    await page.keyboard.press("Enter");
    await page.keyboard.type("135790");
    await page.keyboard.press("Tab");
    await page.keyboard.type("135790");
    await step(`${lang}-unlock-3-new`);
    await page.keyboard.press("Enter");
    await page.getByText(T.unlocked).waitFor();
    await step(`${lang}-unlock-4-done`);
    expect(card.codeOf(0x81)).toBe("135790");
    expect(await tries("auth")).toBe(3);
    expect(await tries("puk")).toBe(10);
  });
});

describe("card removed", () => {
  it("says so in the wizard and offers to start again when the card is back", async () => {
    await page.goto(`${preview.url}&lang=sv`);
    await page.locator(".codes").waitFor();
    await page.getByRole("button", { name: "Ändra säkerhetskod" }).click();
    await page.getByRole("button", { name: "Nästa" }).click();
    await page.keyboard.type("123");
    await remove();
    await page.getByText("Kortet togs ut.", { exact: false }).waitFor();
    await step("sv-change-removed");
    expect(await page.getByRole("button", { name: "Börja om" }).isDisabled()).toBe(true);
    await insert(card);
    await page.getByText("Kortet är tillbaka. Du kan börja om.").waitFor();
    await page.getByRole("button", { name: "Börja om" }).click();
    await page.getByText("Steg 1 av 4").waitFor();
  });
});

describe("a security key: PIV and OpenPGP on one card", () => {
  it("shows each application under its own heading, and unblocks the OpenPGP PIN with the code the person has", async () => {
    await remove();
    const key = new SecurityKeyCard({ openpgp: { resetCode: "87654321" } });
    key.openpgp.pw1.triesLeft = 0;
    await insert(key);
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
    expect(await page.locator(".wizard").textContent()).not.toMatch(/PUK/);
    await step("sv-unlock-openpgp-2-reset-code");
    await page.keyboard.press("Enter");
    await page.keyboard.type("246810");
    await page.keyboard.press("Tab");
    await page.keyboard.type("246810");
    await page.keyboard.press("Enter");
    await page.getByText("är upplåst").waitFor();
    await step("sv-unlock-openpgp-4-done");
    expect(key.openpgp.holds("user", "246810")).toBe(true);
    expect(key.openpgp.pw3.triesLeft).toBe(3);
    await remove();
    await insert(card);
  });
});
