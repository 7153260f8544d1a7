/**
 * The status view's certificate warnings (issue 14), on the real handlers and the app's own
 * i18n: each named by the code that protects its key as the app names that code (the key's
 * use where the card names none), an expired one said plainly, nothing while none is due.
 */
import { act, cleanup, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { PivCard } from "../../native-bridge/simulator/piv-card.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import type { CertificateWarning } from "../../contract/api.js";
import { renderApp, type Harness } from "./harness.js";

afterEach(cleanup);

/** The status the main process last pushed, pushed again with these warnings (as the feed does once read). */
async function pushWarnings(h: Harness, warnings: CertificateWarning[] | null) {
  const latest = h.feed.latest();
  if (!latest?.ok) throw new Error("no status pushed yet");
  await act(async () => h.feed.publish({ ok: true, value: { ...latest.value, certificateWarnings: warnings } }));
}

const warning = (w: Partial<CertificateWarning>): CertificateWarning => ({
  codeId: "sign",
  app: "pkcs15",
  role: "signing",
  daysLeft: 41,
  expired: false,
  notAfter: "2027-01-04T23:59:59Z",
  subject: "Test Person",
  ...w,
});

describe("certificate warnings in the status view", () => {
  it("says in Swedish which certificate expires and which has expired, by the code's name", async () => {
    const h = await renderApp(new Pkcs15Card(), "sv");
    await screen.findByText("Legitimering");
    expect(screen.queryByRole("region", { name: "Certifikat" })).toBeNull();
    await pushWarnings(h, [
      warning({ codeId: "auth", role: "identification", daysLeft: -2, expired: true, notAfter: "2026-11-22T12:00:00Z" }),
      warning({}),
    ]);
    const region = await screen.findByRole("region", { name: "Certifikat" });
    const items = within(region)
      .getAllByRole("listitem")
      .map((li) => li.textContent);
    expect(items[0]).toMatch(/^Legitimering – certifikatet har gått ut \(giltigt till 2026-11-22, Test Person\)$/);
    expect(items[1]).toMatch(/^Underskrift – certifikatet går ut om 41 dagar \(giltigt till 2027-01-0[45], Test Person\)$/);
    within(region).getByText(/beställ ett nytt kort i god tid/);
  });

  it("names a PIV certificate by the PIV PIN, and one with no code by what its key is for, in English", async () => {
    const h = await renderApp(new PivCard(), "en");
    await screen.findByText("PIV PIN");
    await pushWarnings(h, [
      warning({ codeId: "auth", app: "piv", role: "identification", daysLeft: 1 }),
      warning({ codeId: null, app: "piv", role: "cardAuthentication", daysLeft: 0 }),
    ]);
    const region = await screen.findByRole("region", { name: "Certificates" });
    within(region).getByText("PIV PIN – the certificate expires in 1 day");
    within(region).getByText("Card authentication – the certificate expires today");
  });

  it("shows nothing where none is due or they are not read yet", async () => {
    const h = await renderApp(new Pkcs15Card(), "en");
    await screen.findByText("Identification");
    await pushWarnings(h, []);
    expect(screen.queryByRole("region", { name: "Certificates" })).toBeNull();
    await pushWarnings(h, null);
    expect(screen.queryByRole("region", { name: "Certificates" })).toBeNull();
    expect(screen.queryByText(/the certificate/)).toBeNull();
  });
});
