/**
 * PC/SC transactions on the real stack: pcscd + vpcd + the pcsclite binding with
 * patches/pcsclite+1.0.1.patch (SCardBeginTransaction / SCardEndTransaction).
 *
 * Two independent handles on one card: A through the shared PcscReaders of this test
 * process, B through a second PcscReaders (its own SCardEstablishContext and handle,
 * as another program would have). What reached the card is read from the virtual
 * card's own APDU log and counters, never from Pinwarden's answers.
 *
 * pcsc-lite behaviour relied on (src/winscard.c, src/winscard_clnt.c, readerfactory.c):
 * an SCardTransmit on another handle during a transaction is answered
 * SCARD_E_SHARING_VIOLATION by pcscd and retried by the client library until the
 * transaction ends (sharing_shall_block); an SCardDisconnect with SCARD_RESET_CARD from
 * another handle waits for the transaction to end; after a reset every other handle
 * gets SCARD_W_RESET_CARD until it reconnects.
 */
import { afterEach, describe, expect, it } from "vitest";
import { PcscReaders } from "../../native-bridge/pcsc/pcsc-readers.js";
import type { CardConnection } from "../../native-bridge/pcsc/types.js";
import { CardService } from "../../native-bridge/service/card-service.js";
import { PivCard } from "../../native-bridge/simulator/piv-card.js";
import { tries } from "../shared/family-scenarios.js";
import { cardPresent, pcscBackend, READER_0, vpcdRig, waitFor } from "./pcsc-rig.js";

const hex = (h: string) => Buffer.from(h.replace(/\s+/g, ""), "hex");
const sw = (r: Buffer) => r.subarray(-2).toString("hex").toUpperCase();

// A's sequence: SELECT PIV, then an empty VERIFY of the PIN (SP 800-73-4 3.2.1: reads
// the counter, spends nothing). B sends GET DATA for the Discovery object (tag 7E),
// an APDU A never sends, so every log line says whose it was.
const SELECT_PIV = hex("00 A4 04 00 05 A0 00 00 03 08 00");
const VERIFY_EMPTY = hex("00 20 00 80");
const B_GET_DISCOVERY = hex("00 CB 3F FF 03 5C 01 7E 00");
const WRONG_PIN = hex("00 20 00 80 08 39 39 39 39 39 39 FF FF");
// The PivCard's default PIN 123456, FF-padded to 8 (SP 800-73-4 2.4.3).
const RIGHT_PIN = hex("00 20 00 80 08 31 32 33 34 35 36 FF FF");

/** endTransaction(reset) of PcscReaders' connection (types.ts declares endTransaction() only). */
const endWithReset = (conn: CardConnection) => (conn.endTransaction as (reset?: boolean) => Promise<void>)(true);

interface Entry {
  what: string;
  at: number;
}

/** A PIV card whose own log of received APDUs and resets is kept with timestamps. */
function loggedCard() {
  const timeline: Entry[] = [];
  const card = new PivCard({
    apduLog: (line) => {
      if (line.startsWith(">")) timeline.push({ what: line.slice(2), at: performance.now() });
    },
  });
  const reset = card.reset.bind(card);
  card.reset = () => {
    timeline.push({ what: "RESET", at: performance.now() });
    reset();
  };
  return { card, timeline };
}

const open: { conn: CardConnection; backend?: PcscReaders }[] = [];
let rig: ReturnType<typeof vpcdRig> | undefined;
afterEach(async () => {
  for (const { conn } of open.splice(0)) await conn.disconnect(false).catch(() => undefined);
  await rig?.cleanup();
  rig = undefined;
});

/** Second, independent PcscReaders: its own context and card handle, like another program. */
let second: PcscReaders | undefined;
async function otherProgram(): Promise<PcscReaders> {
  if (!second) {
    second = new PcscReaders();
    await second.ready();
  }
  const b = second;
  await waitFor("the second context to see the card", () => cardPresent(b, READER_0));
  return b;
}

async function setUp() {
  const a = await pcscBackend();
  rig = vpcdRig(a, READER_0);
  const { card, timeline } = loggedCard();
  await rig.insert(card);
  const b = await otherProgram();
  const connA = await a.connect(READER_0, { exclusive: false });
  open.push({ conn: connA });
  const connB = await b.connect(READER_0, { exclusive: false });
  open.push({ conn: connB });
  timeline.splice(0); // connecting may power the card; count from here
  return { card, timeline, connA, connB };
}

const B_APDU = B_GET_DISCOVERY.toString("hex").toUpperCase();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("PC/SC transactions (pcscd)", () => {
  it("without a transaction, B's APDU reaches the card between A's SELECT and A's VERIFY", async () => {
    // The control case: this is the interleaving a transaction exists to prevent.
    const { timeline, connA, connB } = await setUp();
    expect(sw(await connA.transmit(SELECT_PIV))).toBe("9000");
    await connB.transmit(B_GET_DISCOVERY);
    expect(sw(await connA.transmit(VERIFY_EMPTY))).toMatch(/^63C|^9000$/);
    expect(timeline.map((e) => e.what)).toEqual([SELECT_PIV.toString("hex").toUpperCase(), B_APDU, "00200080"]);
  });

  it("while A holds a transaction, B's APDU waits and reaches the card only after A ends it", async () => {
    const { card, timeline, connA, connB } = await setUp();
    await connA.beginTransaction();
    expect(sw(await connA.transmit(SELECT_PIV))).toBe("9000");

    let bAnsweredAt: number | undefined;
    const bDone = connB.transmit(B_GET_DISCOVERY).then((r) => {
      bAnsweredAt = performance.now();
      return r;
    });
    // Far longer than one APDU through vpcd (≈0.1–50 ms): B had every chance to get in.
    await sleep(600);
    const countWhileHeld = card.apduCount;
    expect(bAnsweredAt).toBeUndefined();
    expect(timeline.map((e) => e.what)).not.toContain(B_APDU);

    // A's own APDUs still go through, and the card still has A's application selected.
    expect(sw(await connA.transmit(VERIFY_EMPTY))).toMatch(/^63C|^9000$/);
    expect(card.apduCount).toBe(countWhileHeld + 1);
    expect(bAnsweredAt).toBeUndefined();

    const endedAt = performance.now();
    await connA.endTransaction();
    const answer = await bDone;
    expect(sw(answer)).not.toBe("");

    const order = timeline.map((e) => e.what);
    expect(order).toEqual([SELECT_PIV.toString("hex").toUpperCase(), "00200080", B_APDU]);
    const bAt = timeline.find((e) => e.what === B_APDU)!.at;
    expect(bAt).toBeGreaterThanOrEqual(endedAt);
    // And B was not stuck for another reason: it got through soon after the end.
    expect(bAt - endedAt).toBeLessThan(2_000);
  });

  it("a reset by another handle waits for A's transaction, then A's next APDU fails with CARD_RESET and a fresh status is true", async () => {
    const { card, timeline, connA, connB } = await setUp();
    await connA.beginTransaction();
    expect(sw(await connA.transmit(SELECT_PIV))).toBe("9000");
    // A wrong PIN inside A's sequence: the card's counter goes 3 → 2.
    expect(sw(await connA.transmit(WRONG_PIN))).toBe("63C2");
    expect(card.pin.triesLeft).toBe(2);

    // B lets go of the card with SCARD_RESET_CARD while A holds it: pcscd defers it.
    let bGoneAt: number | undefined;
    const bReset = connB.disconnect(true).then(() => (bGoneAt = performance.now()));
    await sleep(600);
    expect(timeline.map((e) => e.what)).not.toContain("RESET");
    expect(bGoneAt).toBeUndefined();
    // Still A's session: the application is selected (a reset card would answer 6D00).
    expect(sw(await connA.transmit(VERIFY_EMPTY))).toBe("63C2");

    const endedAt = performance.now();
    await connA.endTransaction();
    await bReset;
    const resetAt = timeline.find((e) => e.what === "RESET")?.at;
    expect(resetAt).toBeDefined();
    expect(resetAt!).toBeGreaterThanOrEqual(endedAt);

    // A's handle learns of the reset on its next call, and nothing reaches the card.
    const before = card.apduCount;
    await expect(connA.transmit(VERIFY_EMPTY)).rejects.toMatchObject({ code: "CARD_RESET" });
    await expect(connA.beginTransaction()).rejects.toMatchObject({ code: "CARD_RESET" });
    expect(card.apduCount).toBe(before);

    // A fresh connection reads the truth: the card's own counter, unchanged by the reset.
    await connA.disconnect(false);
    const service = new CardService(await pcscBackend());
    const status = await service.status({ reader: READER_0 });
    service.close();
    expect(status.ok).toBe(true);
    expect(tries(status, "auth")).toBe(card.pin.triesLeft);
    expect(card.pin.triesLeft).toBe(2);
  });

  it("endTransaction without a transaction is a no-op; begun twice, one endTransaction lets B in", async () => {
    const { timeline, connA, connB } = await setUp();
    await connA.endTransaction();
    await connA.beginTransaction();
    await connA.beginTransaction();
    expect(sw(await connA.transmit(SELECT_PIV))).toBe("9000");
    const bDone = connB.transmit(B_GET_DISCOVERY);
    await sleep(300);
    expect(timeline.map((e) => e.what)).not.toContain(B_APDU);
    await connA.endTransaction();
    await bDone;
    expect(timeline.map((e) => e.what)).toEqual([SELECT_PIV.toString("hex").toUpperCase(), B_APDU]);
  });

  it("a reset between two APDUs of A's sequence (no transaction) fails A's next APDU with CARD_RESET, never an APDU to the reset card", async () => {
    const { card, timeline, connA, connB } = await setUp();
    expect(sw(await connA.transmit(SELECT_PIV))).toBe("9000");
    await connB.disconnect(true);
    expect(timeline.map((e) => e.what)).toContain("RESET");
    const before = card.apduCount;
    // Sent anyway, the VERIFY would reach a card with nothing selected (PIV answers 6D00).
    await expect(connA.transmit(VERIFY_EMPTY)).rejects.toMatchObject({ code: "CARD_RESET" });
    expect(card.apduCount).toBe(before);
  });

  it("a beginTransaction that times out while another handle holds the card does not keep the card when granted later", async () => {
    const { timeline, connB } = await setUp();
    const impatient = new PcscReaders({ transmitTimeoutMs: 300 });
    await impatient.ready();
    await waitFor("the third context to see the card", () => cardPresent(impatient, READER_0));
    const connC = await impatient.connect(READER_0, { exclusive: false });
    open.push({ conn: connC });
    await connB.beginTransaction();
    await expect(connC.beginTransaction()).rejects.toMatchObject({ code: "TIMEOUT" });
    await connB.endTransaction();
    // C's late grant is ended at once: B can take the card again and send without waiting.
    await sleep(300);
    const started = performance.now();
    await connB.beginTransaction();
    expect(sw(await connB.transmit(SELECT_PIV))).toBe("9000");
    await connB.endTransaction();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(timeline.map((e) => e.what)).toEqual([SELECT_PIV.toString("hex").toUpperCase()]);
  });

  it("endTransaction(reset) resets the card before another handle's queued APDU can reach it with the PIN verified", async () => {
    const { card, timeline, connA, connB } = await setUp();
    await connA.beginTransaction();
    expect(sw(await connA.transmit(SELECT_PIV))).toBe("9000");
    expect(sw(await connA.transmit(RIGHT_PIN))).toBe("9000");
    expect(card.pin.verified).toBe(true);
    const bDone = connB.transmit(B_GET_DISCOVERY).then(
      () => "answered",
      (e: unknown) => (e as { code?: string }).code,
    );
    await sleep(300);
    await endWithReset(connA);
    // B's handle is told of the reset instead of talking to a card it did not select.
    expect(await bDone).toBe("CARD_RESET");
    expect(card.pin.verified).toBe(false);
    expect(timeline.map((e) => e.what)).toEqual([SELECT_PIV.toString("hex").toUpperCase(), "0020008008 " + "**".repeat(8), "RESET"]);
  });
});
