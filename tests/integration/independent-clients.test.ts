/**
 * The virtual cards held against clients that know real cards: OpenSC (opensc-tool,
 * pkcs15-tool), yubico-piv-tool and GnuPG. Where they disagree with our virtual card,
 * the virtual card is wrong. Each test also checks that Pinwarden reads the same state.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OpenPgpCard } from "../../native-bridge/simulator/openpgp-card.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import { PivCard } from "../../native-bridge/simulator/piv-card.js";
import { s, tries } from "../shared/family-scenarios.js";
import { pcscBackend, READER_0, vpcdRig, runClient } from "./pcsc-rig.js";

let rig: ReturnType<typeof vpcdRig>;
let workDir: string;
let openscConf: string;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "pinwarden-clients-"));
  // OpenSC ignores unknown cards unless its default (ISO 7816) driver is enabled.
  openscConf = join(workDir, "opensc.conf");
  writeFileSync(openscConf, "app default {\n  enable_default_driver = true;\n  card_drivers = default;\n}\n");
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
beforeEach(async () => {
  rig = vpcdRig(await pcscBackend());
});
afterEach(async () => rig.cleanup());

describe("pkcs15 virtual card", () => {
  it("answers raw APDUs from opensc-tool as Pinwarden reads them", async () => {
    const card = new Pkcs15Card();
    await rig.insert(card);
    await rig.service.changePin("sign", s("999999"), s("246810"), { reader: READER_0 });
    const r = await runClient("opensc-tool", [
      "-r",
      "0",
      "-s",
      "00 A4 04 00 0C A0 00 00 00 63 50 4B 43 53 2D 31 35",
      "-s",
      "00 20 00 81",
      "-s",
      "00 20 00 82",
      "-s",
      "00 20 00 83",
    ]);
    expect(r.out).toMatch(/Sending: 00 20 00 81\s*\nReceived \(SW1=0x63, SW2=0xC3\)/);
    expect(r.out).toMatch(/Sending: 00 20 00 82\s*\nReceived \(SW1=0x63, SW2=0xC2\)/);
    expect(r.out).toMatch(/Sending: 00 20 00 83\s*\nReceived \(SW1=0x63, SW2=0xCA\)/);
  });

  it("is read by OpenSC's PKCS#15 layer with the same PINs, and OpenSC's change and unblock agree", async () => {
    const card = new Pkcs15Card();
    await rig.insert(card);
    const env = { OPENSC_CONF: openscConf };
    const list = await runClient("pkcs15-tool", ["--reader", "0", "--list-pins"], env);
    expect(list.out).toContain("PIN [Legitimering]");
    expect(list.out).toContain("PIN [Underskrift]");
    expect(list.out).toMatch(/PIN \[PUK\][\s\S]*unblockingPin/);
    expect(list.out).toMatch(/Reference\s*: 130 \(0x82\)/);

    const wrong = await runClient(
      "pkcs15-tool",
      ["--reader", "0", "--change-pin", "--auth-id", "01", "--pin", "999999", "--new-pin", "246810"],
      env,
    );
    expect(wrong.out).toContain("tries left: 2");
    expect(tries(await rig.service.status({ reader: READER_0 }), "auth")).toBe(2);

    const unblock = await runClient(
      "pkcs15-tool",
      ["--reader", "0", "--unblock-pin", "--auth-id", "01", "--puk", "12345678", "--new-pin", "135790"],
      env,
    );
    expect(unblock.status).toBe(0);
    expect(card.codeOf(0x81)).toBe("135790");
    // And Pinwarden can change the code OpenSC set.
    const ours = await rig.service.changePin("auth", s("135790"), s("246810"), { reader: READER_0 });
    expect(ours.ok).toBe(true);
  });
});

describe("PIV virtual card", () => {
  const ykpiv = (...args: string[]) => runClient("yubico-piv-tool", ["-r", READER_0, ...args]);

  it("verifies, changes and unblocks with yubico-piv-tool, and Pinwarden sees the same counters", async () => {
    const card = new PivCard();
    await rig.insert(card);
    expect((await ykpiv("-a", "verify-pin", "-P", "111111")).out).toContain("2 tries left");
    expect(tries(await rig.service.status({ reader: READER_0 }), "auth")).toBe(2);
    expect((await ykpiv("-a", "verify-pin", "-P", "123456")).out).toContain("Successfully verified PIN");
    expect(tries(await rig.service.status({ reader: READER_0 }), "auth")).toBe(3);

    expect((await rig.service.changePin("auth", s("123456"), s("246810"), { reader: READER_0 })).ok).toBe(true);
    expect((await ykpiv("-a", "verify-pin", "-P", "246810")).out).toContain("Successfully verified PIN");

    expect((await ykpiv("-a", "change-pin", "-P", "246810", "-N", "135790")).out).toContain("Successfully changed the pin code");
    expect(card.codeOf(0x80)).toBe("135790");
    expect((await ykpiv("-a", "unblock-pin", "-P", "12345678", "-N", "192837")).out).toContain("Successfully unblocked the pin code");
    const r = await rig.service.changePin("auth", s("192837"), s("246810"), { reader: READER_0 });
    expect(r.ok).toBe(true);
  });

  it("lists PIN 80 and PUK 81 in OpenSC's PIV driver", async () => {
    await rig.insert(new PivCard());
    const list = await runClient("pkcs15-tool", ["--reader", "0", "--list-pins"]);
    expect(list.out).toMatch(/Reference\s*: 128 \(0x80\)/);
    expect(list.out).toMatch(/PIV PUK[\s\S]*Reference\s*: 129 \(0x81\)/);
  });
});

describe("OpenPGP virtual card", () => {
  it("shows gpg --card-status the serial and retry counters Pinwarden reads", async () => {
    const card = new OpenPgpCard();
    await rig.insert(card);
    await rig.service.changePin("user", s("999999"), s("246810"), { reader: READER_0 });
    const home = mkdtempSync(join(workDir, "gnupg-"));
    writeFileSync(join(home, "scdaemon.conf"), `disable-ccid\nreader-port ${READER_0}\n`);
    try {
      const r = await runClient("gpg", ["--card-status"], { GNUPGHOME: home });
      expect(r.out).toContain("Application type .: OpenPGP");
      expect(r.out).toMatch(/Serial number \.+: 00004242/);
      expect(r.out).toMatch(/PIN retry counter : 2 0 3/);
      // scdaemon keeps the card to itself: Pinwarden says so rather than failing obscurely…
      const held = await rig.service.status({ reader: READER_0 });
      expect(!held.ok && held.error.code).toBe("CARD_IN_USE");
      // …and works again once it lets go.
      await runClient("gpgconf", ["--kill", "scdaemon"], { GNUPGHOME: home });
      const status = await rig.service.status({ reader: READER_0 });
      expect(status.ok && status.value.card.serial, JSON.stringify(status)).toBe("00004242");
      expect(tries(status, "user")).toBe(2);
      expect(tries(status, "admin")).toBe(3);
    } finally {
      await runClient("gpgconf", ["--kill", "all"], { GNUPGHOME: home });
    }
  });

  it("gives openpgp-tool the cardholder data of a real card", async () => {
    await rig.insert(new OpenPgpCard());
    const r = await runClient("openpgp-tool", ["--reader", "0"]);
    expect(r.out).toMatch(/Language:\s+sv/);
  });
});
