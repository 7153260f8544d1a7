/** The wizard's checks and the card service's rules give the same verdict on every code. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CodeInfo } from "../../native-bridge/profiles/profile.js";
import { PinwardenError } from "../../native-bridge/core/errors.js";
import { checkAgainstCard, checkCurrentCodeShape, checkNewCodePolicy } from "../../native-bridge/service/rules.js";
import { DEFAULT_RULES, isWeakCode as serviceWeak } from "../../contract/rules.js";
import { Secret } from "../../native-bridge/core/secret.js";
import type { CodeStatus } from "../../contract/api.js";
import { checkCurrent, checkNew, isWeakCode as rendererWeak } from "../../renderer/src/validation.js";

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
const statusOf = (info: CodeInfo): CodeStatus => {
  const rest: Partial<CodeInfo> = { ...info };
  delete rest.reference;
  return { ...(rest as Omit<CodeInfo, "reference">), triesLeft: 3, triesKnown: true, blocked: false, state: "ok" };
};
const status = statusOf(card);

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

/** The current code (or PUK) as the service checks it before a change or unblock. */
function serviceCurrent(code: CodeInfo, value: string): string {
  try {
    checkCurrentCodeShape(Secret.fromString(value), code.id);
    checkAgainstCard(code, Secret.fromString(value), false, DEFAULT_RULES);
    return "ok";
  } catch (e) {
    return KIND[(e as PinwardenError).code] ?? (e as PinwardenError).code;
  }
}

/** Current codes of every shape the cards have: a BCD PIN (digits), a 16-character PUK that may hold letters, OpenPGP's long codes. */
const currentCodeArb = fc.record({
  kind: fc.constantFrom("pin" as const, "puk" as const, "admin" as const),
  charset: fc.constantFrom("digits" as const, "any" as const),
  numeric: fc.boolean(),
  minLength: fc.integer({ min: 1, max: 8 }),
  span: fc.integer({ min: 0, max: 12 }),
});
const currentValueArb = fc.oneof(
  fc.stringMatching(/^[0-9]{0,20}$/),
  fc.stringMatching(/^[0-9A-Za-z]{0,20}$/),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.stringMatching(/^[0-9]{60,70}$/),
);

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

  it("agrees on every current code: charset and the card's lengths, never the new-code rules", () => {
    fc.assert(
      fc.property(currentCodeArb, currentValueArb, (shape, value) => {
        const info: CodeInfo = {
          ...card,
          id: "code",
          kind: shape.kind,
          charset: shape.charset,
          numeric: shape.numeric,
          minLength: shape.minLength,
          maxLength: shape.minLength + shape.span,
        };
        expect(checkCurrent(statusOf(info), value)?.kind ?? "ok").toBe(serviceCurrent(info, value));
      }),
      { numRuns: 1000 },
    );
  });

  it("allows a 16-character PUK with letters as a current code where the charset is any, and refuses it where digits are needed", () => {
    const puk: CodeInfo = { ...card, id: "puk", kind: "puk", minLength: 8, maxLength: 16, numeric: true, charset: "any" };
    const value = "AbCd1234EfGh5678";
    expect(checkCurrent(statusOf(puk), value)).toBeNull();
    expect(serviceCurrent(puk, value)).toBe("ok");
    const bcd: CodeInfo = { ...puk, charset: "digits" };
    expect(checkCurrent(statusOf(bcd), value)).toEqual({ kind: "digits" });
    expect(serviceCurrent(bcd, value)).toBe("digits");
  });
});
