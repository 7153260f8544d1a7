/**
 * Certificates on the card (issue 14), on in-process virtual cards whose certificates a
 * test CA made with openssl: what CardService.certificates() lists is held to what the
 * card was given (the card's own PEM, read with Node's X509Certificate), and the card's
 * APDU log and counters show that no code was sent and no try spent.
 */
import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseCommand } from "../../native-bridge/apdu/command.js";
import { validityFor } from "../../native-bridge/certs/test-ca.js";
import { CardService } from "../../native-bridge/service/card-service.js";
import { createCard } from "../../native-bridge/simulator/cards.js";
import { CompositeCard } from "../../native-bridge/simulator/composite-card.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { OpenPgpCard } from "../../native-bridge/simulator/openpgp-card.js";
import { PivCard } from "../../native-bridge/simulator/piv-card.js";
import { Pkcs15Card, PKCS15_QUIRKS } from "../../native-bridge/simulator/pkcs15-card.js";
import type { VirtualCard } from "../../native-bridge/simulator/virtual-card.js";

const PIN_INS = [0x20, 0x24, 0x2c];

function setup(card: VirtualCard) {
  const readers = new InProcessReaders(["R"]);
  readers.insert(card);
  return { readers, service: new CardService(readers) };
}

/** The INS of every APDU the card received, from its own log. */
function logged(): { lines: string[]; apduLog: (line: string) => void; ins: () => number[] } {
  const lines: string[] = [];
  return {
    lines,
    apduLog: (line) => lines.push(line),
    ins: () => lines.filter((l) => l.startsWith("> ")).map((l) => parseInt(l.slice(4, 6), 16)),
  };
}

async function certificatesOf(service: CardService, options: Parameters<CardService["certificates"]>[0] = {}) {
  const r = await service.certificates(options);
  if (!r.ok) throw new Error(`certificates failed: ${r.error.code}`);
  return r.value;
}

const cn = (pem: string) =>
  new X509Certificate(pem).subject
    .split("\n")
    .find((l) => l.startsWith("CN="))!
    .slice(3);

describe("PKCS#15: EF.ODF → EF.CDF → the certificate files, each tied to its PIN through EF.PrKDF", () => {
  it("lists both certificates with the dates, serial and names the card was given, and which PIN protects each key", async () => {
    const card = new Pkcs15Card({ certDays: 41 });
    const { service } = setup(card);
    const list = await certificatesOf(service);
    expect(list.problems).toEqual([]);
    expect(list.certificates).toHaveLength(2);
    const expected = validityFor(41);
    for (const [i, c] of list.certificates.entries()) {
      const given = card.certificates[i]!;
      const x509 = new X509Certificate(given.certificate.pem);
      expect(c.location).toBe(given.location);
      expect(c.subject).toBe(cn(given.certificate.pem));
      expect(c.issuer).toBe("Pinwarden Test CA");
      expect(c.serial).toBe(x509.serialNumber.toUpperCase());
      expect(c.notAfter).toBe(expected.notAfter.toISOString());
      expect(c.notBefore).toBe(new Date(x509.validFrom).toISOString());
      expect(c.daysLeft).toBe(41);
      expect(c.fingerprint).toBe(x509.fingerprint256);
    }
    expect(list.certificates.map((c) => [c.label, c.codeId, c.role])).toEqual([
      ["Legitimering", "auth", "identification"],
      ["Underskrift", "sign", "signing"],
    ]);
    expect(list.certificates[1]!.usage).toContain("nonRepudiation");
    expect(list.certificates[0]!.usage).toEqual(expect.arrayContaining(["digitalSignature", "clientAuth", "smartcardLogon"]));
  });

  it("sends no VERIFY, CHANGE or RESET RETRY COUNTER and spends no try, on a card where even an empty VERIFY counts", async () => {
    const log = logged();
    const card = new Pkcs15Card({ quirks: ["counts-empty-verify"], apduLog: log.apduLog });
    const { service } = setup(card);
    const list = await certificatesOf(service);
    expect(list.certificates).toHaveLength(2);
    expect(log.ins().filter((ins) => PIN_INS.includes(ins))).toEqual([]);
    expect([...card.pins.values()].map((p) => p.triesLeft)).toEqual([3, 3, 10]);
  });

  it("on a card not yet seen sends no empty VERIFY either; the status after it still reads the counters", async () => {
    const log = logged();
    const card = new Pkcs15Card({ apduLog: log.apduLog });
    const { service } = setup(card);
    expect((await certificatesOf(service)).certificates).toHaveLength(2);
    expect(log.ins().filter((ins) => PIN_INS.includes(ins))).toEqual([]);
    const status = await service.status();
    expect(status.ok && status.value.codes.map((c) => c.triesLeft)).toEqual([3, 3, 10]);
  });

  it.each(PKCS15_QUIRKS.map((q) => [q]))("finds them the same way on the %s card", async (quirk) => {
    const list = await certificatesOf(setup(new Pkcs15Card({ quirks: [quirk], certDays: 41 })).service);
    expect(list.certificates.map((c) => [c.location, c.codeId, c.daysLeft])).toEqual([
      ["3F0050154331", "auth", 41],
      ["3F0050154332", "sign", 41],
    ]);
  });

  it("says plainly how long ago an expired certificate expired, and 0 on its last day", async () => {
    const expired = await certificatesOf(setup(new Pkcs15Card({ certDays: -3 })).service);
    expect(expired.certificates.map((c) => c.daysLeft)).toEqual([-3, -3]);
    const today = await certificatesOf(setup(new Pkcs15Card({ certDays: 0 })).service);
    expect(today.certificates.map((c) => c.daysLeft)).toEqual([0, 0]);
  });

  it("reads the certificates once per insertion: a second call costs the card no APDU, a new insertion reads again", async () => {
    const card = new Pkcs15Card();
    const { readers, service } = setup(card);
    await certificatesOf(service);
    const after = card.apduCount;
    const again = await certificatesOf(service, { now: new Date(Date.now() + 10 * 86_400_000) });
    expect(card.apduCount).toBe(after);
    // Days left are counted at each call, from the cached certificate.
    expect(again.certificates[0]!.daysLeft).toBe(720);
    readers.remove("R");
    readers.insert(card, "R");
    const before = card.apduCount;
    expect((await certificatesOf(service)).certificates).toHaveLength(2);
    expect(card.apduCount).toBeGreaterThan(before);
  });

  it("lets a status asked for meanwhile run after the certificate being read, before the next one", async () => {
    const log = logged();
    const card = new Pkcs15Card({ apduLog: log.apduLog });
    const { service } = setup(card);
    await service.status();
    let statusAsked: Promise<unknown> | undefined;
    let certificatesDone = false;
    const original = card.transmit.bind(card);
    card.transmit = (raw: Buffer) => {
      const cmd = parseCommand(raw);
      // The first certificate's SELECT: ask for the status now, as the window would.
      if (!statusAsked && cmd.ins === 0xa4 && cmd.data.toString("hex").toUpperCase().endsWith("4331")) {
        statusAsked = service.status().then((r) => {
          expect(certificatesDone).toBe(false);
          return r;
        });
      }
      return original(raw);
    };
    const certs = service.certificates().then((r) => {
      certificatesDone = true;
      return r;
    });
    await certs;
    expect(statusAsked).toBeDefined();
    const status = (await statusAsked) as Awaited<ReturnType<CardService["status"]>>;
    expect(status.ok).toBe(true);
    const sent = log.lines.filter((l) => l.startsWith("> ")).map((l) => l.slice(2));
    const first = sent.findIndex((l) => l.startsWith("00A40804") && l.includes("50154331"));
    const second = sent.findIndex((l) => l.startsWith("00A40804") && l.includes("50154332"));
    const statusVerify = sent.findIndex((l, i) => i > first && l.startsWith("00200081"));
    expect(first).toBeGreaterThan(-1);
    expect(statusVerify).toBeGreaterThan(first);
    expect(second).toBeGreaterThan(statusVerify);
  });
});

describe("PIV: the four key slots' certificate objects (GET DATA 5FC105, 5FC10A, 5FC10B, 5FC101)", () => {
  it("lists 9A, 9C, 9D and 9E; the PIV PIN protects 9A/9C/9D, no PIN 9E; no code is sent", async () => {
    const log = logged();
    const card = new PivCard({ certDays: 30, apduLog: log.apduLog });
    const { service } = setup(card);
    const list = await certificatesOf(service);
    expect(list.certificates.map((c) => [c.location, c.codeId, c.role, c.daysLeft])).toEqual([
      ["9A", "auth", "identification", 30],
      ["9C", "auth", "signing", 30],
      ["9D", "auth", "encryption", 30],
      ["9E", null, "cardAuthentication", 30],
    ]);
    list.certificates.forEach((c, i) =>
      expect(c.fingerprint).toBe(new X509Certificate(card.certificates[i]!.certificate.pem).fingerprint256),
    );
    // Detection's GET METADATA (F7) is not a code; VERIFY / CHANGE / RESET are never sent.
    expect(log.ins().filter((ins) => PIN_INS.includes(ins))).toEqual([]);
    expect([card.pin.triesLeft, card.puk.triesLeft]).toEqual([3, 3]);
  });

  it("gunzips a certificate whose CertInfo says it is compressed", async () => {
    const card = new PivCard({ compressCertificates: true });
    const list = await certificatesOf(setup(card).service);
    expect(list.problems).toEqual([]);
    expect(list.certificates.map((c) => c.fingerprint)).toEqual(
      card.certificates.map((c) => new X509Certificate(c.certificate.pem).fingerprint256),
    );
  });

  it("on a global-PIN card the same certificates are protected by the global PIN (auth)", async () => {
    const list = await certificatesOf(setup(createCard("piv", {}, { globalPin: true })).service);
    expect(list.certificates.map((c) => c.codeId)).toEqual(["auth", "auth", "auth", null]);
  });
});

describe("OpenPGP: the cardholder certificate (DO 7F21)", () => {
  it("lists it, protected by the user PIN, with the card's dates; no code sent", async () => {
    const log = logged();
    const card = new OpenPgpCard({ certDays: 90, apduLog: log.apduLog });
    const list = await certificatesOf(setup(card).service);
    expect(list.certificates.map((c) => [c.location, c.codeId, c.daysLeft, c.subject])).toEqual([
      ["7F21", "user", 90, "Test Testsson (OpenPGP)"],
    ]);
    expect(log.ins().filter((ins) => PIN_INS.includes(ins))).toEqual([]);
  });

  it("on a security key lists both applications' certificates, or one application's with app", async () => {
    const card = createCard("piv", {}, { openpgp: true, certDays: 20 }) as CompositeCard;
    const { service } = setup(card);
    const all = await certificatesOf(service);
    expect(all.certificates.map((c) => `${c.app} ${c.location} ${c.daysLeft}`).sort()).toEqual(
      ["openpgp 7F21 20", "piv 9A 20", "piv 9C 20", "piv 9D 20", "piv 9E 20"].sort(),
    );
    const openpgp = await certificatesOf(service, { app: "openpgp" });
    expect(openpgp.certificates.map((c) => c.location)).toEqual(["7F21"]);
  });
});
