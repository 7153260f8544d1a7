/**
 * Certificates on the card (issue 14) through the real pcscd + vpcd: `pinwarden certs
 * --json` lists each virtual card's certificates with the dates the card was given, and
 * clients that know real cards list the same ones: OpenSC's `pkcs15-tool
 * --list-certificates` / `--read-certificate` (PKCS#15, PIV and OpenPGP) and `yubico-piv-tool -a
 * status` (PIV). The cards' own APDU logs and counters show no code was sent.
 * Run under the shared pcscd lock (see ../shared/TESTING.md).
 */
import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { validityFor } from "../../native-bridge/certs/test-ca.js";
import { OpenPgpCard } from "../../native-bridge/simulator/openpgp-card.js";
import { PivCard } from "../../native-bridge/simulator/piv-card.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import { pcscBackend, READER_0, runClient, vpcdRig } from "./pcsc-rig.js";

interface CertJson {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  daysLeft: number;
  usage: string[];
  codeId: string | null;
  location: string;
  fingerprint: string;
}

/** `pinwarden certs --json` as a person runs it (the sources, through tsx). */
async function pinwardenCerts(...args: string[]): Promise<{ certificates: CertJson[] }> {
  const r = await runClient(process.execPath, ["--import", "tsx", "cli/main.ts", "certs", "--json", "--reader", READER_0, ...args], {
    LANG: "en_US.UTF-8",
  });
  expect(r.status, r.out).toBe(0);
  return JSON.parse(r.out) as { certificates: CertJson[] };
}

const PIN_INS = ["20", "24", "2C"];
const codeCommands = (lines: string[]) => lines.filter((l) => l.startsWith("> ") && PIN_INS.includes(l.slice(4, 6)));
const x509 = (pem: string) => new X509Certificate(pem);

let rig: ReturnType<typeof vpcdRig>;
let workDir: string;
let openscEnv: NodeJS.ProcessEnv;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "pinwarden-certs-"));
  const conf = join(workDir, "opensc.conf");
  // The ISO default driver for the PKCS#15 card (OpenSC knows no driver for its ATR).
  writeFileSync(conf, "app default {\n  enable_default_driver = true;\n  card_drivers = default;\n}\n");
  openscEnv = { OPENSC_CONF: conf };
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
beforeEach(async () => {
  rig = vpcdRig(await pcscBackend());
});
afterEach(async () => rig.cleanup());

describe("the PKCS#15 card with --cert-days 30", () => {
  it("pinwarden certs lists both certificates with the card's dates; OpenSC lists the same ones", async () => {
    const lines: string[] = [];
    const card = new Pkcs15Card({ certDays: 30, apduLog: (l) => lines.push(l) });
    await rig.insert(card);
    const { certificates } = await pinwardenCerts();
    expect(codeCommands(lines)).toEqual([]);
    expect([...card.pins.values()].map((p) => p.triesLeft)).toEqual([3, 3, 10]);

    const given = card.certificates;
    const expected = validityFor(30);
    expect(certificates.map((c) => [c.location, c.codeId, c.daysLeft, c.notAfter])).toEqual([
      ["3F0050154331", "auth", 30, expected.notAfter.toISOString()],
      ["3F0050154332", "sign", 30, expected.notAfter.toISOString()],
    ]);
    certificates.forEach((c, i) => {
      const cert = x509(given[i]!.certificate.pem);
      expect(c.serial).toBe(cert.serialNumber.toUpperCase());
      expect(c.fingerprint).toBe(cert.fingerprint256);
      expect(c.notBefore).toBe(new Date(cert.validFrom).toISOString());
    });

    const listed = await runClient("pkcs15-tool", ["--reader", "0", "--list-certificates"], openscEnv);
    expect(listed.status, listed.out).toBe(0);
    const blocks = listed.out.split("X.509 Certificate [").slice(1);
    expect(blocks.map((b) => b.slice(0, b.indexOf("]")))).toEqual(["Legitimering", "Underskrift"]);
    expect(blocks.map((b) => /Path\s*:\s*(\S+)/.exec(b)?.[1]?.toUpperCase())).toEqual(certificates.map((c) => c.location));
    expect(blocks.map((b) => /ID\s*:\s*(\S+)/.exec(b)?.[1])).toEqual(["4501", "4502"]);
    expect(blocks.map((b) => /Encoded serial : 02 \S+ (\S+)/.exec(b)?.[1]?.toUpperCase())).toEqual(certificates.map((c) => c.serial));

    // The certificate OpenSC reads is byte for byte the one Pinwarden described.
    for (const [i, id] of ["4501", "4502"].entries()) {
      const read = await runClient("pkcs15-tool", ["--reader", "0", "--read-certificate", id], openscEnv);
      expect(read.status, read.out).toBe(0);
      const pem = read.out.slice(read.out.indexOf("-----BEGIN CERTIFICATE-----"));
      expect(x509(pem).fingerprint256).toBe(certificates[i]!.fingerprint);
    }
  });
});

describe("the PIV card with --cert-days 30", () => {
  it("pinwarden certs lists 9A, 9C, 9D and 9E; yubico-piv-tool and OpenSC list the same certificates", async () => {
    const lines: string[] = [];
    const card = new PivCard({ certDays: 30, apduLog: (l) => lines.push(l) });
    await rig.insert(card);
    const { certificates } = await pinwardenCerts();
    expect(codeCommands(lines)).toEqual([]);
    expect([card.pin.triesLeft, card.puk.triesLeft]).toEqual([3, 3]);
    expect(certificates.map((c) => [c.location, c.codeId, c.daysLeft])).toEqual([
      ["9A", "auth", 30],
      ["9C", "auth", 30],
      ["9D", "auth", 30],
      ["9E", null, 30],
    ]);
    certificates.forEach((c, i) => expect(c.fingerprint).toBe(x509(card.certificates[i]!.certificate.pem).fingerprint256));

    const status = await runClient("yubico-piv-tool", ["-r", READER_0, "-a", "status"]);
    expect(status.status, status.out).toBe(0);
    const slots = [...status.out.matchAll(/Slot (9[acde]):[\s\S]*?Fingerprint:\s*([0-9a-f]+)[\s\S]*?Not After:\s*([^\n]+)/g)];
    expect(slots.map((m) => m[1]!.toUpperCase())).toEqual(["9A", "9C", "9D", "9E"]);
    slots.forEach((m, i) => {
      expect(m[2]!.toUpperCase()).toBe(certificates[i]!.fingerprint.replace(/:/g, ""));
      expect(new Date(m[3]!.trim()).toISOString()).toBe(certificates[i]!.notAfter);
    });

    const listed = await runClient("pkcs15-tool", ["--reader", "0", "--list-certificates"]);
    expect(listed.status, listed.out).toBe(0);
    expect([...listed.out.matchAll(/Encoded serial : 02 \S+ (\S+)/g)].map((m) => m[1]!.toUpperCase())).toEqual(
      certificates.map((c) => c.serial),
    );
  });
});

describe("the OpenPGP card", () => {
  it("pinwarden certs lists the cardholder certificate (7F21), protected by the user PIN, with the card's dates", async () => {
    const lines: string[] = [];
    const card = new OpenPgpCard({ certDays: 12, apduLog: (l) => lines.push(l) });
    await rig.insert(card);
    const { certificates } = await pinwardenCerts();
    expect(codeCommands(lines)).toEqual([]);
    expect(certificates.map((c) => [c.location, c.codeId, c.daysLeft, c.notAfter])).toEqual([
      ["7F21", "user", 12, validityFor(12).notAfter.toISOString()],
    ]);
    expect(certificates[0]!.fingerprint).toBe(x509(card.certificates[0]!.certificate.pem).fingerprint256);

    // OpenSC's openpgp driver shows the first 7F21 as the authentication key's certificate.
    const listed = await runClient("pkcs15-tool", ["--reader", "0", "--list-certificates"]);
    expect(listed.status, listed.out).toBe(0);
    expect(listed.out).toContain("X.509 Certificate [AUT certificate]");
    expect(/Encoded serial : 02 \S+ (\S+)/.exec(listed.out)?.[1]?.toUpperCase()).toBe(certificates[0]!.serial);
    const id = /ID\s*:\s*(\S+)/.exec(listed.out)?.[1] ?? "";
    const read = await runClient("pkcs15-tool", ["--reader", "0", "--read-certificate", id]);
    expect(x509(read.out.slice(read.out.indexOf("-----BEGIN CERTIFICATE-----"))).fingerprint256).toBe(certificates[0]!.fingerprint);
  });
});
