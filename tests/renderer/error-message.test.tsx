/** The error sentence a person reads when the card's answer carried no count (SW 6300). */
import { cleanup, render, screen } from "@testing-library/react";
import { I18nextProvider } from "react-i18next";
import { afterEach, describe, expect, it } from "vitest";
import { ErrorMessage } from "../../renderer/src/components/ErrorMessage.js";
import { createI18n } from "../../renderer/src/i18n/index.js";

function show(language: "sv" | "en", triesLeft: number | null) {
  return render(
    <I18nextProvider i18n={createI18n(language)}>
      <ErrorMessage error={{ code: "PIN_WRONG", support: "PW-101", codeId: "auth", triesLeft }} />
    </I18nextProvider>,
  );
}

afterEach(cleanup);

describe("a wrong code with no count", () => {
  it("says the card does not say how many tries are left, never 'Försök kvar: ?'", () => {
    show("sv", null);
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toContain("Fel säkerhetskod för Legitimering. Kortet visar inte hur många försök som återstår.");
    expect(alert.textContent).not.toMatch(/Försök kvar|\?|\u2047/);
  });

  it("in English too, and with a count it gives the count", () => {
    const { unmount } = show("en", null);
    expect(screen.getByRole("alert").textContent).toContain("The card does not say how many tries are left.");
    unmount();
    show("en", 2);
    expect(screen.getByRole("alert").textContent).toContain("Tries left: 2.");
  });
});
