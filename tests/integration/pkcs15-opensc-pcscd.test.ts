/**
 * OpenSC judges the PKCS#15 quirk cards on the real pcscd + vpcd: after Pinwarden has
 * changed a PIN and unblocked another, pkcs15-tool lists the PINs, verifies the PIN
 * Pinwarden set (00 padding, BCD, sub-DF paths, EF.DIR-only, CardOS references), and its
 * own change and unblock land on the codes Pinwarden then reads. Where pkcs15-tool and the
 * virtual card disagree, the virtual card is wrong. The card object lives in this process,
 * so its own counters and stored codes are read directly.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Pkcs15Card, type Pkcs15Quirk } from "../../native-bridge/simulator/pkcs15-card.js";
import { s } from "../shared/family-scenarios.js";
import { pcscBackend, READER_0, vpcdRig, runClient } from "./pcsc-rig.js";

/** pkcs15-tool (or another OpenSC tool) on the first reader. */
const run = (args: string[], env: NodeJS.ProcessEnv, tool = "pkcs15-tool") => runClient(tool, ["--reader", "0", ...args], env);

let rig: ReturnType<typeof vpcdRig>;
let workDir: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "pinwarden-p15-"));
  const conf = join(workDir, "opensc.conf");
  // The CardOS driver for the CardOS ATR (local-refs); the ISO default driver for the others.
  writeFileSync(conf, "app default {\n  enable_default_driver = true;\n  card_drivers = cardos, default;\n}\n");
  env = { OPENSC_CONF: conf };
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
beforeEach(async () => {
  rig = vpcdRig(await pcscBackend());
});
afterEach(async () => rig.cleanup());

const CARDS: (readonly Pkcs15Quirk[])[] = [
  ["no-pad-char"],
  ["pins-in-subdf"],
  ["local-refs"],
  ["ef-dir-only"],
  ["bcd", "no-pad-char"],
  ["no-puk-entry", "counts-empty-verify"],
  ["counts-empty-verify", "no-pad-char", "pins-in-subdf", "local-refs", "ef-dir-only"],
];

describe.each(CARDS.map((q) => [q.join(", "), q] as const))("pkcs15-tool on the PKCS#15 card (%s)", (_name, quirks) => {
  it("accepts the PINs Pinwarden set, and Pinwarden the ones it set", async () => {
    const card = new Pkcs15Card({ quirks });
    await rig.insert(card);
    const reader = { reader: READER_0 };
    const changed = await rig.service.changePin("auth", s("123456"), s("246810"), reader);
    expect(changed.ok, JSON.stringify(changed)).toBe(true);
    const unblocked = await rig.service.unblockPin("sign", s("12345678"), s("135792"), reader);
    expect(unblocked.ok, JSON.stringify(unblocked)).toBe(true);

    if (quirks.includes("local-refs")) {
      // OpenSC drives this card with its CardOS driver, which adds P2 bit 8 itself.
      expect((await run(["--name"], env, "opensc-tool")).out).toContain("CardOS");
    }
    const list = await run(["--list-pins"], env);
    // The AODF's references as stored: 01/02 on local-refs, 81/82 elsewhere.
    expect(list.out).toMatch(quirks.includes("local-refs") ? /Reference\s*: 2 \(0x02\)/ : /Reference\s*: 130 \(0x82\)/);
    expect(list.out).toContain("PIN [Legitimering]");
    expect(list.out).toContain("PIN [Underskrift]");

    const verify = await run(["--verify-pin", "--auth-id", "01", "--pin", "246810"], env);
    expect(verify.status, verify.out).toBe(0);
    const change = await run(["--change-pin", "--auth-id", "02", "--pin", "135792", "--new-pin", "314159"], env);
    expect(change.status, change.out).toBe(0);
    expect(card.codeOf(0x82)).toBe("314159");
    const unblock = await run(["--unblock-pin", "--auth-id", "01", "--puk", "12345678", "--new-pin", "271828"], env);
    expect(unblock.status, unblock.out).toBe(0);
    expect(card.codeOf(0x81)).toBe("271828");

    // Pinwarden takes the codes OpenSC set; nothing spent anywhere.
    expect((await rig.service.changePin("sign", s("314159"), s("246810"), reader)).ok).toBe(true);
    expect((await rig.service.changePin("auth", s("271828"), s("135792"), reader)).ok).toBe(true);
    expect([...card.pins.values()].map((p) => p.triesLeft)).toEqual([3, 3, 10]);
    if (card.appDfPin) expect(card.appDfPin.triesLeft).toBe(3);
  });
});
