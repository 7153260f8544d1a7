/**
 * The tray app for real: its main entry, preload and renderer on an electron stand-in, with
 * Debian's Chromium as the window and a virtual card in vpcd's first reader behind the real
 * pcscd. What is checked is what a person sees: the tray icon and its tooltip and menu, the
 * notification, the window; the card itself is read from the virtual card and with the CLI.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import { pcscBackend, READER_0, vpcdSlot } from "../integration/pcsc-rig.js";
import { cliStatus, shot, startShellApp, until, usePolicy, type ShellApp } from "./rig.js";

let app: ShellApp | undefined;
const slot = vpcdSlot(READER_0);

beforeAll(async () => {
  await pcscBackend();
  usePolicy({ readerFilter: READER_0 });
});
afterEach(async () => {
  await app?.quit();
  app = undefined;
  await slot.remove();
});

const icon = () => app!.tray().iconName;

describe("the tray app on pcscd", () => {
  it("follows the card: no card, ready, removed, blocked with a notification that opens the unlock wizard", async () => {
    app = await startShellApp();
    const tray = app.tray();
    await until("no-card icon", () => icon() === "no-card-light.png");
    expect(tray.iconExists).toBe(true);
    expect(tray.tooltip).toBe("Pinwarden – insert your card");
    expect(tray.item("change").enabled).toBe(false);

    await slot.insert(new Pkcs15Card());
    await until("ready icon", () => icon() === "ready-light.png");
    expect(tray.tooltip).toBe("Pinwarden – card ready");
    expect(tray.item("change").enabled).toBe(true);
    expect(app.standIn.notifications).toEqual([]);

    await slot.remove();
    await until("no-card icon again", () => icon() === "no-card-light.png");

    const blocked = new Pkcs15Card();
    blocked.pins.get(0x81)!.triesLeft = 0;
    await slot.insert(blocked);
    await until("blocked icon", () => icon() === "blocked-light.png");
    expect(tray.iconExists).toBe(true);
    expect(tray.tooltip).toBe("Pinwarden – a code is blocked");
    await until("a notification", () => app!.standIn.notifications.length === 1);
    const note = app.standIn.notifications[0]!;
    // The card's own label (its AODF), as the tray has always named it.
    expect(note.body).toBe("Identification is blocked. Click to unlock it with your PUK.");

    note.click();
    await until("the window", () => app!.standIn.windows[0]?.visible === true);
    const page = app.window().page!;
    await page.getByRole("heading", { name: "Unlock card with PUK" }).waitFor();
    await page.getByText("Step 1 of 3").waitFor();
    await shot(app.window(), "notification-unlock");
  });

  it("changes the PIN from the tray menu: the card, the tray and the window show the new counts", async () => {
    const card = new Pkcs15Card();
    card.pins.get(0x81)!.triesLeft = 1;
    await slot.insert(card);
    app = await startShellApp();
    const tray = app.tray();
    await until("low icon", () => icon() === "low-light.png");
    expect(tray.tooltip).toBe("Pinwarden – a code has one try left");
    // A card at its last try raises a notification at start too.
    await until("a notification", () => app!.standIn.notifications.length === 1);
    expect(app.standIn.notifications[0]!.body).toBe("Identification has only one try left.");

    tray.clickItem("change");
    await until("the window", () => app!.standIn.windows[0]?.visible === true);
    const win = app.window();
    const page = win.page!;
    await page.getByRole("heading", { name: "Change PIN" }).waitFor();
    await page.getByText("Step 1 of 3").waitFor();
    await shot(win, "change-1-choose");
    await page.getByRole("radio", { name: /Identification/ }).check();
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByLabel("I understand that a wrong code will block it").check();
    await page.getByLabel("Current PIN for Identification").click();
    await page.keyboard.type("123456");
    await shot(win, "change-2-current");
    await page.keyboard.press("Enter");
    await page.getByLabel("New PIN for Identification").click();
    await page.keyboard.type("246810");
    await page.getByLabel("Repeat the new PIN").click();
    await page.keyboard.type("246810");
    await shot(win, "change-3-new");
    await page.keyboard.press("Enter");
    await page.getByText("The PIN for Identification has been changed.").waitFor();
    await shot(win, "change-4-done");

    // The card really changed, as the card and the shipped CLI say.
    expect(card.codeOf(0x81)).toBe("246810");
    expect(card.pins.get(0x81)!.triesLeft).toBe(3);
    const cli = await cliStatus(READER_0);
    expect(cli.codes.find((c) => c.id === "auth")!.triesLeft).toBe(3);
    // The tray follows without a click; the window's status view shows the new count.
    await until("ready icon", () => icon() === "ready-light.png");
    expect(tray.tooltip).toBe("Pinwarden – card ready");
    tray.click();
    await page.getByText("3 of 3 tries left").first().waitFor();
    expect(await page.getByText("1 of 3 tries left").count()).toBe(0);
    await shot(win, "status-after-change");
    // No code in what the window or the log could show.
    expect(await page.content()).not.toMatch(/123456|246810/);
  });
});
