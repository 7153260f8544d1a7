/**
 * Record and replay (pcsc/recording.ts, pcsc/replay.ts): a session recorded from the
 * in-process virtual cards replays through a fresh CardService with the same results;
 * no code reaches a transcript; a changed answer means what the card would mean by it;
 * a changed command sequence fails with the line and both APDUs; and the committed
 * fixtures (tests/fixtures/transcripts, `npm run transcripts`) still match CardService.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatCommand, maskedRange, RecordingReaders } from "../../native-bridge/pcsc/recording.js";
import { parseTranscript, ReplayReaders, TranscriptMismatch, TranscriptSyntaxError } from "../../native-bridge/pcsc/replay.js";
import { CardService } from "../../native-bridge/service/card-service.js";
import type { CardStatus, Result } from "../../native-bridge/service/types.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import {
  cardFor,
  READER,
  recordSession,
  REGENERATE,
  replayOf,
  replaySession,
  runSession,
  SESSIONS,
  TRANSCRIPT_DIR,
  type SessionCodes,
  type TranscriptSession,
} from "../../scripts/record-transcripts.js";
import { FAMILY_FACTS } from "../shared/family-scenarios.js";

/** Codes seen nowhere else in the virtual cards' answers, so a search for them means something. */
const UNUSUAL: SessionCodes = {
  pin: "493817",
  puk: "73920461",
  newPin: "582046",
  wrongPin: "918273",
  otherPin: "640285",
  unblockedPin: "615203",
};

const tries = (r: Result<CardStatus> | undefined, id: string) => {
  const status = r?.ok ? r.value : r?.status;
  return status?.codes.find((c) => c.id === id)?.triesLeft;
};

/** Every form a code could take on the wire: ASCII, its hex, padded (FF/00) to 8 or 16 bytes, BCD. */
function formsOf(code: string): string[] {
  const ascii = Buffer.from(code, "ascii").toString("hex").toUpperCase();
  const forms = [code, ascii];
  for (const pad of ["FF", "00"]) {
    for (const size of [8, 16]) if (code.length < size) forms.push(ascii + pad.repeat(size - code.length));
    forms.push(code + pad.repeat(Math.max(0, 8 - Math.ceil(code.length / 2)))); // BCD, padded
  }
  return forms;
}

/** Replaces the response to the n-th (0-based) command matching `command` with `answer`. */
function answer(text: string, command: RegExp, n: number, response: string): string {
  const lines = text.split("\n");
  let seen = -1;
  for (let i = 0; i < lines.length; i++) {
    if (command.test(lines[i]!) && ++seen === n) {
      expect(lines[i + 1]).toMatch(/^<= /);
      lines[i + 1] = `<= ${response}`;
      return lines.join("\n");
    }
  }
  throw new Error(`no command ${command} number ${n} in the transcript`);
}

const FACTS = Object.fromEntries(FAMILY_FACTS.map((f) => [f.profile, f]));

describe.each(SESSIONS)("a session recorded from the virtual $profile card", (fixture) => {
  const session: TranscriptSession = { ...fixture, codes: UNUSUAL };
  const facts = FACTS[session.profile]!;

  it("replays through a fresh CardService with the same results, and leaves no code in the file", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "pinwarden-transcript-")), "session.apdu");
    const readers = new InProcessReaders([READER]);
    const card = cardFor(session);
    readers.insert(card);
    // What the card really received, to show the search below would find a code written out.
    const wire: string[] = [];
    const real = readers.connect.bind(readers);
    readers.connect = async (reader: string) => {
      const c = await real(reader);
      return { ...c, transmit: (apdu: Buffer) => (wire.push(apdu.toString("hex").toUpperCase()), c.transmit(apdu)) };
    };
    const recorder = RecordingReaders.toFile(readers, file, ["test recording"]);
    const recorded = await runSession(session, new CardService(recorder));
    recorder.stopRecording();
    const text = readFileSync(file, "utf8");

    // The session did what it says: a change, a wrong change (a try spent), an unblock.
    expect(recorded.map((r) => (r.ok ? "ok" : r.error.code))).toEqual(["ok", "ok", "PIN_WRONG", "ok", "ok"]);
    expect(facts.pinOf(card)).toBe(UNUSUAL.unblockedPin);

    // Nothing in the file holds a code, in any form, though the wire did.
    const all = [UNUSUAL.pin, UNUSUAL.puk, UNUSUAL.newPin, UNUSUAL.wrongPin, UNUSUAL.otherPin, UNUSUAL.unblockedPin];
    const onWire = wire.join(" ");
    for (const code of all) {
      expect(
        formsOf(code).some((f) => onWire.includes(f)),
        `${code} never reached the card: the search proves nothing`,
      ).toBe(true);
      for (const form of formsOf(code)) expect(text.toUpperCase(), `${form} (from ${code}) is in the transcript`).not.toContain(form);
    }
    // Every command with code data was masked, whole.
    const masked = text.split("\n").filter((l) => l.includes("bytes masked]"));
    expect(masked.length).toBeGreaterThanOrEqual(3);
    for (const l of text.split("\n").filter((l) => /^=> 00(20|24|2C)/.test(l.replace(/ /g, "")) && l.replace(/ /g, "").length > 11)) {
      expect(l).toMatch(/\[\d+ bytes masked\]$/);
    }

    // A fresh CardService on the replayed card gets the same results.
    const replay = new ReplayReaders(text, { source: "session.apdu" });
    const replayed = await replaySession(session, replay);
    replay.finish();
    expect(replayed).toEqual(recorded);
  });

  it("lets a test that knows the codes check what was sent where the transcript masked it", async () => {
    const { text } = await recordSession(session);
    // The replay sees the masked data the new CardService sends; record the sent data's
    // shape against the codes the session used.
    const seen: string[] = [];
    const replay = new ReplayReaders(text, {
      checkMasked: (data) => {
        seen.push(data.toString("latin1"));
        return true;
      },
    });
    await replaySession(session, replay);
    replay.finish();
    // Each code the session typed is in the masked data of some command (padding aside).
    const used = [UNUSUAL.pin, UNUSUAL.newPin, UNUSUAL.wrongPin, UNUSUAL.otherPin, UNUSUAL.puk, UNUSUAL.unblockedPin];
    const asSent = (code: string) => seen.some((d) => d.includes(code) || Buffer.from(d, "latin1").toString("hex").includes(code));
    for (const code of used) expect(asSent(code), code).toBe(true);

    // The same transcript, replayed by a session that types other codes of the same
    // lengths: the masks match any data, but a test that checks them fails.
    const other: TranscriptSession = { ...session, codes: { ...UNUSUAL, newPin: "582047" } };
    const lax = new ReplayReaders(text);
    await replaySession(other, lax);
    expect(() => lax.finish()).not.toThrow();
    const strict = new ReplayReaders(text, { checkMasked: (data) => !data.toString("latin1").includes("582047") });
    await replaySession(other, strict);
    expect(() => strict.finish()).toThrow(/masked data of\n {2}=> 0024.*is not what the test says/s);
  });
});

describe("a card that answers differently", () => {
  const pkcs15 = SESSIONS.find((x) => x.profile === "pkcs15")!;
  const openpgp = SESSIONS.find((x) => x.profile === "openpgp")!;

  it("one try left (63C1) to the status's empty VERIFY: the status says 1 left, low", async () => {
    const { text } = await recordSession(pkcs15);
    expect(text).toMatch(/=> 00200081\n<= 63C3\n/);
    const replay = replayOf(answer(text, /^=> 00200081$/, 0, "63C1"), "edited");
    const r = await new CardService(replay).status();
    expect(r.ok && r.value.codes.find((c) => c.id === "auth")).toMatchObject({ triesLeft: 1, state: "low", blocked: false });
    expect(replay.mismatch).toBeUndefined();
  });

  it("blocked (6983) to the status's empty VERIFY: the status says blocked", async () => {
    const { text } = await recordSession(pkcs15);
    const replay = replayOf(answer(text, /^=> 00200081$/, 0, "6983"), "edited");
    const r = await new CardService(replay).status();
    expect(r.ok && r.value.codes.find((c) => c.id === "auth")).toMatchObject({ triesLeft: 0, state: "blocked", blocked: true });
  });

  it("a wrong PIN with no try left (63C0) to a change: PIN_BLOCKED", async () => {
    const { text } = await recordSession(openpgp);
    // The change with a wrong PIN is the second CHANGE REFERENCE DATA; its answer, and
    // the counters the card gives after it (DO C4, byte 5 = PW1's tries, OpenPGP 3.4 §4.4.1).
    let edited = answer(text, /^=> 00240081 /, 1, "63C0");
    edited = answer(edited, /^=> 00CA00C400$/, 1, "017F7F7F000003 9000");
    const replay = replayOf(edited, "edited");
    const results = await replaySession(openpgp, replay);
    expect(results[2]).toMatchObject({ ok: false, error: { code: "PIN_BLOCKED" } });
    expect(tries(results[2], "user")).toBe(0);
  });
});

describe("a transcript CardService does not follow", () => {
  const pkcs15 = SESSIONS.find((x) => x.profile === "pkcs15")!;

  it("fails at the line, with both APDUs and no code", async () => {
    const { text } = await recordSession(pkcs15);
    const lines = text.split("\n");
    const at = lines.indexOf("=> 00200082");
    lines[at] = "=> 00200084";
    const replay = new ReplayReaders(lines.join("\n"), { source: "x.apdu", hint: REGENERATE });
    const r = await new CardService(replay).status();
    expect(r).toMatchObject({ ok: false, error: { code: "CARD_ERROR", technical: "TranscriptMismatch" } });
    expect(() => replay.finish()).toThrow(TranscriptMismatch);
    expect(replay.mismatch!.message).toBe(
      `x.apdu line ${at + 1} expects\n  => 00200084\nbut CardService did\n  => 00200082\n${REGENERATE}`,
    );
  });

  it("shows a masked command masked on both sides", async () => {
    const { text } = await recordSession(pkcs15);
    // The recorded change sent 16 bytes of code; say it sent 15.
    const edited = text.replace("=> 00240081 10 [16 bytes masked]", "=> 00240081 0F [15 bytes masked]");
    const replay = new ReplayReaders(edited);
    const results = await replaySession(pkcs15, replay);
    expect(results[1]).toMatchObject({ ok: false, error: { code: "CARD_ERROR" } });
    expect(replay.mismatch!.message).toMatch(
      /expects\n {2}=> 00240081 0F \[15 bytes masked\]\nbut CardService did\n {2}=> 00240081 10 \[16 bytes masked\]/,
    );
    for (const form of formsOf(pkcs15.codes.pin)) expect(replay.mismatch!.message).not.toContain(form);
  });

  it("says where CardService stopped short, and where it went on past the end", async () => {
    const { text } = await recordSession(pkcs15);
    const short = new ReplayReaders(text);
    await new CardService(short).status();
    expect(() => short.finish()).toThrow(/stopped before the transcript's end: transcript line \d+ still expects\n {2}# connect exclusive/);

    const cut = text.slice(0, text.indexOf("# change-pin"));
    const over = new ReplayReaders(cut);
    const service = new CardService(over);
    expect((await service.status()).ok).toBe(true);
    // The layout is known now: a second status on the same insertion re-reads the counters.
    await service.status();
    expect(over.mismatch!.message).toMatch(/^transcript has ended, but CardService did more:\n {2}# connect shared/);
  });
});

describe("the transcript format", () => {
  const head = "# reader R\n# atr 3B00\n";

  it("masks the data of VERIFY, CHANGE, RESET RETRY COUNTER and PUT DATA of a resetting code, nothing else", () => {
    const f = (h: string) => formatCommand(Buffer.from(h.replace(/ /g, ""), "hex"));
    expect(f("00 20 00 81 06 313233343536")).toBe("00200081 06 [6 bytes masked]");
    expect(f("00 24 00 80 10 31323334FFFFFFFF 35363738FFFFFFFF")).toBe("00240080 10 [16 bytes masked]");
    expect(f("00 2C 02 81 06 313233343536")).toBe("002C0281 06 [6 bytes masked]");
    expect(f("00 DA 00 D3 08 3132333435363738")).toBe("00DA00D3 08 [8 bytes masked]");
    expect(f("00 20 00 81 00 0006 313233343536")).toBe("00200081 000006 [6 bytes masked]"); // extended
    expect(f("00 20 00 81 09 3132")).toBe("00200081 [3 bytes masked]"); // Lc lies: all masked
    expect(f("00 20 00 81")).toBe("00200081"); // empty VERIFY: nothing to hide
    expect(f("00 A4 04 00 05 A000000308 00")).toBe("00A4040005A00000030800");
    expect(f("00 DA 00 5B 04 414E4E41")).toBe("00DA005B04414E4E41"); // PUT DATA of a name
    expect(maskedRange(Buffer.from("002C0381", "hex"))).toBeNull();
  });

  it("parses sessions, transactions and errors, and replays an error as that error", async () => {
    const t = parseTranscript(
      `${head}# a comment\n# connect exclusive\n# begin\n=> 00A4 0400 02 3F00\n<= 9000\n=> 00B0000000\n# error CARD_REMOVED\n# end\n# disconnect reset\n`,
    );
    expect(t.steps.map((s) => s.kind)).toEqual(["connect", "begin", "transmit", "transmit", "end", "disconnect"]);
    const replay = new ReplayReaders(t);
    const c = await replay.connect("R", { exclusive: true });
    await c.beginTransaction();
    expect((await c.transmit(Buffer.from("00A40400023F00", "hex"))).toString("hex")).toBe("9000");
    await expect(c.transmit(Buffer.from("00B0000000", "hex"))).rejects.toMatchObject({ code: "CARD_REMOVED" });
    await c.endTransaction();
    await c.disconnect(true);
    expect(() => replay.finish()).not.toThrow();
  });

  it.each([
    ["<= 9000", /line 3: a response \(<=\) with no command/],
    ["# connect shared\n=> 00B0000000\n# end", /line 5: the command on line 4 has no response/],
    ["=> 00B0000000\n<= 9000", /line 3: a command outside a connection/],
    ["# connect shared\n=> 00B0000000\n# error NOT_A_CODE", /line 5: # error takes an error code/],
    ["# connect shared\n=> 00B00000ZZ\n<= 9000", /line 4: cannot read "ZZ"/],
    ["# atr 3B01", /line 3: a transcript replays one card/],
    ["# connect sideways", /line 3: # connect takes shared or exclusive/],
  ])("refuses %j with the line", (body, message) => {
    expect(() => parseTranscript(head + body)).toThrow(TranscriptSyntaxError);
    expect(() => parseTranscript(head + body)).toThrow(message);
  });
});

describe("the committed transcripts (tests/fixtures/transcripts)", () => {
  it.each(SESSIONS)("$file replays through the current CardService with the virtual card's results", async (session) => {
    const path = join(TRANSCRIPT_DIR, session.file);
    expect(existsSync(path), `${path} is missing: run \`npm run transcripts\``).toBe(true);
    const text = readFileSync(path, "utf8");
    expect(text).toMatch(/^# Recorded from the in-process virtual \w+ card/m);
    const replay = replayOf(text, `tests/fixtures/transcripts/${session.file}`);
    const replayed = await replaySession(session, replay);
    // A mismatch first: it names the line, both APDUs and `npm run transcripts`.
    replay.finish();
    const live = await runSession(session, new CardService(liveReaders(session)));
    expect(replayed, `${session.file} replays to other results than the virtual card gives now. ${REGENERATE}`).toEqual(live);
    expect(replayed.map((r) => (r.ok ? "ok" : r.error.code))).toEqual(["ok", "ok", "PIN_WRONG", "ok", "ok"]);
    expect(tries(replayed[2], session.pinId)).toBe(FACTS[session.profile]!.pinTries - 1);
  });

  it("hold no code of the sessions that made them", () => {
    for (const session of SESSIONS) {
      const text = readFileSync(join(TRANSCRIPT_DIR, session.file), "utf8").toUpperCase();
      for (const code of Object.values(session.codes))
        for (const form of formsOf(code)) expect(text, `${session.file}: ${form}`).not.toContain(form);
    }
  });
});

function liveReaders(session: TranscriptSession) {
  const readers = new InProcessReaders([READER]);
  readers.insert(cardFor(session));
  return readers;
}

describe("pinwarden --record", () => {
  const cli = (args: string[], input = "") =>
    execFileSync(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], {
      input,
      encoding: "utf8",
      env: { ...process.env, LANG: "en_US.UTF-8" },
    });

  it("records the demo card's status and a change with --stdin, codes masked, and the status replays", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pinwarden-record-"));
    const status = JSON.parse(cli(["status", "--demo", "--json", "--record", join(dir, "status.apdu")])) as {
      codes: { id: string; triesLeft: number | null }[];
    };
    const text = readFileSync(join(dir, "status.apdu"), "utf8");
    expect(text).toMatch(/^# pinwarden apdu transcript 1\n# recorded by pinwarden status --demo\n# reader Pinwarden Demo Reader\n# atr /);
    const replay = new ReplayReaders(text);
    // `status` reads the certificates after the status (issue 14): the transcript holds both.
    const replayed = new CardService(replay);
    const r = await replayed.status();
    expect((await replayed.certificates()).ok).toBe(true);
    replay.finish();
    expect(r.ok && r.value.codes.map((c) => [c.id, c.triesLeft])).toEqual(status.codes.map((c) => [c.id, c.triesLeft]));

    // The demo card's PIN is the simulator's default; the new one is ours.
    const out = cli(
      ["change-pin", "--demo", "--pin", "auth", "--stdin", "--json", "--record", join(dir, "change.apdu")],
      "123456\n582046\n",
    );
    expect(JSON.parse(out)).toMatchObject({ ok: true });
    const change = readFileSync(join(dir, "change.apdu"), "utf8");
    expect(change).toMatch(/=> 00240081 \w+ \[\d+ bytes masked\]\n<= 9000/);
    for (const form of [...formsOf("123456"), ...formsOf("582046")]) expect(change.toUpperCase()).not.toContain(form);
  }, 30_000);

  it("is refused where no card is talked to, and for a file it cannot write", () => {
    expect(() => cli(["readers", "--demo", "--record", "/tmp/x.apdu"])).toThrow(/--record goes with status, change-pin and unblock-pin/);
    expect(() => cli(["status", "--demo", "--record", "/nonexistent/dir/x.apdu"])).toThrow(
      /cannot write \/nonexistent\/dir\/x\.apdu: ENOENT/,
    );
  }, 30_000);
});
