/**
 * The checks a wizard makes before anything is sent: the rules of contract/rules.ts (the
 * card service applies the same ones to the bytes it sends, and checks again), said as the
 * problems a field shows. A unit test feeds both the same random codes and requires the
 * same verdict.
 *
 * A NEW code is held to the card's declared type (`numeric`) and the policy; a CURRENT
 * code (or PUK, admin PIN, resetting code) only to what the card's encoding can carry
 * (`charset`) and the card's lengths: a 16-character PUK with letters is the card's to judge.
 * Lengths count bytes as the card stores them (UTF-8), as the service does.
 */
import type { CodeStatus } from "../../contract/api.js";
import {
  allDigits,
  currentBounds as sharedCurrentBounds,
  isWeakCode as isWeak,
  MAX_CURRENT_BYTES,
  newBounds as sharedNewBounds,
  ruleFor,
  type CodeRules,
} from "../../contract/rules.js";

export type CodeProblem =
  | { kind: "digits" }
  | { kind: "length"; min: number; max: number; digits: boolean }
  | { kind: "mismatch" }
  | { kind: "same" }
  | { kind: "weak" };

/** One repeated digit, or a run stepping by one up or down (123456, 987654): the shared rule. */
export const isWeakCode = (code: string): boolean => isWeak(utf8(code));

const utf8 = (code: string) => new TextEncoder().encode(code);
const isDigits = (code: string) => allDigits(utf8(code));

/** The code's length as the card stores it (UTF-8 bytes); the same as its length for ASCII. */
export const byteLength = (code: string) => utf8(code).length;

/** Only digits may be typed: for a code the person has, where the card's encoding needs them. */
export const currentIsDigits = (code: CodeStatus) => code.charset === "digits";

/** Only digits may be typed: for a new code, where the card or the policy says so. */
export const newIsDigits = (code: CodeStatus, rules: CodeRules) => code.numeric || rules.digitsOnly;

/** How long a code the person has (current code, PUK) may be: the card's bounds. */
export const currentBounds = (code: CodeStatus) => sharedCurrentBounds(code);

/** How long a new code may be: the card's bounds narrowed by the policy's. */
export const newBounds = (code: CodeStatus, rules: CodeRules) => sharedNewBounds(code, rules);

/** A code the user says is their current one (or their PUK): the card's charset and bounds. */
export function checkCurrent(code: CodeStatus, value: string): CodeProblem | null {
  const length = byteLength(value);
  const digits = currentIsDigits(code);
  if (length === 0 || length > MAX_CURRENT_BYTES) return { kind: "length", min: code.minLength, max: code.maxLength, digits };
  if (digits && !isDigits(value)) return { kind: "digits" };
  const { min, max } = currentBounds(code);
  if (length < min || length > max) return { kind: "length", min, max, digits };
  return null;
}

/** A new code: policy and card bounds, digits, confirmation, not the current one, not weak. */
export function checkNew(code: CodeStatus, rules: CodeRules, next: string, confirm: string, current?: string): CodeProblem | null {
  const digits = newIsDigits(code, rules);
  if (digits && !isDigits(next)) return { kind: "digits" };
  const { min, max } = newBounds(code, rules);
  const length = byteLength(next);
  if (length < min || length > max) return { kind: "length", min, max, digits };
  if (current !== undefined && next === current) return { kind: "same" };
  if (rules.rejectWeakCodes && isWeakCode(next)) return { kind: "weak" };
  if (next !== confirm) return { kind: "mismatch" };
  return null;
}

/**
 * How many boxes to draw: the policy's fixed length where the card allows it (six for a
 * Net iD PIN, even for a current code the card would take up to eight of), else the
 * longest the code may be.
 */
export function expectedLength(code: CodeStatus, rules: CodeRules): number {
  const rule = ruleFor(code.kind, rules);
  if (rule.minLength === rule.maxLength && rule.minLength >= code.minLength && rule.minLength <= code.maxLength) return rule.minLength;
  const { min, max } = newBounds(code, rules);
  return min === max ? min : Math.max(min, Math.min(max, code.maxLength));
}
