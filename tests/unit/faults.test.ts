/**
 * Fault injection at every APDU of every change and unblock, on every family: the card is
 * pulled before it sees the APDU, answers garbage, or answers an unexpected status word.
 * Whatever happens: a typed result (no exception), the lock released, the next status
 * true to the card, and no try spent that the user did not spend.
 */
import { describe, expect, it } from "vitest";
import { CardService } from "../../native-bridge/service/card-service.js";
import { ERROR_CODES } from "../../native-bridge/service/errors.js";
import { Secret } from "../../native-bridge/service/secret.js";
import type { CardStatus, Result } from "../../native-bridge/service/types.js";
import { createCard } from "../../native-bridge/simulator/cards.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import type { Fault, VirtualCard } from "../../native-bridge/simulator/virtual-card.js";
import { FAMILY_FACTS, type FamilyFacts } from "../shared/family-scenarios.js";

const s = (t: string) => Secret.fromString(t);
const FAULTS: Omit<Fault, "at">[] = [{ kind: "drop" }, { kind: "garbage" }, { kind: "sw", value: 0x6f00 }, { kind: "sw", value: 0x6a88 }];

type Op = "change" | "unblock" | "change-wrong";

function run(service: CardService, facts: FamilyFacts, op: Op): Promise<Result<CardStatus>> {
  if (op === "change") return service.changePin(facts.pinId, s(facts.pin), s(facts.newPin));
  if (op === "change-wrong") return service.changePin(facts.pinId, s("9" + facts.pin.slice(1)), s(facts.newPin));
  return service.unblockPin(facts.pinId, s(facts.puk), s(facts.newPin));
}

async function setup(facts: FamilyFacts) {
  const readers = new InProcessReaders(["R"]);
  const card = createCard(facts.profile);
  readers.insert(card);
  const service = new CardService(readers);
  const first = await service.status();
  expect(first.ok).toBe(true);
  return { readers, card, service };
}

/** APDUs an operation sends once the layout is known (SELECT, the command, the re-read). */
async function apdusOf(facts: FamilyFacts, op: Op): Promise<number> {
  const { card, service } = await setup(facts);
  const before = card.apduCount;
  await run(service, facts, op);
  return card.apduCount - before;
}

const triesOf = (r: Result<CardStatus>, id: string) => (r.ok ? r.value : r.status)?.codes.find((c) => c.id === id)?.triesLeft;

describe.each(FAMILY_FACTS.map((f) => [f.profile, f] as const))("faults on %s", (_name, facts) => {
  it.each(["change", "unblock", "change-wrong"] as Op[])("%s: every fault at every APDU leaves a truthful card and app", async (op) => {
    const n = await apdusOf(facts, op);
    expect(n).toBeGreaterThanOrEqual(3);
    for (let at = 1; at <= n; at++) {
      for (const f of FAULTS) {
        const { readers, card, service } = await setup(facts);
        const before = facts.counters(card);
        card.setFaults([{ ...f, at: card.apduCount + at }]);
        let result: Result<CardStatus> | undefined;
        await expect(
          (async () => {
            result = await run(service, facts, op);
          })(),
        ).resolves.toBeUndefined();
        const label = `${op} ${f.kind}${f.value ? ` ${f.value.toString(16)}` : ""} at APDU ${at} of ${n}`;
        expect(result, label).toBeDefined();
        if (!result!.ok) expect(ERROR_CODES, label).toContain(result!.error.code);

        // The card may have been pulled: put it back, as a user would, and read the status.
        card.setFaults([]);
        if (!readers.readers()[0]!.cardPresent) readers.insert(card as VirtualCard);
        const after = await service.status();
        expect(after.ok, `${label}: status after`).toBe(true);
        const now = facts.counters(card);
        expect(triesOf(after, facts.pinId), label).toBe(now.pin);

        if (op === "change-wrong") {
          // The user typed a wrong PIN once: at most one try is gone.
          expect(now.pin, label).toBeGreaterThanOrEqual(before.pin - 1);
        } else {
          // The user typed the right codes: no try may be lost, whatever the fault.
          expect(now.pin, label).toBeGreaterThanOrEqual(before.pin);
          expect(now.puk, label).toBeGreaterThanOrEqual(before.puk);
        }
        // Success means the card holds the new PIN; a fault before the command leaves the old one.
        if (result!.ok) expect(facts.pinOf(card), label).toBe(op === "change-wrong" ? facts.pin : facts.newPin);
        if (f.kind === "drop" && at <= 1) expect(facts.pinOf(card), label).toBe(facts.pin);

        // The lock was released: another operation runs.
        const again = await service.status();
        expect(again.ok, label).toBe(true);
      }
    }
  });
});
