/**
 * The support report as a person reads it aloud: local wall-clock time with its offset,
 * plain sentences named as the app names codes, the "never asks" sentence once, a helpdesk
 * line always, every application on the card, what the card table knows it as, and
 * "unknown" where the card gives no count.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { defaultLoadedPolicy } from "../../host/policy-defaults.js";
import { supportResult } from "../../host/support.js";
import { localTime } from "../../host/local-time.js";
import type { ReportSources } from "../../host/support-report.js";
import { CardService } from "../../native-bridge/service/card-service.js";
import { createCard } from "../../native-bridge/simulator/cards.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import type { VirtualCard } from "../../native-bridge/simulator/virtual-card.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import { createStatusFeed } from "../../host/handlers.js";

const backends: InProcessReaders[] = [];

function sources(card: VirtualCard | null, extra: Partial<ReportSources> = {}, policy: Record<string, unknown> = {}): ReportSources {
  const backend = new InProcessReaders(["Reader A"]);
  backends.push(backend);
  if (card) backend.insert(card);
  const loaded = defaultLoadedPolicy("/etc/pinwarden/policy.json");
  Object.assign(loaded.policy, policy);
  return {
    backend,
    service: new CardService(backend),
    policy: loaded,
    logDirectory: "/var/log/pinwarden",
    lastOperation: null,
    now: () => new Date("2026-11-24T07:27:05Z"),
    ...extra,
  };
}

const lines = (text: string) =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => l.replace(/^\s*\d+\.\s+/, ""));

beforeEach(() => vi.stubEnv("TZ", "Europe/Stockholm"));
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const b of backends.splice(0)) await b.close();
});

describe("the support report", () => {
  it("says the last operation as a sentence, in local time with the offset, in both languages", async () => {
    const last = {
      operation: "unblockPin",
      codeId: "auth",
      reader: "Reader A",
      serial: "9752269000004242",
      result: "ok",
      triesLeft: 3,
      at: "2026-11-24T07:27:00.000Z",
    } as const;
    const { text } = await supportResult(sources(createCard("pkcs15"), { lastOperation: last }));
    expect(lines(text.sv)).toContain("Senast: Lås upp Legitimering – lyckades, 3 försök kvar, 2026-11-24 08:27 (UTC+01:00)");
    expect(lines(text.en)).toContain("Last: Unlock Identification – succeeded, 3 tries left, 2026-11-24 08:27 (UTC+01:00)");
    expect(lines(text.sv).at(-1)).toBe("Rapport skapad: 2026-11-24 08:27:05 (UTC+01:00)");
    expect(text.en).not.toMatch(/\d\dZ|T\d\d:/);
  });

  it("says a failed operation with its error code and the tries left", async () => {
    const last = {
      operation: "changePin",
      codeId: "sign",
      reader: "Reader A",
      serial: null,
      result: "PIN_WRONG",
      triesLeft: 2,
      at: "2026-07-01T10:00:00Z",
    } as const;
    const { text } = await supportResult(sources(createCard("pkcs15"), { lastOperation: last }));
    expect(lines(text.sv)).toContain(
      "Senast: Ändra säkerhetskod för Underskrift – misslyckades med felkod PW-101, 2 försök kvar, 2026-07-01 12:00 (UTC+02:00)",
    );
    expect(lines(text.en)).toContain(
      "Last: Change PIN for Signing – failed with error code PW-101, 2 tries left, 2026-07-01 12:00 (UTC+02:00)",
    );
  });

  it("says a check of the current code that was wrong (a try spent) as its own operation", async () => {
    const last = {
      operation: "checkCode",
      codeId: "auth",
      reader: "Reader A",
      serial: "9752269000004242",
      result: "PIN_WRONG",
      triesLeft: 2,
      at: "2026-07-01T10:00:00Z",
    } as const;
    const { text } = await supportResult(sources(createCard("pkcs15"), { lastOperation: last }));
    expect(lines(text.sv)).toContain(
      "Senast: Kontroll av nuvarande kod för Legitimering – misslyckades med felkod PW-101, 2 försök kvar, 2026-07-01 12:00 (UTC+02:00)",
    );
    expect(lines(text.en)).toContain(
      "Last: Check of the current code for Identification – failed with error code PW-101, 2 tries left, 2026-07-01 12:00 (UTC+02:00)",
    );
  });

  it("says support never asks for a code exactly once, and always has a helpdesk line", async () => {
    const none = await supportResult(sources(createCard("pkcs15")));
    for (const [language, never] of [
      ["sv", "IT-supporten frågar aldrig efter din PIN- eller PUK-kod."],
      ["en", "IT support will never ask for your PIN or PUK."],
    ] as const) {
      expect(none.text[language].split(never)).toHaveLength(2);
    }
    expect(lines(none.text.sv)).toContain("IT-support: inget nummer är inställt; kontakta organisationens IT-support");
    expect(lines(none.text.en)).toContain("IT support: no number is set; contact your organisation's IT support");
    const set = await supportResult(
      sources(createCard("pkcs15"), {}, { helpdeskPhone: ["intern 30000"], organisationName: "Region Test" }),
    );
    expect(lines(set.text.sv)).toContain("IT-support (Region Test): intern 30000");
  });

  it("names the codes as the app does, with the card table's name for the card", async () => {
    const { text, report } = await supportResult(sources(createCard("pkcs15")));
    expect(lines(text.en)).toContain("Identification: 3 of 3 tries left, OK");
    expect(lines(text.en)).toContain("PUK (unlocking code): 10 of 10 tries left, OK");
    expect(lines(text.sv)).toContain("Legitimering: 3 av 3 försök kvar, OK");
    expect(report.card?.knownAs).toBe("Pinwarden virtual PKCS#15 card");
    expect(text.sv).toMatch(
      /Kort: eID \(PKCS#15\), serienummer 9752269000004242, känt som Pinwarden virtual PKCS#15 card, ATR [0-9A-F]+, i Reader A/,
    );
  });

  it("lists every application of a card that carries several, each with its codes", async () => {
    const { text, report } = await supportResult(sources(createCard("piv", {}, { openpgp: true })));
    expect(report.card?.applications.map((a) => a.app)).toEqual(["piv", "openpgp"]);
    const en = lines(text.en);
    expect(en.some((l) => l.startsWith("Application PIV"))).toBe(true);
    expect(en.some((l) => l.startsWith("Application OpenPGP"))).toBe(true);
    expect(en.some((l) => l.startsWith("PIV PIN: "))).toBe(true);
    expect(en.some((l) => l.startsWith("Admin PIN: "))).toBe(true);
    expect(en).toContain("Resetting code: not set");
  });

  it("says 'antal försök okänt' where the card gives no count, and an unknown card as unknown", async () => {
    const { text, report } = await supportResult(sources(createCard("pkcs15", {}, { quirks: ["counts-empty-verify"] })));
    expect(report.card?.codes.some((c) => !c.triesKnown)).toBe(true);
    expect(lines(text.sv)).toContain("Legitimering: antal försök okänt");
    expect(lines(text.en)).toContain("Identification: tries left unknown");
  });
});

describe("localTime", () => {
  it("gives the wall clock and the offset, behind UTC too", () => {
    vi.stubEnv("TZ", "America/New_York");
    expect(localTime("2026-11-24T07:27:00Z")).toBe("2026-11-24 02:27 (UTC-05:00)");
  });
});

describe("certificates in the support report (issue 14)", () => {
  it("says a line per certificate that expires soon or has expired, in local time, named by its code as the app names it", async () => {
    const src = sources(new Pkcs15Card({ certDays: 41 }));
    // As the tray app does: the feed reads the certificates after the status, in the background.
    const feed = createStatusFeed(src.service, src.backend, { certificateWarningDays: () => 60 });
    const warnings = () => {
      const latest = feed.latest();
      return latest?.ok ? (latest.value.certificateWarnings ?? null) : null;
    };
    await feed.refresh();
    await vi.waitFor(() => expect(warnings()).toHaveLength(2));
    const { text, report } = await supportResult({ ...src, certificateWarnings: warnings });
    expect(report.certificateWarnings?.map((w) => [w.codeId, w.daysLeft])).toEqual([
      ["auth", 41],
      ["sign", 41],
    ]);
    const sv = lines(text.sv);
    expect(sv).toContain("Certifikat:");
    const sign = sv.find((l) => l.startsWith("Underskrift – certifikatet går ut om 41 dagar, giltigt till "));
    expect(sign).toMatch(/giltigt till \d{4}-\d\d-\d\d \d\d:\d\d \(UTC\+0[12]:00\), /);
    expect(lines(text.en).some((l) => l.startsWith("Signing – the certificate expires in 41 days, valid until "))).toBe(true);
    feed.close();
  });

  it("says an expired certificate plainly", async () => {
    const expired = [
      {
        codeId: "sign",
        app: "pkcs15",
        role: "signing",
        daysLeft: -3,
        expired: true,
        notAfter: "2026-11-21T23:59:59Z",
        subject: "Test Person",
      },
    ] as const;
    const { text } = await supportResult(sources(createCard("pkcs15"), { certificateWarnings: () => [...expired] }));
    expect(lines(text.sv)).toContain("Underskrift – certifikatet har gått ut, giltigt till 2026-11-22 00:59 (UTC+01:00), Test Person");
    expect(lines(text.en)).toContain("Signing – the certificate has expired, valid until 2026-11-22 00:59 (UTC+01:00), Test Person");
  });

  it("says the certificates are not read yet where they are unknown, none where none is due, and nothing with the warning off", async () => {
    const unknown = await supportResult(sources(createCard("pkcs15")));
    expect(lines(unknown.text.sv)).toContain("Certifikat: inte lästa än");
    expect(lines(unknown.text.en)).toContain("Certificates: not read yet");
    expect(unknown.report.certificateWarnings).toBeNull();
    const none = await supportResult(sources(createCard("pkcs15"), { certificateWarnings: () => [] }));
    expect(lines(none.text.en)).toContain("Certificates: none expires within 60 days");
    const off = await supportResult(sources(createCard("pkcs15"), { certificateWarnings: () => [] }, { certificateWarnings: false }));
    expect(off.text.en).not.toMatch(/Certificates/);
    // No card: no certificate line at all.
    expect((await supportResult(sources(null))).text.en).not.toMatch(/Certificates/);
  });
});
