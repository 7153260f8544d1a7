/**
 * GnuPG as the judge of Pinwarden's KDF handling, on the real stack (pcscd + vpcd).
 * A virtual OpenPGP card with a KDF-DO (SHA-256) is inserted; Pinwarden changes and
 * unblocks PW1; then GnuPG's scdaemon verifies the PIN Pinwarden set (`SCD CHECKPIN`),
 * hashing it with its own code (scd/app-openpgp.c pin2hash_if_kdf). If Pinwarden had
 * stored a raw PIN, or hashed with the wrong salt or count, scdaemon's VERIFY fails.
 *
 * The PIN reaches scdaemon through a pinentry program that prints it from a file in the
 * test's temporary GNUPGHOME (never on a command line).
 *
 * GnuPG derives with SHA-256 whatever F9's hash byte says (pin2hash_if_kdf passes
 * DIGEST_ALGO_SHA256, 32 bytes), so a SHA-512 KDF card is not one GnuPG can use: the
 * SHA-512 variant is covered in-process and by the family scenarios only.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OpenPgpCard } from "../../native-bridge/simulator/openpgp-card.js";
import { familyScenarios, s } from "../shared/family-scenarios.js";
import { OPENPGP_VARIANTS } from "../shared/variants-openpgp.js";
import { pcscBackend, READER_0, vpcdRig, runClient } from "./pcsc-rig.js";

const RC = "reset-code-1";
let rig: ReturnType<typeof vpcdRig>;
let workDir: string;
let home: string;
let pinFile: string;
/** Set once a test starts GnuPG, so only those tests stop its daemons afterwards. */
let usedGnupg = false;
const gpgEnv = () => {
  usedGnupg = true;
  return { GNUPGHOME: home, LC_ALL: "C", LANG: "C" };
};

/**
 * scdaemon keeps the reader while it runs: stop it before Pinwarden talks to the card.
 * The agent goes too: after its scdaemon is killed, its next SCD command reads a broken
 * pipe, and a fresh agent starts a fresh scdaemon (which also forgets any verified PIN).
 */
const releaseCard = () => runClient("gpgconf", ["--kill", "all"], gpgEnv());

/** Asks scdaemon to VERIFY `pin` (PW1, or PW3 with `admin`): true when the card took it. */
async function gnupgChecks(pin: string, admin = false): Promise<{ ok: boolean; out: string }> {
  writeFileSync(pinFile, pin, { mode: 0o600 });
  try {
    const serial = await runClient("gpg-connect-agent", ["SCD SERIALNO openpgp", "/bye"], gpgEnv());
    const id = /S SERIALNO ([0-9A-F]{32})/.exec(serial.out)?.[1];
    if (!id) return { ok: false, out: serial.out };
    const r = await runClient("gpg-connect-agent", [`SCD CHECKPIN ${id}${admin ? "[CHV3]" : ""}`, "/bye"], gpgEnv());
    return { ok: /^OK/m.test(r.out) && !/^ERR/m.test(r.out), out: r.out };
  } finally {
    writeFileSync(pinFile, "");
    await releaseCard();
  }
}

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "pinwarden-gnupg-"));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
beforeEach(async () => {
  rig = vpcdRig(await pcscBackend());
  home = mkdtempSync(join(workDir, "gnupg-"));
  chmodSync(home, 0o700);
  pinFile = join(home, "pin");
  writeFileSync(pinFile, "");
  // A pinentry that speaks just enough Assuan: OK to everything, the PIN to GETPIN.
  const pinentry = join(home, "pinentry.sh");
  writeFileSync(
    pinentry,
    [
      "#!/bin/sh",
      'echo "OK pinentry for tests"',
      'while IFS= read -r line; do case "$line" in',
      `  GETPIN*) printf 'D %s\\nOK\\n' "$(cat '${pinFile}')" ;;`,
      "  BYE*) echo OK; exit 0 ;;",
      "  *) echo OK ;;",
      "esac; done",
      "",
    ].join("\n"),
    { mode: 0o700 },
  );
  writeFileSync(join(home, "gpg-agent.conf"), `pinentry-program ${pinentry}\n`);
  writeFileSync(join(home, "scdaemon.conf"), `disable-ccid\nreader-port ${READER_0}\n`);
});
afterEach(async () => {
  if (usedGnupg) await runClient("gpgconf", ["--kill", "all"], gpgEnv());
  usedGnupg = false;
  await rig.cleanup();
});

describe("OpenPGP card with KDF (SHA-256), judged by GnuPG", () => {
  it("gpg --card-status shows KDF on", async () => {
    await rig.insert(new OpenPgpCard({ kdf: "sha256", wrapAppData: true }));
    const r = await runClient("gpg", ["--card-status"], gpgEnv());
    await releaseCard();
    expect(r.out).toMatch(/KDF setting \.+: on/);
    expect(r.out).toMatch(/PIN retry counter : 3 0 3/);
  }, 60_000);

  it("scdaemon verifies the PIN Pinwarden set by change, by resetting code and by admin PIN", async () => {
    const card = new OpenPgpCard({ kdf: "sha256", resetCode: RC, wrapAppData: true });
    await rig.insert(card);
    const reader = READER_0;

    // The judge first: GnuPG takes the card's own default PIN and refuses a wrong one.
    expect((await gnupgChecks("123456")).ok).toBe(true);
    expect((await gnupgChecks("654321")).ok).toBe(false);
    expect(card.pw1.triesLeft).toBe(2);

    const changed = await rig.service.changePin("user", s("123456"), s("246810"), { reader });
    expect(changed.ok, JSON.stringify(changed)).toBe(true);
    const afterChange = await gnupgChecks("246810");
    expect(afterChange.ok, afterChange.out).toBe(true);
    expect(card.pw1.triesLeft).toBe(3);

    const viaRc = await rig.service.unblockPin("user", s(RC), s("135790"), { reader, using: "reset" });
    expect(viaRc.ok, JSON.stringify(viaRc)).toBe(true);
    expect((await gnupgChecks("135790")).ok).toBe(true);

    const viaAdmin = await rig.service.unblockPin("user", s("12345678"), s("975310"), { reader, using: "admin" });
    expect(viaAdmin.ok, JSON.stringify(viaAdmin)).toBe(true);
    expect((await gnupgChecks("975310")).ok).toBe(true);
    // And GnuPG hashes the admin PIN with PW3's salt to the value Pinwarden used.
    expect((await gnupgChecks("12345678", true)).ok).toBe(true);
    expect([card.pw1.triesLeft, card.rc.triesLeft, card.pw3.triesLeft]).toEqual([3, 3, 3]);
  }, 120_000);
});

// The shared family scenarios on each OpenPGP variant (KDF, 6982, 6985), through pcscd.
for (const facts of OPENPGP_VARIANTS) familyScenarios(facts, () => rig);
