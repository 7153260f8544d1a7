/**
 * The CLI as a person meets it at a terminal: prompts that check each answer as the wizard
 * does and ask again, usage errors in the person's language with a support number and the
 * usage line, and never a code taken from (or echoed back from) the command line. The
 * terminal is scripted; the card is the built-in demo card (`--demo`).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_ASKS, type Terminal } from "../../cli/context.js";
import { main } from "../../cli/main.js";
import { Secret } from "../../native-bridge/core/secret.js";

interface Run {
  code: number;
  out: string;
  err: string;
  /** The questions asked, in order. */
  asked: string[];
}

/** Runs the CLI with a terminal that answers from `answers` (null: Ctrl-D). */
async function run(args: string[], answers: (string | null)[] = []): Promise<Run> {
  const r: Run = { code: -1, out: "", err: "", asked: [] };
  const next = (q: string) => {
    r.asked.push(q);
    r.err += q;
    if (answers.length === 0) throw new Error(`asked more than scripted: ${q}`);
    return answers.shift()!;
  };
  const terminal: Terminal = {
    hidden: async (q) => {
      const a = next(q);
      return a === null ? null : Secret.fromString(a);
    },
    visible: async (q) => next(q),
  };
  r.code = await main(args, { out: (t) => (r.out += t), err: (t) => (r.err += t), terminal });
  expect(answers, "every scripted answer was used").toEqual([]);
  return r;
}

beforeEach(() => {
  vi.stubEnv("LC_ALL", "");
  vi.stubEnv("LC_MESSAGES", "");
  vi.stubEnv("LANG", "en_US.UTF-8");
  vi.stubEnv("PINWARDEN_POLICY", "/nonexistent/pinwarden-policy.json");
});
afterEach(() => vi.unstubAllEnvs());

const change = ["change-pin", "--demo", "--pin", "auth"];

describe("the prompts", () => {
  it("tell an empty or short current PIN by the card's real length, and ask again", async () => {
    const r = await run([...change, "--lang", "en"], ["", "12", "123456", "246810", "246810"]);
    expect(r.code).toBe(0);
    expect(r.err).not.toContain("?");
    // The demo card takes any characters in a current PIN, 6 to 8 of them: the wizard says the same.
    expect(r.err.split("The code must be 6–8 characters. (PW-403)")).toHaveLength(3);
    expect(r.asked.filter((q) => q === "Current PIN for Identification: ")).toHaveLength(3);
    expect(r.out).toContain("The PIN for Identification has been changed.");
  });

  it("tell letters from a mismatch: 12ab56 is not digits, a different repeat is a mismatch; both ask again", async () => {
    const r = await run([...change, "--lang", "en"], ["123456", "12ab56", "246810", "246811", "246810", "246810"]);
    expect(r.code).toBe(0);
    expect(r.err).toContain("The code may contain digits only. (PW-402)");
    expect(r.err).toContain("The codes differ. Type the new code twice. (PW-408)");
    expect(r.err.indexOf("digits only")).toBeLessThan(r.err.indexOf("The codes differ"));
    expect(r.asked.filter((q) => q === "New PIN for Identification: ")).toHaveLength(3);
    expect(r.out).toMatch(/Identification \[auth\] +3 of 3 tries left/);
  });

  it("refuse a weak code and the current one, in Swedish, with the wizard's words", async () => {
    const r = await run([...change, "--lang", "sv"], ["123456", "111111", "123456", "975312", "975312"]);
    expect(r.code).toBe(0);
    expect(r.err).toContain("Koden är för enkel (samma siffra eller en sifferföljd som 123456). Välj en annan. (PW-401)");
    expect(r.err).toContain("Den nya koden får inte vara samma som den nuvarande. (PW-404)");
    expect(r.asked[0]).toBe("Nuvarande säkerhetskod för Legitimering: ");
    expect(r.asked).toContain("Upprepa den nya säkerhetskoden: ");
    expect(r.out).toContain("Säkerhetskoden för Legitimering är ändrad.");
  });

  it(`stop after ${MAX_ASKS} refused answers with no change sent to the card`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "pinwarden-prompts-"));
    const [first, second] = [join(dir, "current.apdu"), join(dir, "new.apdu")];
    const r = await run([...change, "--lang", "en", "--record", first], ["1", "12", "123"]);
    expect(r.code).toBe(5);
    expect(r.err).toContain(`Asked ${MAX_ASKS} times. Nothing was sent to the card.`);
    const gaveUpOnNew = await run([...change, "--lang", "en", "--record", second], ["123456", "1", "2", "3"]);
    expect(gaveUpOnNew.code).toBe(5);
    // The current code was checked on the card before the new one was asked for (issue 12).
    expect(gaveUpOnNew.err).toContain("The card accepted the current code for Identification.");
    expect(gaveUpOnNew.err).toContain(`Asked ${MAX_ASKS} times. The card only checked the current code; nothing was changed.`);
    // What the card itself received (the recorder sits at the connection): no CHANGE
    // REFERENCE DATA, no RESET RETRY COUNTER; a VERIFY with data only for the checked code.
    const sent = (f: string) =>
      readFileSync(f, "utf8")
        .split("\n")
        .filter((l) => l.startsWith("=>"));
    expect(sent(first).length).toBeGreaterThan(0);
    expect([...sent(first), ...sent(second)].filter((l) => /^=> ?00 ?(24|2C)/i.test(l))).toEqual([]);
    expect(sent(first).filter((l) => /^=> ?00 ?20.*masked/i.test(l))).toEqual([]);
    expect(sent(second).filter((l) => /^=> ?00 ?20.*masked/i.test(l))).toHaveLength(1);
  });

  it("unlock with the PUK asked by the app's name for it", async () => {
    const r = await run(["unblock-pin", "--demo", "--pin", "sign", "--lang", "en"], ["12345678", "975312", "975312"]);
    expect(r.asked[0]).toBe("PUK (unlocking code): ");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Signing is unlocked with the new PIN.");
  });

  it("end at Ctrl-D with nothing sent, or after the check with nothing changed", async () => {
    const r = await run([...change, "--lang", "en"], [null]);
    expect(r.code).toBe(0);
    expect(r.err).toContain("Cancelled. Nothing was sent to the card.");
    const checked = await run([...change, "--lang", "en"], ["123456", null]);
    expect(checked.code).toBe(0);
    expect(checked.err).toContain("Cancelled. The card only checked the current code; nothing was changed.");
  });

  it("check the current code on the card before asking for a new one: a wrong one ends with its tries left", async () => {
    const r = await run([...change, "--lang", "en"], ["999999"]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain("Wrong PIN for Identification. Tries left: 2.");
    expect(r.asked).toEqual(["Current PIN for Identification: "]);
    const sv = await run([...change, "--lang", "sv"], ["999999"]);
    expect(sv.err).toContain("Fel säkerhetskod för Legitimering. Försök kvar: 2.");
    expect(sv.asked).toEqual(["Nuvarande säkerhetskod för Legitimering: "]);
  });
});

describe("at a real terminal (script(1) gives the CLI a pseudo-terminal)", () => {
  it("echoes no code, says what is wrong and asks again, then changes the PIN", async () => {
    const command = `"${process.execPath}" --import tsx cli/main.ts change-pin --demo --pin auth --lang en`;
    const child = spawn("script", ["-qfec", command, "/dev/null"], {
      env: { ...process.env, PINWARDEN_POLICY: "/nonexistent/pinwarden-policy.json" },
    });
    let out = "";
    const waiting: (() => void)[] = [];
    child.stdout.on("data", (d: Buffer) => {
      out += d;
      for (const w of [...waiting]) w();
    });
    /** Resolves once `text` shows at or after `from`. */
    const shows = (text: string, from = 0) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (out.indexOf(text, from) < 0) return;
          waiting.splice(waiting.indexOf(check), 1);
          resolve();
        };
        waiting.push(check);
        check();
      });
    await shows("Current PIN for Identification: ");
    child.stdin.write("12\r");
    await shows("(PW-403)");
    await shows("Current PIN for Identification: ", out.indexOf("(PW-403)"));
    child.stdin.write("123456\r");
    await shows("New PIN for Identification: ");
    child.stdin.write("246810\r");
    await shows("Repeat the new PIN: ");
    child.stdin.write("246810\r");
    await shows("has been changed");
    child.stdin.end();
    await new Promise((resolve) => child.on("close", resolve));
    const text = out.replace(/\r/g, "");
    expect(text).toContain(
      "Current PIN for Identification: \nThe code must be 6–8 characters. (PW-403)\nCurrent PIN for Identification: \n",
    );
    expect(text).toContain("The PIN for Identification has been changed.");
    expect(text).not.toMatch(/\b12\b|123456|246810/);
  }, 30_000);
});

describe("usage errors", () => {
  it("refuse an unknown --lang", async () => {
    const r = await run(["status", "--demo", "--lang", "de"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--lang takes sv or en. (PW-506)");
  });

  it("are in Swedish under a Swedish LANG, with a support number and the usage line", async () => {
    vi.stubEnv("LANG", "sv_SE.UTF-8");
    const unknown = await run(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("Okänt kommando: frobnicate. (PW-501)");
    expect(unknown.err).toContain("användning:\n  pinwarden readers");
    const needsPin = await run(["change-pin", "--demo"]);
    expect(needsPin.err).toBe(
      "change-pin behöver --pin ID (id:n står i pinwarden status). (PW-505)\nanvändning:\n  " +
        "pinwarden change-pin  --pin ID [--app APP] [--reader NAME] [--stdin] [--json]\n",
    );
    const option = await run(["status", "--frobnicate"]);
    expect(option.err).toContain("Okänt alternativ: --frobnicate. (PW-502)");
    const value = await run(["status", "--json=yes"]);
    expect(value.err).toContain("--json används fel: det tar inget värde. (PW-503)");
  });

  it("refuse any option that looks like it carries a code, never quoting it, never Node's own message", async () => {
    for (const args of [
      ["change-pin", "--pin", "auth", "--pin-code=123456"],
      ["change-pin", "--pin", "auth", "--pin-code", "123456"],
      ["unblock-pin", "--pin", "auth", "--puk", "12345678"],
      ["change-pin", "--pin", "auth", "--code=123456"],
      ["change-pin", "--pin", "auth", "--new-pin=246810"],
      ["change-pin", "--pin", "auth", "--current", "123456"],
      ["change-pin", "--pin", "123456"],
      ["change-pin", "--pin", "auth", "123456", "246810"],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err, args.join(" ")).toContain("Pinwarden never takes codes on the command line");
      expect(r.err, args.join(" ")).toContain("(PW-504)");
      expect(r.err, args.join(" ")).not.toMatch(/123456|12345678|246810|ERR_PARSE_ARGS|Unknown option '/);
    }
  });
});

describe("usage errors, for scripts and for options that only look alike", () => {
  it("says an unknown option that carries no code as unknown, and gives usage errors as JSON with --json", async () => {
    const folder = await run(["status", "--folder", "x"]);
    expect(folder.err).toContain("Unknown option: --folder. (PW-502)");
    const json = await run(["status", "--json", "--lang", "de"]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.out)).toEqual({
      error: { code: "USAGE_BAD_LANG", support: "PW-506", message: "--lang takes sv or en. (PW-506)" },
    });
    const secret = await run(["change-pin", "--json", "--pin", "auth", "--new-pin=246810"]);
    expect(JSON.parse(secret.out).error.support).toBe("PW-504");
    expect(secret.out + secret.err).not.toContain("246810");
  });
});

describe("--help", () => {
  it("lists every command, the code ids per family with the app's names, and examples", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage:\n {2}pinwarden readers/);
    expect(r.out).toContain("pinwarden monitor");
    expect(r.out).toContain("eID (PKCS#15)  auth = Identification, sign = Signing, puk = PUK (unlocking code)");
    expect(r.out).toContain("PIV            auth = PIV PIN, puk = PIV PUK");
    expect(r.out).toContain("OpenPGP        user = PIN, admin = Admin PIN, reset = Resetting code");
    expect(r.out).toContain("examples:\n  pinwarden status --demo");
    const sv = await run(["--help", "--lang", "sv"]);
    expect(sv.out).toMatch(/^användning:/);
    expect(sv.out).toContain("eID (PKCS#15)  auth = Legitimering, sign = Underskrift, puk = PUK-kod (upplåsningskod)");
    expect(sv.out).toContain("exempel:");
  });
});
