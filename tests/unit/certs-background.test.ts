/**
 * The certificates read in the background (issue 14): the status feed shared by the tray app
 * and the preview pushes a card's status first, then reads its certificates once per
 * insertion and pushes the status again with `certificateWarnings`. What is checked is what a
 * person would notice (the status does not wait; the warning comes; no try is spent) and what
 * the card itself saw (its own APDU log and counters).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createStatusFeed } from "../../host/handlers.js";
import { CardService } from "../../native-bridge/service/card-service.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import type { StatusPush } from "../../contract/api.js";
import { Secret } from "../../native-bridge/core/secret.js";

const backends: InProcessReaders[] = [];
afterEach(async () => {
  for (const b of backends.splice(0)) await b.close();
});

/** A card that logs every APDU it receives, a feed on it, and every push the feed makes. */
async function setUp(options: { certDays?: number; days?: () => number | null } = {}) {
  const apdus: string[] = [];
  const card = new Pkcs15Card({ certDays: options.certDays ?? 30, apduLog: (line) => apdus.push(line) });
  const readers = new InProcessReaders(["R"]);
  backends.push(readers);
  await readers.ready();
  readers.insert(card);
  // What the service says it sent (its APDU trace), beside what the card received (its log).
  const traced: string[] = [];
  const service = new CardService(readers, { trace: (line) => void (line.startsWith(">") && traced.push(line)) });
  const feed = createStatusFeed(service, readers, { certificateWarningDays: options.days ?? (() => 60) });
  const pushes: { status: StatusPush; apdusBefore: number; tracedBefore: number }[] = [];
  feed.on((status) => pushes.push({ status, apdusBefore: apdus.filter((l) => l.startsWith(">")).length, tracedBefore: traced.length }));
  return { card, readers, service, feed, pushes, apdus, traced, commands: () => apdus.filter((l) => l.startsWith(">")) };
}

const warningsOf = (p: StatusPush | undefined) => (p?.ok ? p.value.certificateWarnings : "no status");

describe("the certificates in the background", () => {
  it("pushes the status before any certificate is read, then the status again with the warnings", async () => {
    const { card, feed, pushes, commands, traced } = await setUp({ certDays: 30 });
    const first = await feed.refresh();
    // The status is out, and nothing of the certificates is in it yet: not read.
    expect(first.ok && first.value.certificateWarnings).toBeUndefined();
    const statusApdus = pushes[0]!.apdusBefore;
    await vi.waitFor(() => expect(pushes).toHaveLength(2));
    const warnings = warningsOf(pushes[1]!.status);
    expect(warnings).toEqual([
      expect.objectContaining({ codeId: "auth", app: "pkcs15", daysLeft: 30, expired: false }),
      expect.objectContaining({ codeId: "sign", app: "pkcs15", daysLeft: 30, expired: false }),
    ]);
    // The certificates cost APDUs of their own, all after the status was pushed.
    expect(commands().length).toBeGreaterThan(statusApdus);
    // The service's own trace counts the certificates' APDUs as the card counted them.
    expect(traced.length - pushes[0]!.tracedBefore).toBe(commands().length - statusApdus);
    // No try spent, and no VERIFY sent: the card's own counters and log say so.
    for (const pin of card.pins.values()) expect(pin.triesLeft).toBe(pin.maxTries);
    // (The status's empty VERIFYs read the counters; the certificates send none at all.)
    expect(
      commands()
        .slice(statusApdus)
        .filter((c) => /^> 0020/i.test(c)),
    ).toEqual([]);
  });

  it("a status asked for while the certificates are read is not held up until they are all in", async () => {
    const { feed, pushes } = await setUp({ certDays: 30 });
    await feed.refresh();
    // The person presses "Uppdatera" while the background read runs: that status comes back
    // before the certificates' push (it waits for one certificate at most).
    const again = await feed.refresh();
    expect(again.ok).toBe(true);
    const order = pushes.map((p) => (p.status.ok && p.status.value.certificateWarnings ? "warnings" : "status"));
    expect(order.slice(0, 2)).toEqual(["status", "status"]);
    await vi.waitFor(() => expect(warningsOf(pushes.at(-1)!.status)).toHaveLength(2));
  });

  it("reads the certificates once per insertion: a second status carries them without a certificate APDU", async () => {
    const { feed, pushes, commands } = await setUp({ certDays: -3 });
    await feed.refresh();
    await vi.waitFor(() => expect(pushes).toHaveLength(2));
    const before = commands().length;
    const second = await feed.refresh();
    expect(second.ok && second.value.certificateWarnings?.map((w) => [w.codeId, w.expired])).toEqual([
      ["auth", true],
      ["sign", true],
    ]);
    // Only the status's own APDUs (a warm status: the counters), no certificate read.
    const statusOnly = commands().slice(before);
    expect(statusOnly.length).toBeLessThan(before);
    expect(pushes).toHaveLength(3);
  });

  it("reads them again for the next insertion", async () => {
    const { feed, pushes, readers } = await setUp({ certDays: 30 });
    await feed.refresh();
    await vi.waitFor(() => expect(pushes).toHaveLength(2));
    readers.remove("R");
    await vi.waitFor(() => expect(pushes.at(-1)!.status.ok).toBe(false));
    readers.insert(new Pkcs15Card({ certDays: 10 }));
    await vi.waitFor(() =>
      expect(warningsOf(pushes.at(-1)!.status)).toEqual([expect.objectContaining({ daysLeft: 10 }), expect.anything()]),
    );
  });

  it("says none with the policy's warning off, and reads no certificate for it", async () => {
    const { feed, pushes, commands } = await setUp({ certDays: -3, days: () => null });
    const first = await feed.refresh();
    expect(first.ok && first.value.certificateWarnings).toEqual([]);
    const afterStatus = commands().length;
    await new Promise((r) => setTimeout(r, 50));
    expect(commands().length).toBe(afterStatus);
    expect(pushes).toHaveLength(1);
  });

  it("pushes nothing more where no certificate is due, but the latest status says none (not 'not read')", async () => {
    const { feed, pushes } = await setUp({ certDays: 400 });
    await feed.refresh();
    await vi.waitFor(() => expect(warningsOf(feed.latest() ?? undefined)).toEqual([]));
    expect(pushes).toHaveLength(1);
  });

  it("follows the policy when it changes: off says none, on again reads them and warns", async () => {
    let days: number | null = null;
    const { feed, pushes } = await setUp({ certDays: 20, days: () => days });
    await feed.refresh();
    expect(warningsOf(feed.latest() ?? undefined)).toEqual([]);
    days = 60;
    // What the tray app does on a policy change: the latest status pushed again.
    feed.publish(feed.latest()!);
    expect(warningsOf(pushes.at(-1)!.status)).toBeUndefined();
    await vi.waitFor(() => expect(warningsOf(pushes.at(-1)!.status)).toHaveLength(2));
  });

  it("leaves changing a PIN as it was with an expired certificate: it works, and the warning stays", async () => {
    const { card, feed, pushes, service } = await setUp({ certDays: -5 });
    await feed.refresh();
    await vi.waitFor(() => expect(pushes).toHaveLength(2));
    const changed = await service.changePin("auth", Secret.fromString("123456"), Secret.fromString("246810"));
    expect(changed.ok).toBe(true);
    expect(card.codeOf(0x81)).toBe("246810");
    if (changed.ok) feed.publish({ ok: true, value: changed.value });
    expect(warningsOf(pushes.at(-1)!.status)).toEqual([
      expect.objectContaining({ codeId: "auth", expired: true }),
      expect.objectContaining({ codeId: "sign", expired: true }),
    ]);
  });
});

describe("the status a change returns, and a days count that moves on", () => {
  it("a change answers the status as pushed, warnings included, so the window keeps them", async () => {
    const { service, feed, pushes } = await setUp({ certDays: 30 });
    const { createHandlers } = await import("../../host/handlers.js");
    const handlers = createHandlers(service, () => ({}) as never, {} as never, { feed });
    await feed.refresh();
    await vi.waitFor(() => expect(pushes).toHaveLength(2));
    const r = await handlers.changePin({ pinId: "auth", current: "123456", next: "246810" });
    expect(r.ok && r.value.certificateWarnings?.map((w) => w.codeId)).toEqual(["auth", "sign"]);
  });

  it("a listener that throws (a tray, a notification) neither fails the change nor silences the others", async () => {
    const { service, feed } = await setUp({ certDays: 30 });
    const { createHandlers } = await import("../../host/handlers.js");
    const failures: unknown[] = [];
    const feedWithHook = createStatusFeed(service, backends.at(-1)!, { onListenerError: (e) => failures.push(e) });
    feed.close();
    const heard: StatusPush[] = [];
    feedWithHook.on(() => {
      throw new Error("tray gone");
    });
    feedWithHook.on((s) => heard.push(s));
    const handlers = createHandlers(service, () => ({}) as never, {} as never, { feed: feedWithHook });
    const r = await handlers.changePin({ pinId: "auth", current: "123456", next: "246810" });
    expect(r.ok).toBe(true);
    expect(heard.at(-1)?.ok).toBe(true);
    expect(failures).toHaveLength(1);
  });

  it("counts the days left from now, not from when the certificates were read", async () => {
    const { certificateWarnings } = await import("../../native-bridge/certs/warnings.js");
    const notAfter = "2027-01-31T23:59:59.000Z";
    const cert = { app: "pkcs15", codeId: "sign", role: "signing", daysLeft: 70, authority: false, notAfter, subject: "Test" } as const;
    const list = [cert as unknown as Parameters<typeof certificateWarnings>[0][number]];
    // Read on 2026-11-22 (70 days); the card stays in until 2027-01-10: 21 days, within 60.
    expect(certificateWarnings(list, 60)).toEqual([]);
    const later = certificateWarnings(list, 60, new Date("2027-01-10T12:00:00.000Z"));
    expect(later).toEqual([expect.objectContaining({ codeId: "sign", daysLeft: 21, expired: false })]);
    const after = certificateWarnings(list, 60, new Date("2027-02-02T12:00:00.000Z"));
    expect(after).toEqual([expect.objectContaining({ daysLeft: -2, expired: true })]);
  });
});
