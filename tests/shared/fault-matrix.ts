/**
 * Fault injection at every APDU of every change and unblock, on every family: the card is
 * pulled before it sees the APDU, answers garbage, or answers an unexpected status word.
 * Whatever happens: a typed result (no exception), the lock released, the next status
 * true to the card, and no try spent that the user did not spend.
 */
import { describe, expect, it } from "vitest";
import type { CardService } from "../../native-bridge/service/card-service.js";
import { ERROR_CODES } from "../../contract/errors.js";
import { Secret } from "../../native-bridge/core/secret.js";
import type { CardStatus, Result } from "../../native-bridge/service/types.js";
import { createCard } from "../../native-bridge/simulator/cards.js";
import type { Fault } from "../../native-bridge/simulator/virtual-card.js";
import { tries, type FamilyFacts, type Rig } from "./family-scenarios.js";

const s = (t: string) => Secret.fromString(t);
export const FAULTS: Omit<Fault, "at">[] = [
  { kind: "drop" },
  { kind: "garbage" },
  { kind: "sw", value: 0x6f00 },
  { kind: "sw", value: 0x6a88 },
];

export type Op = "change" | "unblock" | "change-wrong";

/**
 * Runs the matrix for one family on a rig: fresh card per case, layout learned first, then
 * the fault at APDU `at` of the operation.
 */
export function faultMatrix(facts: FamilyFacts, rig: () => Rig, ops: Op[] = ["change", "unblock", "change-wrong"], faults = FAULTS): void {
  const opts = () => ({ reader: rig().reader });
  const service = (): CardService => rig().service;
  async function setup() {
    const card = createCard(facts.profile);
    await rig().insert(card);
    const first = await service().status(opts());
    expect(first.ok).toBe(true);
    return card;
  }
  const runOp = (op: Op): Promise<Result<CardStatus>> => {
    if (op === "change") return service().changePin(facts.pinId, s(facts.pin), s(facts.newPin), opts());
    if (op === "change-wrong") return service().changePin(facts.pinId, s("9" + facts.pin.slice(1)), s(facts.newPin), opts());
    return service().unblockPin(facts.pinId, s(facts.puk), s(facts.newPin), opts());
  };

  describe(`faults on ${facts.profile}`, () => {
    it.each(ops)("%s: every fault at every APDU leaves a truthful card and app", async (op) => {
      const probe = await setup();
      const start = probe.apduCount;
      await runOp(op);
      const n = probe.apduCount - start;
      expect(n).toBeGreaterThanOrEqual(3);
      for (let at = 1; at <= n; at++) {
        for (const f of faults) {
          const card = await setup();
          const before = facts.counters(card);
          card.setFaults([{ ...f, at: card.apduCount + at }]);
          let result: Result<CardStatus> | undefined;
          await expect(
            (async () => {
              result = await runOp(op);
            })(),
          ).resolves.toBeUndefined();
          const label = `${op} ${f.kind}${f.value ? ` ${f.value.toString(16)}` : ""} at APDU ${at} of ${n}`;
          expect(result, label).toBeDefined();
          if (!result!.ok) expect(ERROR_CODES, label).toContain(result!.error.code);

          // The card may have been pulled: put it back, as a user would, and read the status.
          card.setFaults([]);
          const present = rig()
            .service.readers()
            .find((r) => r.name === rig().reader)?.cardPresent;
          if (!present || (f.kind === "drop" && !result!.ok)) await rig().insert(card);
          const after = await service().status(opts());
          expect(after.ok, `${label}: status after`).toBe(true);
          const now = facts.counters(card);
          expect(tries(after, facts.pinId), label).toBe(now.pin);

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
          expect((await service().status(opts())).ok, label).toBe(true);
        }
      }
    });
  });
}
