/**
 * The PIV variants held against clients that know real cards, on the real pcscd + vpcd:
 * - the global-PIN card: OpenSC (pkcs15-tool) reads its Discovery object and uses the
 *   global PIN (reference 00) as Pinwarden does, so it verifies the PIN Pinwarden set.
 *   yubico-piv-tool only ever uses the PIV Card Application PIN (80) (ykpiv_verify; its
 *   `-a status` "PIN tries left" is 80's count): it cannot verify a global PIN, and is
 *   held here to what it does see — 80 untouched by Pinwarden's change of 00;
 * - the composite security key: yubico-piv-tool sees the PIV application, GnuPG and
 *   OpenSC's openpgp-tool the OpenPGP one, on the same card, with the counters Pinwarden
 *   reads. The cards' own counters are read from the card objects (this process).
 * Run under the shared pcscd lock (see ../shared/TESTING.md).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CompositeCard } from "../../native-bridge/simulator/composite-card.js";
import { PivCard } from "../../native-bridge/simulator/piv-card.js";
import { s, tries } from "../shared/family-scenarios.js";
import { pcscBackend, READER_0, vpcdRig, runClient } from "./pcsc-rig.js";

const ykpiv = (...args: string[]) => runClient("yubico-piv-tool", ["-r", READER_0, ...args]);
/** OpenSC's PIV driver; auth-id 01 is its first PIN, the global PIN where Discovery says so (pkcs15-piv.c). */
const openscVerify = (pin: string) => runClient("pkcs15-tool", ["--reader", "0", "--verify-pin", "--auth-id", "01", "--pin", pin]);

let rig: ReturnType<typeof vpcdRig>;
let workDir: string;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "pinwarden-piv-clients-"));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
beforeEach(async () => {
  rig = vpcdRig(await pcscBackend());
});
afterEach(async () => rig.cleanup());

describe("the global-PIN PIV card", () => {
  it("OpenSC lists the global PIN (reference 00) as Pinwarden does", async () => {
    await rig.insert(new PivCard({ globalPin: true }));
    const list = await runClient("pkcs15-tool", ["--reader", "0", "--list-pins"]);
    expect(list.out).toMatch(/PIN \[Global PIN\][\s\S]*?Reference\s*: 0 \(0x00\)/);
    const status = await rig.service.status({ reader: READER_0 });
    expect(status.ok && status.value.codes.find((c) => c.id === "auth")).toMatchObject({ label: "Global PIN", triesLeft: 5 });
  });

  it("OpenSC verifies the global PIN Pinwarden set, and counts a wrong one on 00 as Pinwarden then shows", async () => {
    const card = new PivCard({ globalPin: true });
    await rig.insert(card);
    const pivPin = card.codeOf(0x80);
    const r = await rig.service.changePin("auth", s("123456"), s("246810"), { reader: READER_0 });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(card.codeOf(0x00)).toBe("246810");

    const right = await openscVerify("246810");
    expect(right.status, right.out).toBe(0);
    expect(card.globalPin!.triesLeft).toBe(5);
    const old = await openscVerify("123456");
    expect(old.status).not.toBe(0);
    expect(old.out).toMatch(/PIN code or key incorrect/);
    // OpenSC's wrong try went to 00, and Pinwarden's status reads that counter.
    expect({ global: card.globalPin!.triesLeft, pin: card.pin.triesLeft }).toEqual({ global: 4, pin: 3 });
    expect(tries(await rig.service.status({ reader: READER_0 }), "auth")).toBe(4);
    expect(card.codeOf(0x80)).toBe(pivPin);
  });

  it("yubico-piv-tool, which knows only reference 80, sees the PIV PIN untouched by Pinwarden's change of 00", async () => {
    const card = new PivCard({ globalPin: true });
    await rig.insert(card);
    expect((await rig.service.changePin("auth", s("123456"), s("246810"), { reader: READER_0 })).ok).toBe(true);
    const status = await ykpiv("-a", "status");
    expect(status.out).toMatch(/PIN tries left:\s*3/);
    // The global PIN is not reference 80: yubico-piv-tool's VERIFY of it is a wrong PIV PIN.
    expect((await ykpiv("-a", "verify-pin", "-P", "246810")).out).toContain("2 tries left");
    expect({ global: card.globalPin!.triesLeft, pin: card.pin.triesLeft }).toEqual({ global: 5, pin: 2 });
    expect((await ykpiv("-a", "verify-pin", "-P", card.codeOf(0x80))).out).toContain("Successfully verified PIN");
    expect(card.pin.triesLeft).toBe(3);
  });
});

describe("the composite security key (PIV and OpenPGP on one card)", () => {
  it("yubico-piv-tool sees its PIV application, and verifies the PIN Pinwarden set there", async () => {
    const card = new CompositeCard();
    await rig.insert(card);
    const r = await rig.service.status({ reader: READER_0 });
    expect(r.ok && r.value.applications.map((a) => a.app)).toEqual(["piv", "openpgp"]);
    expect((await rig.service.changePin("auth", s("123456"), s("246810"), { reader: READER_0, app: "piv" })).ok).toBe(true);
    const status = await ykpiv("-a", "status");
    expect(status.out).toMatch(/Serial Number:\s*4242424/);
    expect(status.out).toMatch(/PIN tries left:\s*3/);
    expect((await ykpiv("-a", "verify-pin", "-P", "246810")).out).toContain("Successfully verified PIN");
    expect(card.openpgp.holds("user", "123456")).toBe(true);
  });

  it("GnuPG and openpgp-tool see its OpenPGP application, with the counters Pinwarden reads", async () => {
    const card = new CompositeCard();
    await rig.insert(card);
    await rig.service.changePin("user", s("999999"), s("246810"), { reader: READER_0, app: "openpgp" });
    expect(card.openpgp.pw1.triesLeft).toBe(2);
    const tool = await runClient("openpgp-tool", ["--reader", "0"]);
    expect(tool.out).toMatch(/Language:\s+sv/);
    const home = mkdtempSync(join(workDir, "gnupg-"));
    writeFileSync(join(home, "scdaemon.conf"), `disable-ccid\nreader-port ${READER_0}\n`);
    try {
      const g = await runClient("gpg", ["--card-status"], { GNUPGHOME: home });
      expect(g.out).toContain("Application type .: OpenPGP");
      expect(g.out).toMatch(/PIN retry counter : 2 0 3/);
    } finally {
      await runClient("gpgconf", ["--kill", "all"], { GNUPGHOME: home });
    }
    const status = await rig.service.status({ reader: READER_0, app: "openpgp" });
    expect(tries(status, "user")).toBe(2);
    expect(tries(status, "admin")).toBe(3);
    // The PIV application is still there, its counters untouched.
    expect(status.ok && status.value.applications.map((a) => a.app)).toEqual(["piv", "openpgp"]);
    expect(card.piv.pin.triesLeft).toBe(3);
  });
});
