/** The wizard's checks and the card service's rules give the same verdict on every code. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CodeInfo } from "../../native-bridge/profiles/profile.js";
import { PinwardenError } from "../../native-bridge/service/errors.js";
import { checkAgainstCard, checkNewCodePolicy, DEFAULT_RULES, isWeakCode as serviceWeak } from "../../native-bridge/service/rules.js";
import { Secret } from "../../native-bridge/service/secret.js";
import type { CodeStatus } from "../../renderer/contract.js";
import { checkNew, isWeakCode as rendererWeak } from "../../renderer/src/validation.js";

const card: CodeInfo = {
  id: "auth",
  label: "Legitimering",
  kind: "pin",
  reference: 0x81,
  minLength: 6,
  maxLength: 8,
  numeric: true,
  charset: "any",
  maxTries: 3,
  canChange: true,
  canUnblock: true,
};
const status: CodeStatus = { ...card, triesLeft: 3, blocked: false, state: "ok" };

const KIND: Record<string, string> = { CODE_NOT_DIGITS: "digits", CODE_LENGTH: "length", CODE_SAME_AS_CURRENT: "same", CODE_WEAK: "weak" };

function service(next: string, current: string): string {
  try {
    checkNewCodePolicy("pin", Secret.fromString(next), Secret.fromString(current), DEFAULT_RULES, "auth");
    checkAgainstCard(card, Secret.fromString(next), true, DEFAULT_RULES);
    return "ok";
  } catch (e) {
    return KIND[(e as PinwardenError).code] ?? (e as PinwardenError).code;
  }
}

const codeArb = fc.oneof(
  fc.stringMatching(/^[0-9]{0,9}$/),
  fc.string({ maxLength: 9 }),
  fc.constantFrom("111111", "123456", "987654", "246810"),
);

describe("renderer validation = service rules", () => {
  it("agrees on weak codes", () => {
    fc.assert(fc.property(fc.stringMatching(/^[0-9]{0,9}$/), (c) => rendererWeak(c) === serviceWeak([...c].map((x) => x.charCodeAt(0)))));
  });

  it("agrees on every new code, with the confirmation typed right", () => {
    fc.assert(
      fc.property(codeArb, fc.constantFrom("123456", "246810"), (next, current) => {
        const r = checkNew(status, DEFAULT_RULES, next, next, current);
        expect(r?.kind ?? "ok").toBe(service(next, current));
      }),
      { numRuns: 500 },
    );
  });
});
