/**
 * What this wave adds to the window: statuses pushed by the main process (one read per
 * card event, shared with the tray), several applications on one card, counts the card
 * does not give, OpenPGP's two unblocking codes, and current codes held to the card's
 * charset. Every "was it sent / was a try spent" claim reads the virtual card itself.
 */
import { act, cleanup, screen, waitFor } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { PivCard } from "../../native-bridge/simulator/piv-card.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import { renderApp } from "./harness.js";
import { CompositeCard as SecurityKeyCard } from "../../native-bridge/simulator/composite-card.js";

afterEach(() => cleanup());

const user = () => userEvent.setup();
const settle = () => act(() => new Promise((r) => setTimeout(r, 30)));

async function typeInto(u: ReturnType<typeof user>, label: RegExp | string, text: string) {
  const field = screen.getByLabelText(label);
  await u.clear(field);
  if (text) await u.type(field, text);
}

describe("one status per card event", () => {
  it("shows the status the main process pushed; the window reads only on Refresh", async () => {
    const h = await renderApp(null);
    expect(await screen.findByText("Sätt i ditt kort i kortläsaren.")).toBeTruthy();
    // No card, no read: the states without a card are known from the reader list.
    expect(h.statusReads()).toBe(0);

    const card = new Pkcs15Card();
    act(() => h.readers.insert(card));
    await screen.findByText("Legitimering");
    await settle();
    // One read for the insertion, shared by the tray and this window.
    expect(h.statusReads()).toBe(1);

    card.pins.get(0x81)!.triesLeft = 2;
    await user().click(screen.getByRole("button", { name: "Uppdatera" }));
    expect(await screen.findByText("2 av 3 försök kvar")).toBeTruthy();
    expect(h.statusReads()).toBe(2);

    act(() => h.readers.remove());
    expect(await screen.findByText("Sätt i ditt kort i kortläsaren.")).toBeTruthy();
    await settle();
    expect(h.statusReads()).toBe(2);
  });

  it("takes the status back from its own check of the current code, without another read", async () => {
    const card = new Pkcs15Card();
    const u = user();
    const h = await renderApp(card);
    await screen.findByText("Legitimering");
    const before = h.statusReads();
    await u.click(screen.getByRole("button", { name: "Ändra säkerhetskod" }));
    await u.keyboard("{Enter}");
    // The card checks the current code first (issue 12): the wrong one is answered at once.
    await u.keyboard("999999{Enter}");
    expect(await screen.findByText("2 av 3 försök kvar")).toBeTruthy();
    await settle();
    expect(h.statusReads()).toBe(before);
    expect(card.pins.get(0x81)!.triesLeft).toBe(2);
    // The tray got the same status: the feed's latest is the change's result.
    const latest = h.feed.latest();
    expect(latest?.ok && latest.value.codes.find((c) => c.id === "auth")!.triesLeft).toBe(2);
  });
});

describe("a card with several applications", () => {
  it("shows each application under its own heading, in sv and en", async () => {
    await renderApp(new SecurityKeyCard());
    expect(await screen.findByRole("heading", { name: "PIV" })).toBeTruthy();
    expect(screen.getByRole("heading", { name: "OpenPGP" })).toBeTruthy();
    expect(screen.getByText("Administratörs-PIN")).toBeTruthy();
    cleanup();
    await renderApp(new Pkcs15Card(), "en");
    expect(await screen.findByRole("heading", { name: "eID (PKCS#15)" })).toBeTruthy();
  });

  it("changes the OpenPGP PIN, not the PIV one, when that is the one chosen", async () => {
    const card = new SecurityKeyCard();
    const u = user();
    await renderApp(card);
    await screen.findByRole("heading", { name: "OpenPGP" });
    await u.click(screen.getByRole("button", { name: "Ändra säkerhetskod" }));
    await u.click(screen.getByRole("radio", { name: /PIN-kod \(OpenPGP\)/ }));
    await u.keyboard("{Enter}");
    // The card does not give the OpenPGP limit, and says the count: no confirmation needed.
    expect(screen.queryByText(/Kortet visar inte hur många försök/)).toBeNull();
    await typeInto(u, /Nuvarande säkerhetskod för PIN-kod/, "123456");
    await u.keyboard("{Enter}");
    await waitFor(() => expect((screen.getByLabelText(/Ny säkerhetskod/) as HTMLInputElement).disabled).toBe(false));
    await typeInto(u, /Ny säkerhetskod/, "246810");
    await typeInto(u, "Upprepa den nya säkerhetskoden", "246810");
    await u.keyboard("{Enter}");
    expect(await screen.findByText("Säkerhetskoden för PIN-kod är ändrad.")).toBeTruthy();
    expect(card.openpgp.holds("user", "246810")).toBe(true);
    expect(card.piv.codeOf(0x80)).toBe("123456");
  });
});

describe("OpenPGP unblock", () => {
  it("asks which code the person has, offers only usable ones, and never says PUK", async () => {
    const card = new SecurityKeyCard({ openpgp: { resetCode: "87654321" } });
    card.openpgp.pw1.triesLeft = 0;
    const u = user();
    await renderApp(card);
    await screen.findByRole("heading", { name: "OpenPGP" });
    await u.click(screen.getByRole("button", { name: "Lås upp PIN-koden" }));
    expect(screen.getByRole("heading", { name: "Lås upp PIN-kod", level: 2 })).toBeTruthy();
    expect(screen.getByRole("group", { name: "Vilken kod har du?" })).toBeTruthy();
    await u.click(screen.getByRole("radio", { name: /Återställningskod/ }));
    await u.click(screen.getByRole("button", { name: "Nästa" }));
    expect(screen.getByRole("heading", { name: "Lås upp PIN-kod", level: 2 })).toBeTruthy();
    expect(screen.getByLabelText("Återställningskod")).toBeTruthy();
    const wizard = screen.getByRole("heading", { name: "Lås upp PIN-kod", level: 2 }).closest("section")!;
    expect(wizard.textContent).not.toMatch(/PUK/);
    await typeInto(u, "Återställningskod", "87654321");
    await typeInto(u, /Ny säkerhetskod/, "246810");
    await typeInto(u, "Upprepa den nya säkerhetskoden", "246810");
    await u.keyboard("{Enter}");
    expect(await screen.findByText("PIN-kod är upplåst med den nya säkerhetskoden.")).toBeTruthy();
    expect(card.openpgp.holds("user", "246810")).toBe(true);
    expect(card.openpgp.pw3.triesLeft).toBe(3);
  });

  it("unblocks with a 16-character admin PIN with letters: a current code is the card's to judge", async () => {
    const admin = "Adm1n-Passw0rdXy";
    const card = new SecurityKeyCard({ openpgp: { adminPin: admin } });
    card.openpgp.pw1.triesLeft = 0;
    const u = user();
    const h = await renderApp(card, "en");
    await screen.findByRole("heading", { name: "OpenPGP" });
    await u.click(screen.getByRole("button", { name: "Unlock the PIN" }));
    // No resetting code set: the admin PIN is the only way, so there is nothing to choose.
    expect(screen.queryByRole("group", { name: "Which code do you have?" })).toBeNull();
    await u.click(screen.getByRole("button", { name: "Next" }));
    await typeInto(u, "Admin PIN", admin);
    expect((screen.getByLabelText("Admin PIN") as HTMLInputElement).value).toBe(admin);
    // The admin PIN can be verified (PW3): the card checks it before a new PIN is typed.
    expect(screen.getByText("The card checks the code you have (Admin PIN) before you type a new PIN.")).toBeTruthy();
    await u.click(screen.getByRole("button", { name: "Check" }));
    expect(await screen.findByText("The card accepted the code (Admin PIN). Now type the new PIN.")).toBeTruthy();
    await typeInto(u, /New PIN/, "246810");
    await typeInto(u, "Repeat the new PIN", "246810");
    await u.keyboard("{Enter}");
    expect(await screen.findByText(/is unlocked with the new PIN/)).toBeTruthy();
    expect(h.sent).toEqual(["checkCode", "unblockPin"]);
    expect(card.openpgp.holds("user", "246810")).toBe(true);
  });

  it("says admin PIN, not PUK, when the admin PIN is wrong", async () => {
    const card = new SecurityKeyCard();
    card.openpgp.pw1.triesLeft = 0;
    const u = user();
    const h = await renderApp(card);
    await screen.findByRole("heading", { name: "OpenPGP" });
    await u.click(screen.getByRole("button", { name: "Lås upp PIN-koden" }));
    await u.click(screen.getByRole("button", { name: "Nästa" }));
    await typeInto(u, "Administratörs-PIN", "99999999");
    // Checked on the card before any new PIN can be typed: said under its field at once.
    await u.click(screen.getByRole("button", { name: "Kontrollera" }));
    expect(await screen.findByText(/Fel administratörs-PIN\. Försök kvar: 2\./)).toBeTruthy();
    const next = screen.getByLabelText(/Ny säkerhetskod/) as HTMLInputElement;
    expect(next.value).toBe("");
    expect(next.disabled).toBe(true);
    expect(h.sent).toEqual(["checkCode"]);
    expect(screen.getByText("Steg 2 av 3")).toBeTruthy();
    // No PUK on this card: no word of one, not even the PUK help.
    expect(screen.getByRole("heading", { name: "Lås upp PIN-kod", level: 2 }).closest("section")!.textContent).not.toMatch(/PUK/);
    expect(card.openpgp.pw3.triesLeft).toBe(2);
  });
});

describe("a count the card does not give", () => {
  // A PIV card without GET METADATA whose ATR no row of card-knowledge.ts knows: the PIN's
  // count comes from an empty VERIFY (SP 800-73-4 §3.2.1), the PUK's cannot be read
  // without risking a try (there is no empty RESET RETRY COUNTER).
  const unknownPuk = () => new PivCard({ metadata: false });

  it("says the count is unknown, with no 'of N' and no dots", async () => {
    await renderApp(unknownPuk());
    await screen.findByRole("heading", { name: "PIV" });
    const puk = screen.getByText("PIV-PUK").closest("li")!;
    expect(puk.textContent).toContain("Antal försök okänt");
    expect(puk.textContent).not.toMatch(/av \d+ försök/);
    expect(puk.querySelector(".dots")).toBeNull();
    // The PIN's count is known, its limit is not: a count, but no "of N" and no dots.
    expect(screen.getByText("3 försök kvar")).toBeTruthy();
    expect(document.querySelector(".codes .dots")).toBeNull();
  });

  it("warns before sending and needs the same confirmation as a last try; nothing is sent without it", async () => {
    const card = unknownPuk();
    card.pin.triesLeft = 0;
    const u = user();
    const h = await renderApp(card);
    await screen.findByRole("heading", { name: "PIV" });
    await u.click(screen.getByRole("button", { name: "Lås upp med PUK-kod" }));
    await u.click(screen.getByRole("button", { name: "Nästa" }));
    expect(screen.getByText("Kortet visar inte hur många försök som återstår. En felaktig kod förbrukar ett försök.")).toBeTruthy();
    await typeInto(u, "PUK-kod (upplåsningskod)", "12345678");
    await typeInto(u, /Ny säkerhetskod/, "246810");
    await typeInto(u, "Upprepa den nya säkerhetskoden", "246810");
    await u.keyboard("{Enter}");
    expect(screen.getByText("Bekräfta att du förstår innan du fortsätter.")).toBeTruthy();
    expect(screen.getByText("Steg 2 av 3")).toBeTruthy();
    expect(h.sent).toEqual([]);
    expect(card.puk.triesLeft).toBe(3);
    await u.click(screen.getByLabelText("Jag förstår att en felaktig kod förbrukar ett försök"));
    await u.click(screen.getByRole("button", { name: "Lås upp" }));
    expect(await screen.findByText(/är upplåst/)).toBeTruthy();
    expect(card.codeOf(0x80)).toBe("246810");
  });

  it("in English too", async () => {
    const card = unknownPuk();
    card.pin.triesLeft = 0;
    const u = user();
    await renderApp(card, "en");
    await screen.findByRole("heading", { name: "PIV" });
    expect(screen.getAllByText("Tries left unknown").length).toBeGreaterThan(0);
    await u.click(screen.getByRole("button", { name: "Unlock with PUK" }));
    await u.click(screen.getByRole("button", { name: "Next" }));
    expect(screen.getByText("The card does not say how many tries are left. A wrong code uses up one try.")).toBeTruthy();
    expect(screen.getByLabelText("I understand that a wrong code uses up one try")).toBeTruthy();
  });
});

describe("the code field", () => {
  it("refuses a character too many with a note, and never drops one silently", async () => {
    const u = user();
    await renderApp(new Pkcs15Card());
    await screen.findByText("Legitimering");
    await u.click(screen.getByRole("button", { name: "Ändra säkerhetskod" }));
    await u.keyboard("{Enter}");
    const field = screen.getByLabelText(/Nuvarande säkerhetskod/) as HTMLInputElement;
    await u.type(field, "123456789");
    // The card takes at most 8: the ninth is refused, and the note says so.
    expect(field.value).toBe("12345678");
    expect(screen.getByText("Koden kan vara högst 8 tecken. Tecknet skrevs inte.")).toBeTruthy();
    await u.keyboard("{Backspace}");
    expect(field.value).toBe("1234567");
    expect(screen.queryByText(/Tecknet skrevs inte/)).toBeNull();
  });

  it("lets a current code hold letters where the card's charset allows, and refuses them in a new one", async () => {
    const u = user();
    await renderApp(new Pkcs15Card());
    await screen.findByText("Legitimering");
    await u.click(screen.getByRole("button", { name: "Ändra säkerhetskod" }));
    await u.keyboard("{Enter}");
    const current = screen.getByLabelText(/Nuvarande säkerhetskod/) as HTMLInputElement;
    await u.type(current, "12ab56");
    expect(current.value).toBe("12ab56");
    await typeInto(u, /Nuvarande säkerhetskod/, "123456");
    await u.keyboard("{Enter}");
    const next = screen.getByLabelText(/Ny säkerhetskod/) as HTMLInputElement;
    await waitFor(() => expect(next.disabled).toBe(false));
    await u.type(next, "24a");
    expect(next.value).toBe("24");
    expect(screen.getByText("Bara siffror kan skrivas.")).toBeTruthy();
  });
});

describe("removal", () => {
  it("the pushed no-card state reaches the window", async () => {
    const h = await renderApp(new Pkcs15Card());
    await screen.findByText("Legitimering");
    act(() => h.readers.remove());
    await waitFor(() => expect(screen.queryByText("Legitimering")).toBeNull());
  });
});
