import { act, cleanup, screen, waitFor } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { POLICY_KEYS } from "../../host/policy.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import { en } from "../../renderer/src/i18n/en.js";
import { sv } from "../../renderer/src/i18n/sv.js";
import { useApp } from "../../renderer/src/state/store.js";
import { renderApp } from "./harness.js";

afterEach(() => cleanup());

const user = () => userEvent.setup();

async function openChange(u: ReturnType<typeof user>) {
  await u.click(screen.getByRole("button", { name: "Ändra säkerhetskod" }));
  expect(screen.getByText("Steg 1 av 3")).toBeTruthy();
}

async function typeInto(u: ReturnType<typeof user>, label: RegExp | string, text: string) {
  const field = screen.getByLabelText(label);
  await u.clear(field);
  if (text) await u.type(field, text);
}

/** Step 2 on one page (the unlock wizard): the first code (a PUK), the new one twice, then Enter. */
async function fillCodes(u: ReturnType<typeof user>, first: RegExp | string, code: string, next = "246810", confirm = next) {
  await typeInto(u, first, code);
  await typeInto(u, /Ny säkerhetskod/, next);
  await typeInto(u, "Upprepa den nya säkerhetskoden", confirm);
  await u.keyboard("{Enter}");
}

const field = (name: string) => document.querySelector<HTMLInputElement>(`input[name="${name}"]`)!;

/** What a field's aria-describedby points at, as one text. */
const description = (input: HTMLElement) =>
  (input.getAttribute("aria-describedby") ?? "")
    .split(" ")
    .map((id) => document.getElementById(id)?.textContent ?? "")
    .join(" | ");

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

  it("offers the unlock wizard for a blocked PIN, and Close gives the focus back to that button", async () => {
    const card = new Pkcs15Card();
    card.pins.get(0x82)!.triesLeft = 0;
    const u = user();
    await renderApp(card);
    await screen.findByText("Spärrad");
    await u.click(screen.getByRole("button", { name: "Lås upp med PUK-kod" }));
    expect(screen.getByRole("heading", { name: "Lås upp kort med PUK-kod" })).toBeTruthy();
    expect((screen.getByRole("radio", { name: /Underskrift/ }) as HTMLInputElement).checked).toBe(true);
    await u.click(screen.getByRole("button", { name: "Avbryt" }));
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Lås upp med PUK-kod" }));
  });

  it("warns about the PUK at three tries left, not at four", async () => {
    const card = new Pkcs15Card();
    card.pins.get(0x83)!.triesLeft = 4;
    await renderApp(card);
    await screen.findByText("4 av 10 försök kvar");
    expect(screen.queryByText(/Bara \d försök kvar för PUK-kod/)).toBeNull();
    card.pins.get(0x83)!.triesLeft = 3;
    await user().click(screen.getByRole("button", { name: "Uppdatera" }));
    expect(await screen.findByText(/Bara 3 försök kvar för PUK-kod \(upplåsningskod\)\./)).toBeTruthy();
  });
});

describe("change wizard", () => {
  it("has the card check the current code before the new fields open, then changes it; no try spent", async () => {
    const card = new Pkcs15Card();
    const u = user();
    const h = await renderApp(card);
    await screen.findByText("Legitimering");
    await openChange(u);
    await u.click(screen.getByRole("radio", { name: /Underskrift/ }));
    await u.keyboard("{Enter}");
    expect(screen.getByText("Steg 2 av 3")).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Ändra säkerhetskod för Underskrift" })).toBeTruthy();
    const current = screen.getByLabelText("Nuvarande säkerhetskod för Underskrift") as HTMLInputElement;
    expect(document.activeElement).toBe(current);
    expect(description(current)).toContain(sv.wizard.check.first);
    // The new code cannot be typed before the card has said the current one is right.
    expect(field("next").disabled).toBe(true);
    expect(field("confirm").disabled).toBe(true);
    expect((screen.getByRole("button", { name: "Ändra" }) as HTMLButtonElement).disabled).toBe(true);
    await u.keyboard("654321{Enter}");
    await waitFor(() => expect(document.activeElement).toBe(field("next")));
    expect(h.sent).toEqual(["checkCode"]);
    expect(current.readOnly).toBe(true);
    expect(description(current)).toContain("Kortet har godkänt den nuvarande koden för Underskrift. Skriv nu den nya koden.");
    expect(screen.queryByRole("button", { name: "Kontrollera" })).toBeNull();
    expect(screen.getByText("Steg 2 av 3")).toBeTruthy();
    await u.keyboard("246810{Tab}246810{Enter}");
    expect(await screen.findByText("Säkerhetskoden för Underskrift är ändrad.")).toBeTruthy();
    expect(screen.getByText("Steg 3 av 3")).toBeTruthy();
    expect(card.codeOf(0x82)).toBe("246810");
    expect(h.sent).toEqual(["checkCode", "changePin"]);
    // The card's own counter: the check and the change spent nothing.
    expect(card.pins.get(0x82)!.triesLeft).toBe(3);
    expect(screen.queryByLabelText(/Ny säkerhetskod/)).toBeNull();
    expect(screen.queryByLabelText(/Nuvarande säkerhetskod/)).toBeNull();
  });

  it("where the bridge gives no answer to the change, says it may have gone through, clears the codes and reads the card again", async () => {
    const card = new Pkcs15Card();
    const u = user();
    const h = await renderApp(card);
    await screen.findByText("Legitimering");
    await openChange(u);
    await u.click(screen.getByRole("radio", { name: /Underskrift/ }));
    await u.keyboard("{Enter}");
    await u.keyboard("654321{Enter}");
    await waitFor(() => expect(document.activeElement).toBe(field("next")));
    // The main process goes away between the check and the change: the call rejects.
    h.api.changePin = () => Promise.reject(new Error("ipc channel closed"));
    const reads = h.statusReads();
    await u.keyboard("246810{Tab}246810{Enter}");
    expect(await screen.findByText(sv.errors.NO_ANSWER)).toBeTruthy();
    expect(screen.getByText(/PW-313/)).toBeTruthy();
    expect(screen.getByText("Steg 3 av 3")).toBeTruthy();
    await waitFor(() => expect(h.statusReads()).toBeGreaterThan(reads));
    expect(screen.queryByLabelText(/Ny säkerhetskod/)).toBeNull();
  });

  it("says a wrong current PIN under its field before any new code is typed, empties and focuses it", async () => {
    const card = new Pkcs15Card();
    const u = user();
    const h = await renderApp(card);
    await screen.findByText("Legitimering");
    await openChange(u);
    await u.keyboard("{Enter}");
    await typeInto(u, /Nuvarande säkerhetskod/, "999999");
    await u.click(screen.getByRole("button", { name: "Kontrollera" }));
    const current = await waitFor(() => {
      const input = screen.getByLabelText(/Nuvarande säkerhetskod/);
      expect(description(input)).toContain("Fel säkerhetskod för Legitimering. Försök kvar: 2. (Felkod PW-101)");
      return input as HTMLInputElement;
    });
    expect(current.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("Steg 2 av 3")).toBeTruthy();
    expect(current.value).toBe("");
    expect(current.readOnly).toBe(false);
    expect(document.activeElement).toBe(current);
    // No new code was made up yet, and none can be: the new fields are empty and closed.
    expect(field("next").value).toBe("");
    expect(field("next").disabled).toBe(true);
    expect(field("confirm").disabled).toBe(true);
    expect(screen.getByText("2 av 3 försök kvar")).toBeTruthy();
    // One try, the one a change with that code would have cost; no CHANGE was sent.
    expect(card.pins.get(0x81)!.triesLeft).toBe(2);
    expect(card.codeOf(0x81)).toBe("123456");
    expect(h.sent).toEqual(["checkCode"]);
    // The right code, then the new one: the counter is full again and nothing more is spent.
    await u.keyboard("123456{Enter}");
    await waitFor(() => expect(document.activeElement).toBe(field("next")));
    expect(card.pins.get(0x81)!.triesLeft).toBe(3);
    await u.keyboard("246810{Tab}246810{Enter}");
    expect(await screen.findByText("Säkerhetskoden för Legitimering är ändrad.")).toBeTruthy();
    expect(card.codeOf(0x81)).toBe("246810");
    expect(card.pins.get(0x81)!.triesLeft).toBe(3);
    expect(h.sent).toEqual(["checkCode", "checkCode", "changePin"]);
  });

  it("before the last try shows one note: the confirmation, where the PUK is, and the unlock wizard instead; nothing is sent without the tick", async () => {
    const card = new Pkcs15Card();
    card.pins.get(0x81)!.triesLeft = 1;
    const u = user();
    const h = await renderApp(card);
    await screen.findByText("Ett försök kvar");
    await openChange(u);
    await u.keyboard("{Enter}");
    const notes = document.querySelectorAll(".wizard .note");
    expect(notes).toHaveLength(1);
    expect(notes[0]!.textContent).toContain("Endast ett försök återstår för Legitimering. Skriver du fel spärras koden.");
    expect(notes[0]!.textContent).toContain(sv.wizard.pukHelp);
    // The confirmation comes before the check: the check is what spends the try.
    await typeInto(u, /Nuvarande säkerhetskod/, "123456");
    await u.keyboard("{Enter}");
    const tick = screen.getByLabelText("Jag förstår att ett felaktigt försök spärrar koden");
    expect(description(tick)).toBe("Bekräfta att du förstår innan du fortsätter.");
    expect(document.activeElement).toBe(tick);
    expect(screen.getByText("Steg 2 av 3")).toBeTruthy();
    expect(h.sent).toEqual([]);
    await u.click(screen.getByRole("button", { name: "Lås upp med PUK-kod i stället" }));
    expect(screen.getByRole("heading", { name: "Lås upp kort med PUK-kod" })).toBeTruthy();
    expect(screen.getByText("Steg 1 av 3")).toBeTruthy();
    expect((screen.getByRole("radio", { name: /Legitimering/ }) as HTMLInputElement).checked).toBe(true);
    expect(h.sent).toEqual([]);
    expect(card.pins.get(0x81)!.triesLeft).toBe(1);
  });

  it("after a wrong check leaves one try, asks for the confirmation before the next check", async () => {
    const card = new Pkcs15Card();
    card.pins.get(0x81)!.triesLeft = 2;
    const u = user();
    const h = await renderApp(card);
    await screen.findByText("2 av 3 försök kvar");
    await openChange(u);
    await u.keyboard("{Enter}");
    expect(document.querySelectorAll(".wizard .note")).toHaveLength(0);
    await typeInto(u, /Nuvarande säkerhetskod/, "999999");
    await u.keyboard("{Enter}");
    await waitFor(() => expect(description(field("first"))).toContain("Försök kvar: 1."));
    expect(document.querySelector(".wizard .note")!.textContent).toContain("Endast ett försök återstår för Legitimering.");
    await typeInto(u, /Nuvarande säkerhetskod/, "123456");
    await u.keyboard("{Enter}");
    expect(document.activeElement).toBe(screen.getByLabelText("Jag förstår att ett felaktigt försök spärrar koden"));
    expect(h.sent).toEqual(["checkCode"]);
    expect(card.pins.get(0x81)!.triesLeft).toBe(1);
    await u.click(screen.getByLabelText("Jag förstår att ett felaktigt försök spärrar koden"));
    await u.click(screen.getByRole("button", { name: "Kontrollera" }));
    await waitFor(() => expect(field("next").disabled).toBe(false));
    // Accepted: the counter is full again, and the change needs no confirmation.
    expect(card.pins.get(0x81)!.triesLeft).toBe(3);
    expect(document.querySelectorAll(".wizard .note")).toHaveLength(0);
    expect(h.sent).toEqual(["checkCode", "checkCode"]);
  });

  it("names the PIN that became blocked and offers the unlock wizard, not a new start", async () => {
    const card = new Pkcs15Card();
    card.pins.get(0x82)!.triesLeft = 1;
    const u = user();
    await renderApp(card);
    await screen.findByText("Ett försök kvar");
    await openChange(u);
    await u.click(screen.getByRole("radio", { name: /Underskrift/ }));
    await u.keyboard("{Enter}");
    await u.click(screen.getByLabelText("Jag förstår att ett felaktigt försök spärrar koden"));
    await typeInto(u, /Nuvarande säkerhetskod/, "999999");
    await u.keyboard("{Enter}");
    expect(await screen.findByText(/Säkerhetskoden för Underskrift är spärrad\. Lås upp den med din PUK-kod\./)).toBeTruthy();
    expect(field("next")).toBeNull();
    expect(card.pins.get(0x82)!.triesLeft).toBe(0);
    expect(screen.getByText("Steg 3 av 3")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Börja om" })).toBeNull();
    await u.click(screen.getByRole("button", { name: "Lås upp med PUK-kod" }));
    expect(screen.getByRole("heading", { name: "Lås upp kort med PUK-kod" })).toBeTruthy();
    expect(screen.getByText("Steg 1 av 3")).toBeTruthy();
    expect((screen.getByRole("radio", { name: /Underskrift/ }) as HTMLInputElement).checked).toBe(true);
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
  ] as const)(
    "says each refused code under its own field in %s, and sends no change (only the check of the right current code)",
    async (lang, nav, currentLabel, newLabel, confirmLabel, text) => {
      const card = new Pkcs15Card();
      const u = user();
      const h = await renderApp(card, lang);
      await screen.findAllByText(/3 (av|of) 3/);
      await u.click(screen.getByRole("button", { name: nav }));
      await u.keyboard("{Enter}");
      const check = async (current: string | null, next: string, confirm: string, message: string, where: string) => {
        if (current !== null) await typeInto(u, new RegExp(currentLabel), current);
        if (next) await typeInto(u, new RegExp(newLabel), next);
        if (confirm) await typeInto(u, confirmLabel, confirm);
        await u.keyboard("{Enter}");
        // One message, under the field it is about, tied to it, and that field has the focus.
        expect(screen.getByRole("alert").textContent).toBe(message);
        const input = field(where);
        expect(description(input).startsWith(message)).toBe(true);
        expect(input.getAttribute("aria-invalid")).toBe("true");
        expect(document.activeElement).toBe(input);
      };
      // The current code is held to the card's bounds (6–8) and charset (any: "characters"),
      // before it is checked on the card; a new one to the policy's (6 digits).
      await check("123", "", "", text.currentLength, "first");
      expect(h.sent).toEqual([]);
      await typeInto(u, new RegExp(currentLabel), "123456");
      await u.keyboard("{Enter}");
      await waitFor(() => expect(field("next").disabled).toBe(false));
      expect(h.sent).toEqual(["checkCode"]);
      await check(null, "2468", "2468", text.length, "next");
      await check(null, "246810", "246811", text.mismatch, "confirm");
      await check(null, "123456", "123456", text.same, "next");
      await check(null, "111111", "111111", text.weak, "next");
      await typeInto(u, new RegExp(newLabel), "24a");
      expect(screen.getByText(text.digitsOnly)).toBeTruthy();
      expect((screen.getByLabelText(new RegExp(newLabel)) as HTMLInputElement).value).toBe("24");
      expect(h.sent).toEqual(["checkCode"]);
      expect(card.codeOf(0x81)).toBe("123456");
      expect(card.pins.get(0x81)!.triesLeft).toBe(3);
    },
  );

  it("takes no more digits than the rule allows: never '7 av 6 siffror'", async () => {
    const u = user();
    await renderApp(new Pkcs15Card());
    await screen.findByText("Legitimering");
    await openChange(u);
    await u.keyboard("{Enter}");
    // A current code the card takes up to 8 of says so: "7 av 6–8", not "7 av 6".
    const current = screen.getByLabelText(/Nuvarande säkerhetskod/);
    await u.type(current, "1234567");
    expect(description(current)).toContain("7 av 6–8 tecken");
    expect(document.body.textContent).not.toMatch(/7 av 6 /);
    await typeInto(u, /Nuvarande säkerhetskod/, "123456");
    await u.keyboard("{Enter}");
    const next = screen.getByLabelText(/Ny säkerhetskod/) as HTMLInputElement;
    await waitFor(() => expect(next.disabled).toBe(false));
    await u.type(next, "2468101");
    expect(next.value).toBe("246810");
    expect(description(next)).toContain("6 av 6 siffror");
    expect(screen.getByText("Koden kan vara högst 6 siffror. Siffran skrevs inte.")).toBeTruthy();
  });

  it("says BUSY when another operation holds the card, and the codes never enter the store", async () => {
    const card = new Pkcs15Card();
    const u = user();
    const h = await renderApp(card);
    await screen.findByText("Legitimering");
    await openChange(u);
    await u.keyboard("{Enter}");
    await typeInto(u, /Nuvarande säkerhetskod/, "123456");
    await u.keyboard("{Enter}");
    await waitFor(() => expect(field("next").disabled).toBe(false));
    await typeInto(u, /Ny säkerhetskod/, "246810");
    await typeInto(u, "Upprepa den nya säkerhetskoden", "246810");
    expect(JSON.stringify(useApp.getState())).not.toMatch(/123456|246810/);
    // Another program of ours is mid-change: its next APDU answers late.
    const { Secret } = await import("../../native-bridge/core/secret.js");
    card.setFaults([{ at: card.apduCount + 2, kind: "late", value: 400 }]);
    const other = h.service.changePin("sign", Secret.fromString("654321"), Secret.fromString("135790"));
    await u.keyboard("{Enter}");
    expect(await screen.findByText(/En annan åtgärd pågår redan på kortet/)).toBeTruthy();
    expect(screen.getByText("(Felkod PW-309)")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Börja om" })).toBeTruthy();
    await other;
    expect(card.codeOf(0x81)).toBe("123456");
  });

  it("cancels with Esc, clears the codes, and gives the focus back to the tab that opened it", async () => {
    const u = user();
    await renderApp(new Pkcs15Card());
    await screen.findByText("Legitimering");
    await openChange(u);
    await u.keyboard("{Enter}");
    await u.keyboard("123456");
    await u.keyboard("{Escape}");
    expect(screen.getByRole("heading", { name: "Kortstatus" })).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Ändra säkerhetskod" }));
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
    expect(screen.getByText("Steg 1 av 3")).toBeTruthy();
  });
});

describe("unlock wizard", () => {
  async function unlockTo(u: ReturnType<typeof user>, puk: string, lastTry = false) {
    await u.click(screen.getByRole("button", { name: "Lås upp kort med PUK-kod" }));
    await u.keyboard("{Enter}");
    expect(screen.getByText("Steg 2 av 3")).toBeTruthy();
    if (lastTry) await u.click(screen.getByLabelText("Jag förstår att ett felaktigt försök spärrar koden"));
    await fillCodes(u, "PUK-kod (upplåsningskod)", puk);
  }

  it("unlocks a blocked PIN with the PUK, and says where the PUK is", async () => {
    const card = new Pkcs15Card();
    card.pins.get(0x81)!.triesLeft = 0;
    const u = user();
    await renderApp(card);
    await screen.findByText("Spärrad");
    await u.click(screen.getByRole("button", { name: "Lås upp kort med PUK-kod" }));
    await u.keyboard("{Enter}");
    expect(description(screen.getByLabelText("PUK-kod (upplåsningskod)"))).toContain(
      "PUK-koden står i kortbrevet du fick med kortet. Har du tappat bort den, beställ en ny av din organisations kontaktperson för kort.",
    );
    // A PUK is not checked apart (no VERIFY of it is well defined): one page, and a note says so.
    expect(description(screen.getByLabelText("PUK-kod (upplåsningskod)"))).toContain(
      "Kortet kontrollerar koden när du trycker på Lås upp.",
    );
    expect(screen.queryByRole("button", { name: "Kontrollera" })).toBeNull();
    expect(field("next").disabled).toBe(false);
    await fillCodes(u, "PUK-kod (upplåsningskod)", "12345678");
    expect(await screen.findByText("Legitimering är upplåst med den nya säkerhetskoden.")).toBeTruthy();
    expect(card.codeOf(0x81)).toBe("246810");
    expect(card.pins.get(0x81)!.triesLeft).toBe(3);
  });

  it("shows the organisation's own PUK help from policy, in the page's language", async () => {
    const card = new Pkcs15Card();
    const pukHelp = { sv: "Ring kortadministratören, anknytning 4455.", en: "Call the card administrator, extension 4455." };
    const u = user();
    await renderApp(card, "en", undefined, { pukHelp });
    await screen.findByText("Identification");
    await u.click(screen.getByRole("button", { name: "Unlock card with PUK" }));
    await u.keyboard("{Enter}");
    const puk = screen.getByLabelText("PUK (unlocking code)");
    expect(description(puk)).toContain(pukHelp.en);
    expect(description(puk)).not.toContain(en.wizard.pukHelp);
  });

  it("counts a wrong PUK down under its field on step 2, and warns at three tries left", async () => {
    const u = user();
    await renderApp(new Pkcs15Card({ pukTries: 4 }));
    await screen.findByText("Legitimering");
    await unlockTo(u, "87654321");
    const puk = await waitFor(() => {
      const input = screen.getByLabelText("PUK-kod (upplåsningskod)");
      expect(description(input)).toContain("Fel PUK-kod. Försök kvar: 3. (Felkod PW-201)");
      return input;
    });
    expect(document.activeElement).toBe(puk);
    expect(screen.getByText("Steg 2 av 3")).toBeTruthy();
    expect(screen.getByText("3 av 10 försök kvar")).toBeTruthy();
    const notes = document.querySelectorAll(".wizard .note");
    expect(notes).toHaveLength(1);
    expect(notes[0]!.textContent).toBe(
      "Bara 3 försök kvar för PUK-kod (upplåsningskod). Spärras den kan kortet inte låsas upp, och du behöver ett nytt kort.",
    );
  });

  it("says plainly that a blocked PUK means a new card, with the PUK help and the helpdesk, and nothing to start again", async () => {
    const card = new Pkcs15Card({ pukTries: 1 });
    const u = user();
    await renderApp(card);
    await screen.findByText("Legitimering");
    await unlockTo(u, "87654321", true);
    expect(await screen.findByText(/PUK-koden är spärrad\. Kortet måste bytas ut eller återställas av en administratör\./)).toBeTruthy();
    expect(screen.getAllByText("IT-supporten: intern 30000").length).toBeGreaterThan(0);
    expect(screen.getByText("(Felkod PW-202)")).toBeTruthy();
    expect(screen.getByText(sv.wizard.pukHelp)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Börja om" })).toBeNull();
    expect(screen.queryByRole("button", { name: /Lås upp med PUK-kod/ })).toBeNull();
    // The unlock wizard does not start again; the status says what to do.
    await u.click(screen.getByRole("button", { name: "Stäng" }));
    const pukRow = (await screen.findByText("PUK-kod (upplåsningskod)")).closest("li")!;
    expect(pukRow.textContent).toContain(sv.wizard.pukHelp);
    expect(pukRow.textContent).toContain("IT-supporten: intern 30000");
    await u.click(screen.getByRole("button", { name: "Lås upp kort med PUK-kod" }));
    expect(screen.queryByText(/Steg \d av 3/)).toBeNull();
    expect(document.querySelector(".wizard input, section input")).toBeNull();
    expect(screen.getByText(/PUK-koden är spärrad\./)).toBeTruthy();
  });

  it("opens from the tray before the app info has arrived, and goes on once it has", async () => {
    const card = new Pkcs15Card();
    card.pins.get(0x81)!.triesLeft = 0;
    const u = user();
    // The notification's view is there before the first render, and before info().
    await renderApp(card, "en", undefined, {}, { name: "unlock", pinId: "auth" });
    expect(screen.getByRole("heading", { name: "Unlock card with PUK", level: 2 })).toBeTruthy();
    expect(await screen.findByText("Step 1 of 3")).toBeTruthy();
    await u.click(screen.getByRole("button", { name: "Next" }));
    expect(screen.getByLabelText("PUK (unlocking code)")).toBeTruthy();
  });

  it("gives the policy's default PUK help in both languages", () => {
    expect(POLICY_KEYS.pukHelp.default).toEqual({ sv: sv.wizard.pukHelp, en: en.wizard.pukHelp });
  });
});
