/**
 * `pinwarden certs` (issue 14) in Swedish and English, and the two policy keys behind its
 * warning: what a person reads about a certificate that expires soon, has expired or is
 * far from it, on in-process virtual cards.
 */
import { describe, expect, it } from "vitest";
import { defaultLoadedPolicy } from "../../host/policy-defaults.js";
import { loadPolicy, type LoadedPolicy } from "../../host/policy.js";
import { certsCommand } from "../../cli/certs.js";
import { commandContext } from "../../cli/context.js";
import { serviceOptionsOf } from "../../host/apply-policy.js";
import { main } from "../../cli/main.js";
import { formatCertificateWarnings, statusCertificateWarnings } from "../../cli/output.js";
import { CardService } from "../../native-bridge/service/card-service.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { PivCard } from "../../native-bridge/simulator/piv-card.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import type { VirtualCard } from "../../native-bridge/simulator/virtual-card.js";

async function certs(card: VirtualCard, lang: "sv" | "en", options: { json?: boolean; policy?: LoadedPolicy; app?: string } = {}) {
  const readers = new InProcessReaders(["R"]);
  readers.insert(card);
  let out = "";
  let err = "";
  const policy = options.policy ?? defaultLoadedPolicy("/nonexistent/policy.json");
  const ctx = commandContext({
    command: "certs",
    values: { json: options.json ?? false, ...(options.app ? { app: options.app } : {}) },
    positionals: ["certs"],
    loaded: policy,
    lang,
    // The CLI front checks the options; a usage error here would be a test mistake.
    usage: (u) => {
      throw new Error(`unexpected usage error ${u.error}`);
    },
    io: { out: (t) => (out += t), err: (t) => (err += t) },
  });
  const code = await certsCommand(ctx, { service: new CardService(readers, serviceOptionsOf(policy.policy)) });
  await readers.close();
  return { code, out, err };
}

const withPolicy = (values: Record<string, unknown>) => loadPolicy({ platform: "linux", env: {}, readFile: () => JSON.stringify(values) });

describe("pinwarden certs, text", () => {
  it("says in Swedish which certificate expires in how many days, and that it is time to order a new card", async () => {
    const r = await certs(new Pkcs15Card({ certDays: 41 }), "sv");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Legitimering – certifikatet går ut om 41 dagar  GÅR SNART UT");
    expect(r.out).toContain("Underskrift – certifikatet går ut om 41 dagar  GÅR SNART UT");
    expect(r.out).toContain("utfärdat av Pinwarden Test CA");
    expect(r.out).toContain("nyckeln skyddas av Underskrift");
    expect(r.out).toContain("beställ ett nytt kort i god tid");
  });

  it("says the same in English", async () => {
    const r = await certs(new Pkcs15Card({ certDays: 41 }), "en");
    expect(r.out).toContain("Signing – the certificate expires in 41 days  EXPIRES SOON");
    expect(r.out).toContain("its key is protected by Signing");
  });

  it("says plainly that an expired certificate has expired", async () => {
    expect((await certs(new Pkcs15Card({ certDays: -2 }), "sv")).out).toContain("Underskrift – certifikatet har gått ut  UTGÅNGET");
    expect((await certs(new Pkcs15Card({ certDays: -2 }), "en")).out).toContain("Signing – the certificate has expired  EXPIRED");
    expect((await certs(new Pkcs15Card({ certDays: 0 }), "en")).out).toContain("the certificate expires today");
    expect((await certs(new Pkcs15Card({ certDays: 1 }), "sv")).out).toContain("går ut om 1 dag ");
  });

  it("does not warn outside the policy's days, nor at all with certificateWarnings off", async () => {
    const far = await certs(new Pkcs15Card({ certDays: 61 }), "en");
    expect(far.out).toContain("expires in 61 days\n");
    expect(far.out).not.toContain("order a new card");
    const wider = await certs(new Pkcs15Card({ certDays: 61 }), "en", { policy: withPolicy({ certificateWarningDays: 90 }) });
    expect(wider.out).toContain("expires in 61 days  EXPIRES SOON");
    const off = await certs(new Pkcs15Card({ certDays: -2 }), "en", { policy: withPolicy({ certificateWarnings: false }) });
    expect(off.out).toContain("the certificate has expired\n");
    expect(off.out).not.toContain("EXPIRED");
  });

  it("names the PIV slots' uses, and the card authentication certificate has no PIN", async () => {
    const r = await certs(new PivCard({ certDays: 30 }), "sv");
    for (const role of ["Legitimering", "Underskrift", "Kryptering", "Kortautentisering"])
      expect(r.out).toContain(`${role} – certifikatet går ut om 30 dagar`);
    expect(r.out).toContain("nyckeln skyddas av PIV-PIN");
    expect(r.out.split("\n").find((l) => l.includes("(piv 9E)"))).not.toContain("skyddas");
  });
});

describe("pinwarden certs --json", () => {
  it("gives the issue's fields for every certificate", async () => {
    const r = await certs(new Pkcs15Card({ certDays: 41 }), "en", { json: true });
    const json = JSON.parse(r.out) as { certificates: Record<string, unknown>[]; problems: unknown[] };
    expect(json.problems).toEqual([]);
    expect(json.certificates).toHaveLength(2);
    for (const c of json.certificates) {
      expect(Object.keys(c)).toEqual(
        expect.arrayContaining(["subject", "issuer", "serial", "notBefore", "notAfter", "daysLeft", "usage", "codeId"]),
      );
      expect(c.daysLeft).toBe(41);
      expect(new Date(c.notAfter as string).toISOString()).toBe(c.notAfter);
    }
    expect(json.certificates.map((c) => c.codeId)).toEqual(["auth", "sign"]);
  });

  it("refuses an unknown application before touching a card", async () => {
    // The CLI's front refuses it, as for every command, before any reader is opened.
    let out = "";
    let err = "";
    const code = await main(["certs", "--demo", "--app", "nope", "--lang", "en"], { out: (t) => (out += t), err: (t) => (err += t) });
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toMatch(/--app.*pkcs15, piv, openpgp.*\(PW-5\d\d\)/s);
  });

  it("is a command of pinwarden itself (--demo)", async () => {
    let out = "";
    const code = await main(["certs", "--demo", "--json", "--lang", "en"], { out: (t) => (out += t), err: () => undefined });
    expect(code).toBe(0);
    expect((JSON.parse(out) as { certificates: unknown[] }).certificates).toHaveLength(2);
  });
});

describe("the certificate warning policy keys", () => {
  it("default to 60 days and on; a GPO text box's digits are a number; nonsense is refused", () => {
    const d = defaultLoadedPolicy("x").policy;
    expect([d.certificateWarnings, d.certificateWarningDays]).toEqual([true, 60]);
    const fromRegistry = loadPolicy({
      platform: "win32",
      env: {},
      registry: () => ({ certificateWarningDays: "90" }),
      readFile: () => null,
    });
    expect(fromRegistry.policy.certificateWarningDays).toBe(90);
    const bad = withPolicy({ certificateWarningDays: 0, certificateWarnings: "yes" });
    expect([bad.policy.certificateWarningDays, bad.policy.certificateWarnings]).toEqual([60, true]);
    expect(bad.problems.map((p) => p.key).sort()).toEqual(["certificateWarningDays", "certificateWarnings"]);
  });
});

describe("pinwarden status and the certificates (issue 14)", () => {
  async function statusWarnings(card: VirtualCard | null, policy = defaultLoadedPolicy("x").policy) {
    const readers = new InProcessReaders(["R"]);
    await readers.ready();
    if (card) readers.insert(card);
    const service = new CardService(readers);
    const status = await service.status();
    const warnings = await statusCertificateWarnings(service, {}, policy);
    await readers.close();
    return { status, warnings };
  }

  it("reads them after the status, by the policy's days, and says each in a line", async () => {
    const { status, warnings } = await statusWarnings(new Pkcs15Card({ certDays: 30 }));
    expect(status.ok).toBe(true);
    expect(warnings?.map((w) => ({ codeId: w.codeId, daysLeft: w.daysLeft }))).toEqual([
      { codeId: "auth", daysLeft: 30 },
      { codeId: "sign", daysLeft: 30 },
    ]);
    const sv = formatCertificateWarnings(warnings, "sv");
    expect(sv).toContain("Underskrift – certifikatet går ut om 30 dagar (giltigt till ");
    expect(sv).toContain("organisationens kontaktperson för kort");
    expect(formatCertificateWarnings(warnings, "en")).toContain("Signing – the certificate expires in 30 days (valid until ");
  });

  it("says none outside the days, none with the warning off (nothing read), and unknown where they cannot be read", async () => {
    expect((await statusWarnings(new Pkcs15Card({ certDays: 400 }))).warnings).toEqual([]);
    expect(formatCertificateWarnings([], "en")).toBe("");
    const off = withPolicy({ certificateWarnings: false }).policy;
    expect((await statusWarnings(new Pkcs15Card({ certDays: -1 }), off)).warnings).toEqual([]);
    expect((await statusWarnings(null)).warnings).toBeNull();
    expect(formatCertificateWarnings(null, "sv")).toBe("Certifikat: inte lästa än\n");
  });

  it("pinwarden support reads them after the report's status, as the app's report says them", async () => {
    let out = "";
    expect(await main(["support", "--demo", "--lang", "en"], { out: (t) => (out += t), err: () => undefined })).toBe(0);
    expect(out).toMatch(/^\s*\d+\. Certificates: none expires within 60 days$/m);
  });

  it("puts certificateWarnings in status --json (the demo card's are two years away: none)", async () => {
    let out = "";
    const code = await main(["status", "--demo", "--json", "--lang", "en"], { out: (t) => (out += t), err: () => undefined });
    expect(code).toBe(0);
    expect((JSON.parse(out) as { certificateWarnings: unknown }).certificateWarnings).toEqual([]);
  });
});
