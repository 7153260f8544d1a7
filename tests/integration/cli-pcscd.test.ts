/** The `pinwarden` command as a separate process, on pcscd + vpcd with a virtual card. */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import { pcscBackend, READER_0, READER_1, vpcdRig } from "./pcsc-rig.js";

function cli(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], {
      env: { ...process.env, LANG: "en_US.UTF-8" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

let rig: ReturnType<typeof vpcdRig>;
let log: string[];
let card: Pkcs15Card;

beforeEach(async () => {
  rig = vpcdRig(await pcscBackend());
  log = [];
  card = new Pkcs15Card({ apduLog: (line) => log.push(line) });
  await rig.insert(card);
});
afterEach(async () => rig.cleanup());

describe("pinwarden CLI", () => {
  it("lists the readers and prints the status JSON documented in the README", async () => {
    const readers = await cli(["readers", "--json"]);
    expect(JSON.parse(readers.stdout).readers).toContainEqual({
      name: READER_0,
      cardPresent: true,
      atr: card.atr.toString("hex").toUpperCase(),
    });
    const r = await cli(["status", "--reader", READER_0, "--json"]);
    expect(r.code).toBe(0);
    const codes = [
      { id: "auth", label: "Legitimering", kind: "pin", triesLeft: 3, triesKnown: true, maxTries: 3, blocked: false, state: "ok" },
      { id: "sign", label: "Underskrift", kind: "pin", triesLeft: 3, triesKnown: true, maxTries: 3, blocked: false, state: "ok" },
      { id: "puk", label: "PUK", kind: "puk", triesLeft: 10, triesKnown: true, maxTries: 10, blocked: false, state: "ok" },
    ];
    expect(JSON.parse(r.stdout)).toEqual({
      reader: READER_0,
      card: {
        profile: "pkcs15",
        atr: card.atr.toString("hex").toUpperCase(),
        serial: "9752269000004242",
        label: "Pinwarden virtuellt kort",
        knownAs: "Pinwarden virtual PKCS#15 card",
      },
      app: "pkcs15",
      codes,
      applications: [{ app: "pkcs15", serial: "9752269000004242", label: "Pinwarden virtuellt kort", codes }],
      // The virtual card's certificates run two years: none is due (issue 14).
      certificateWarnings: [],
    });
  });

  it("names the codes as the app does: in English with --lang en, in Swedish under a Swedish LANG", async () => {
    const en = await cli(["status", "--reader", READER_0, "--lang", "en"]);
    expect(en.code).toBe(0);
    expect(en.stdout).toMatch(/Identification \[auth\] +3 of 3 tries left/);
    expect(en.stdout).toMatch(/Signing \[sign\] +3 of 3 tries left/);
    expect(en.stdout).toMatch(/PUK \(unlocking code\) \[puk\] +10 of 10 tries left/);
    expect(en.stdout).not.toMatch(/Legitimering|Underskrift/);
    const sv = await cli(["status", "--reader", READER_0, "--lang", "sv"]);
    expect(sv.stdout).toMatch(/Legitimering \[auth\] +3 av 3 försök kvar/);
  });

  it("changes a PIN with codes from stdin, masking them in the card's APDU log", async () => {
    const r = await cli(["change-pin", "--pin", "sign", "--reader", READER_0, "--stdin"], "654321\n246810\n");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("The PIN for Signing has been changed.");
    expect(card.codeOf(0x82)).toBe("246810");
    expect(log.join("\n")).not.toMatch(/363534333231|323436383130/);
  });

  it("exits 3 with the tries left for a wrong PIN, and 4 once it is blocked", async () => {
    const wrong = await cli(["change-pin", "--pin", "auth", "--stdin", "--json"], "999999\n246810\n");
    expect(wrong.code).toBe(3);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ error: { code: "PIN_WRONG", triesLeft: 2, support: "PW-101" } });
    await cli(["change-pin", "--pin", "auth", "--stdin"], "999999\n246810\n");
    const blocked = await cli(["change-pin", "--pin", "auth", "--stdin", "--lang", "sv"], "999999\n246810\n");
    expect(blocked.code).toBe(4);
    expect(blocked.stderr).toContain("Säkerhetskoden för Legitimering är spärrad. Lås upp den med din PUK-kod. (PW-102)");
    const unblock = await cli(["unblock-pin", "--pin", "auth", "--stdin"], "12345678\n246810\n");
    expect(unblock.code).toBe(0);
    expect(card.codeOf(0x81)).toBe("246810");
  });

  it("exits 5 for a bad new PIN without sending any code to the card", async () => {
    for (const next of ["12ab56", "2468", "123456", "111111"]) {
      const r = await cli(["change-pin", "--pin", "auth", "--stdin", "--json"], `123456\n${next}\n`);
      expect(r.code, next).toBe(5);
    }
    expect(log.filter((l) => /^> 00(24|2C)/.test(l))).toEqual([]);
  });

  it("refuses codes on the command line and asks for --stdin without a terminal", async () => {
    const argv = await cli(["change-pin", "--pin", "auth", "123456", "246810"]);
    expect(argv.code).toBe(2);
    expect(argv.stderr).toContain("never takes codes on the command line");
    expect(argv.stderr).not.toMatch(/123456|246810/);
    const option = await cli(["change-pin", "--pin", "auth", "--pin-code=123456"]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("(PW-504)");
    expect(option.stderr).not.toContain("123456");
    const noTty = await cli(["change-pin", "--pin", "auth"]);
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toContain("--stdin");
    expect(card.codeOf(0x81)).toBe("123456");
  });
});

describe("pinwarden monitor", () => {
  it("prints one JSON line per event: the state at start, then removal and insertion", async () => {
    // Policy pins the monitor to our reader, so nothing else on pcscd shows up in its stream.
    const policy = join(mkdtempSync(join(tmpdir(), "pinwarden-monitor-")), "policy.json");
    writeFileSync(policy, JSON.stringify({ readerFilter: READER_0 }));
    const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", "monitor", "--json", "--count", "2"], {
      env: { ...process.env, PINWARDEN_POLICY: policy },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    const done = new Promise((r) => child.on("close", r));
    // Wait for the state at start (service, readers, our card), then pull and reinsert the card.
    while (!out.includes('"card-inserted"')) await new Promise((r) => setTimeout(r, 20));
    await rig.remove();
    await rig.insert(card);
    await done;
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; reader?: string });
    const types = lines.map((l) => l.type);
    // The state at start (the reader and its card), then the two events.
    expect(types[0]).toBe("service-up");
    expect(types.slice(1, -2)).toEqual(["reader-added", "card-inserted"]);
    expect(types.slice(-2)).toEqual(["card-removed", "card-inserted"]);
    expect(lines.filter((l) => l.type.startsWith("card")).every((l) => l.reader === READER_0)).toBe(true);
  });
});

describe("npm run demo (preview-server --auto)", () => {
  /** The first line the demo prints; then it is stopped. */
  function firstLine(readerFilter: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const args = ["--import", "tsx", "scripts/preview-server.ts", "--auto", "--port", "0", "--reader-filter", readerFilter];
      const child = spawn(process.execPath, args, {
        env: { ...process.env, PINWARDEN_POLICY: join(tmpdir(), "pinwarden-no-policy.json") },
      });
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d;
        if (out.includes("\n")) {
          child.kill();
          resolve(out.split("\n")[0]!);
        }
      });
      child.on("exit", (code) => reject(new Error(`demo exited ${code}: ${out}`)));
    });
  }

  it("uses a reader only when it holds a card, and says which on its first line, with the URL", async () => {
    expect(await firstLine(READER_0)).toMatch(/^Pinwarden on the card in Virtual PCD 00 00: http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
    // vpcd's second reader is there but empty: the built-in card, not "no card".
    expect(await firstLine(READER_1)).toMatch(
      /^Pinwarden on the built-in virtual card \(no reader holds a card\): http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/,
    );
  });
});
