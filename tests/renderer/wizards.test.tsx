import { act, cleanup, screen, waitFor } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import { useApp } from "../../renderer/src/state/store.js";
import { renderApp } from "./harness.js";

afterEach(() => cleanup());

const user = () => userEvent.setup();

async function openChange(u: ReturnType<typeof user>) {
  await u.click(screen.getByRole("button", { name: "Ändra säkerhetskod" }));
  expect(screen.getByText("Steg 1 av 4")).toBeTruthy();
}

async function typeInto(u: ReturnType<typeof user>, label: RegExp | string, text: string) {
  const field = screen.getByLabelText(label);
  await u.clear(field);
  if (text) await u.type(field, text);
}

describe("status view", () => {
  it("shows every code with its tries", async () => {
    await renderApp(new Pkcs15Card());
    await screen.findByText("Legitimering");
    expect(screen.getByText("Underskrift")).toBeTruthy();
    expect(screen.getByText("PUK-kod (upplåsningskod)")).toBeTruthy();
    expect(screen.getAllByText("3 av 3 försök kvar")).toHaveLength(2);
    expect(screen.getByText("10 av 10 försök kvar")).toBeTruthy();
    expect(screen.getByText("IT-supporten frågar aldrig efter din PIN- eller PUK-kod.")).toBeTruthy();
  });

  it("tells the user what to do with no card and with no reader", async () => {
    await renderApp(null);
    expect(await screen.findByText("Sätt i ditt kort i kortläsaren.")).toBeTruthy();
    cleanup();
    await renderApp(null, "en", []);
    expect(await screen.findByText("No card reader found. Connect the card reader.")).toBeTruthy();
  });

  it("offers the unlock wizard for a blocked PIN", async () => {
    const card = new Pkcs15Card();
    card.pins.get(0x82)!.triesLeft = 0;
    const u = user();
    await renderApp(card);
    await screen.findByText("Spärrad");
    await u.click(screen.getByRole("button", { name: "Lås upp med PUK-kod" }));
    expect(screen.getByRole("heading", { name: "Lås upp kort med PUK-kod" })).toBeTruthy();
    expect((screen.getByRole("radio", { name: /Underskrift/ }) as HTMLInputElement).checked).toBe(true);
  });
});

describe("change wizard", () => {
  it("changes the PIN step by step, and the card holds the new one", async () => {
    const card = new Pkcs15Card();
    const u = user();
    await renderApp(card);
    await screen.findByText("Legitimering");
    await openChange(u);
    await u.click(screen.getByRole("radio", { name: /Underskrift/ }));
    await u.keyboard("{Enter}");
    expect(screen.getByText("Steg 2 av 4")).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText("Nuvarande säkerhetskod för Underskrift"));
    await u.keyboard("654321{Enter}");
    expect(screen.getByText("Steg 3 av 4")).toBeTruthy();
    await typeInto(u, "Ny säkerhetskod för Underskrift", "246810");
    await typeInto(u, "Upprepa den nya säkerhetskoden", "246810");
    await u.keyboard("{Enter}");
    expect(await screen.findByText("Säkerhetskoden för Underskrift är ändrad.")).toBeTruthy();
    expect(screen.getByText("Steg 4 av 4")).toBeTruthy();
    expect(card.codeOf(0x82)).toBe("246810");
    expect(screen.queryByLabelText(/Ny säkerhetskod/)).toBeNull();
    expect(screen.queryByLabelText(/Nuvarande säkerhetskod/)).toBeNull();
  });

  it("returns to step 2 with the new count after a wrong current PIN", async () => {
    const card = new Pkcs15Card();
    const u = user();
    await renderApp(card);
    await screen.findByText("Legitimering");
    await openChange(u);
    await u.keyboard("{Enter}");
    await u.keyboard("999999{Enter}");
    await typeInto(u, /Ny säkerhetskod/, "246810");
    await typeInto(u, "Upprepa den nya säkerhetskoden", "246810");
    await u.keyboard("{Enter}");
    expect(await screen.findByText(/Fel säkerhetskod\. Försök kvar: 2\./)).toBeTruthy();
    expect(screen.getByText("(Felkod PW-101)")).toBeTruthy();
    expect(screen.getByText("Steg 2 av 4")).toBeTruthy();
    expect((screen.getByLabelText(/Nuvarande säkerhetskod/) as HTMLInputElement).value).toBe("");
    expect(screen.getByText("2 av 3 försök kvar")).toBeTruthy();
    expect(card.pins.get(0x81)!.triesLeft).toBe(2);
  });

  it("asks for an explicit confirmation before the last try, and sends nothing without it", async () => {
    const card = new Pkcs15Card();
    card.pins.get(0x81)!.triesLeft = 1;
    const u = user();
    const h = await renderApp(card);
    await screen.findByText("Ett försök kvar");
    await openChange(u);
    await u.keyboard("{Enter}");
    expect(screen.getByText("Endast ett försök återstår för Legitimering. Skriver du fel spärras koden.")).toBeTruthy();
    await typeInto(u, /Nuvarande säkerhetskod/, "123456");
    await u.keyboard("{Enter}");
    expect(screen.getByText("Bekräfta att du förstår innan du fortsätter.")).toBeTruthy();
    expect(screen.getByText("Steg 2 av 4")).toBeTruthy();
    await u.click(screen.getByLabelText("Jag förstår att ett felaktigt försök spärrar koden"));
    await u.click(screen.getByRole("button", { name: "Nästa" }));
    expect(screen.getByText("Steg 3 av 4")).toBeTruthy();
    expect(h.sent).toEqual([]);
  });

  it("offers the unlock wizard when the PIN becomes blocked", async () => {
    const card = new Pkcs15Card();
    card.pins.get(0x81)!.triesLeft = 1;
    const u = user();
    await renderApp(card);
    await screen.findByText("Ett försök kvar");
    await openChange(u);
    await u.keyboard("{Enter}");
    await u.click(screen.getByLabelText("Jag förstår att ett felaktigt försök spärrar koden"));
    await typeInto(u, /Nuvarande säkerhetskod/, "999999");
    await u.keyboard("{Enter}");
    await typeInto(u, /Ny säkerhetskod/, "246810");
    await typeInto(u, "Upprepa den nya säkerhetskoden", "246810");
    await u.keyboard("{Enter}");
    expect(await screen.findByText(/Säkerhetskoden är spärrad\. Lås upp den med din PUK-kod\./)).toBeTruthy();
    await u.click(screen.getByRole("button", { name: "Lås upp med PUK-kod" }));
    expect(screen.getByRole("heading", { name: "Lås upp kort med PUK-kod" })).toBeTruthy();
    expect(screen.getByText("Steg 1 av 4")).toBeTruthy();
  });

  it.each([
    [
      "sv",
      "Ändra säkerhetskod",
      "Nuvarande säkerhetskod",
      "Ny säkerhetskod",
      "Upprepa den nya säkerhetskoden",
      {
        currentLength: "Koden ska vara 6–8 tecken.",
        length: "Koden ska vara 6 siffror.",
        mismatch: "Koderna är inte lika. Skriv den nya koden två gånger.",
        same: "Den nya koden får inte vara samma som den nuvarande.",
        weak: "Koden är för enkel (samma siffra eller en sifferföljd som 123456). Välj en annan.",
        digitsOnly: "Bara siffror kan skrivas.",
      },
    ],
    [
      "en",
      "Change PIN",
      "Current PIN",
      "New PIN",
      "Repeat the new PIN",
      {
        currentLength: "The code must be 6–8 characters.",
        length: "The code must be 6 digits.",
        mismatch: "The codes differ. Type the new code twice.",
        same: "The new code must differ from the current one.",
        weak: "The code is too simple (one repeated digit or a run like 123456). Choose another.",
        digitsOnly: "Only digits can be typed.",
      },
    ],
  ] as const)("explains each refused new code in %s and sends nothing", async (lang, nav, currentLabel, newLabel, confirmLabel, text) => {
    const card = new Pkcs15Card();
    const u = user();
    const h = await renderApp(card, lang);
    await screen.findAllByText(/3 (av|of) 3/);
    await u.click(screen.getByRole("button", { name: nav }));
    await u.keyboard("{Enter}");
    // The current code is held to the card's bounds (6–8) and charset (any: "characters"), a new one to the policy's (6 digits).
    await typeInto(u, new RegExp(currentLabel), "123");
    await u.keyboard("{Enter}");
    expect(screen.getByRole("alert").textContent).toBe(text.currentLength);
    await typeInto(u, new RegExp(currentLabel), "123456");
    await u.keyboard("{Enter}");
    const check = async (next: string, confirm: string, message: string) => {
      await typeInto(u, new RegExp(newLabel), next);
      await typeInto(u, confirmLabel, confirm);
      await u.keyboard("{Enter}");
      expect(screen.getByRole("alert").textContent).toBe(message);
    };
    await check("2468", "2468", text.length);
    await check("246810", "246811", text.mismatch);
    await check("123456", "123456", text.same);
    await check("111111", "111111", text.weak);
    await typeInto(u, new RegExp(newLabel), "24a");
    expect(screen.getByText(text.digitsOnly)).toBeTruthy();
    expect((screen.getByLabelText(new RegExp(newLabel)) as HTMLInputElement).value).toBe("24");
    expect(h.sent).toEqual([]);
    expect(card.codeOf(0x81)).toBe("123456");
  });

  it("says BUSY when another operation holds the card, and the codes never enter the store", async () => {
    const card = new Pkcs15Card();
    const u = user();
    const h = await renderApp(card);
    await screen.findByText("Legitimering");
    await openChange(u);
    await u.keyboard("{Enter}");
    await u.keyboard("123456{Enter}");
    await typeInto(u, /Ny säkerhetskod/, "246810");
    await typeInto(u, "Upprepa den nya säkerhetskoden", "246810");
    expect(JSON.stringify(useApp.getState())).not.toMatch(/123456|246810/);
    // Another program of ours is mid-change: its next APDU answers late.
    const { Secret } = await import("../../native-bridge/service/secret.js");
    card.setFaults([{ at: card.apduCount + 2, kind: "late", value: 400 }]);
    const other = h.service.changePin("sign", Secret.fromString("654321"), Secret.fromString("135790"));
    await u.keyboard("{Enter}");
    expect(await screen.findByText(/En annan åtgärd pågår redan på kortet/)).toBeTruthy();
    expect(screen.getByText("(Felkod PW-309)")).toBeTruthy();
    await other;
    expect(card.codeOf(0x81)).toBe("123456");
  });

  it("cancels with Esc and clears the codes", async () => {
    const u = user();
    await renderApp(new Pkcs15Card());
    await screen.findByText("Legitimering");
    await openChange(u);
    await u.keyboard("{Enter}");
    await u.keyboard("123456");
    await u.keyboard("{Escape}");
    expect(screen.getByRole("heading", { name: "Kortstatus" })).toBeTruthy();
    await openChange(u);
    await u.keyboard("{Enter}");
    expect((screen.getByLabelText(/Nuvarande säkerhetskod/) as HTMLInputElement).value).toBe("");
  });

  it("says so when the card is removed mid-wizard, and offers to start again when it is back", async () => {
    const card = new Pkcs15Card();
    const u = user();
    const h = await renderApp(card);
    await screen.findByText("Legitimering");
    await openChange(u);
    await u.keyboard("{Enter}");
    await u.keyboard("123456");
    act(() => h.readers.remove());
    expect(await screen.findByText(/Kortet togs ut\./)).toBeTruthy();
    expect((screen.getByRole("button", { name: "Börja om" }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.queryByLabelText(/Nuvarande säkerhetskod/)).toBeNull();
    act(() => h.readers.insert(card));
    expect(await screen.findByText("Kortet är tillbaka. Du kan börja om.")).toBeTruthy();
    await waitFor(() => expect((screen.getByRole("button", { name: "Börja om" }) as HTMLButtonElement).disabled).toBe(false));
    await u.click(screen.getByRole("button", { name: "Börja om" }));
    expect(screen.getByText("Steg 1 av 4")).toBeTruthy();
  });
});

describe("unlock wizard", () => {
  async function unlockTo(u: ReturnType<typeof user>, puk: string, lastTry = false) {
    await u.click(screen.getByRole("button", { name: "Lås upp kort med PUK-kod" }));
    await u.keyboard("{Enter}");
    expect(screen.getByText("Steg 2 av 4")).toBeTruthy();
    if (lastTry) await u.click(screen.getByLabelText("Jag förstår att ett felaktigt försök spärrar koden"));
    await typeInto(u, "PUK-kod (upplåsningskod)", puk);
    await u.keyboard("{Enter}");
    await typeInto(u, /Ny säkerhetskod/, "246810");
    await typeInto(u, "Upprepa den nya säkerhetskoden", "246810");
    await u.keyboard("{Enter}");
  }

  it("unlocks a blocked PIN with the PUK", async () => {
    const card = new Pkcs15Card();
    card.pins.get(0x81)!.triesLeft = 0;
    const u = user();
    await renderApp(card);
    await screen.findByText("Spärrad");
    await unlockTo(u, "12345678");
    expect(await screen.findByText("Legitimering är upplåst med den nya säkerhetskoden.")).toBeTruthy();
    expect(card.codeOf(0x81)).toBe("246810");
    expect(card.pins.get(0x81)!.triesLeft).toBe(3);
  });

  it("counts a wrong PUK down on step 2", async () => {
    const u = user();
    await renderApp(new Pkcs15Card());
    await screen.findByText("Legitimering");
    await unlockTo(u, "87654321");
    expect(await screen.findByText(/Fel PUK-kod\. Försök kvar: 9\./)).toBeTruthy();
    expect(screen.getByText("Steg 2 av 4")).toBeTruthy();
    expect(screen.getByText("9 av 10 försök kvar")).toBeTruthy();
  });

  it("says plainly that a blocked PUK means a new card, with the helpdesk number", async () => {
    const card = new Pkcs15Card({ pukTries: 1 });
    const u = user();
    await renderApp(card);
    await screen.findByText("Legitimering");
    await unlockTo(u, "87654321", true);
    expect(await screen.findByText(/PUK-koden är spärrad\. Kortet måste bytas ut eller återställas av en administratör\./)).toBeTruthy();
    expect(screen.getAllByText("IT-supporten: intern 30000").length).toBeGreaterThan(0);
    expect(screen.getByText("(Felkod PW-202)")).toBeTruthy();
  });
});
