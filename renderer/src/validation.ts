/**
 * The checks a wizard makes before anything is sent. They mirror the card service's
 * rules (native-bridge/service/rules.ts), which check again; a unit test feeds both the
 * same random codes and requires the same verdict.
 */
import type { CodeRules, CodeStatus } from "../contract.js";

export type CodeProblem =
  { kind: "digits" } | { kind: "length"; min: number; max: number } | { kind: "mismatch" } | { kind: "same" } | { kind: "weak" };

/** One repeated digit, or a run stepping by one up or down (123456, 987654). */
export function isWeakCode(code: string): boolean {
  if (code.length < 2) return false;
  const diff = code.charCodeAt(1) - code.charCodeAt(0);
  if (diff !== 0 && diff !== 1 && diff !== -1) return false;
  for (let i = 2; i < code.length; i++) if (code.charCodeAt(i) - code.charCodeAt(i - 1) !== diff) return false;
  return true;
}

const isDigits = (code: string) => /^[0-9]+$/.test(code);

/** The card's bounds; for a new code, narrowed by the policy's. */
function bounds(code: CodeStatus, rules: CodeRules | null): { min: number; max: number } {
  if (!rules) return { min: code.minLength, max: code.maxLength };
  const rule = code.kind === "pin" ? rules.pin : rules.puk;
  return { min: Math.max(code.minLength, rule.minLength), max: Math.min(code.maxLength, rule.maxLength) };
}

/** A code the user says is their current one (or their PUK): the card's own bounds. */
export function checkCurrent(code: CodeStatus, value: string): CodeProblem | null {
  if (code.numeric && !isDigits(value)) return { kind: "digits" };
  const { min, max } = bounds(code, null);
  if (value.length < min || value.length > max) return { kind: "length", min, max };
  return null;
}

/** A new code: policy and card bounds, digits, confirmation, not the current one, not weak. */
export function checkNew(code: CodeStatus, rules: CodeRules, next: string, confirm: string, current?: string): CodeProblem | null {
  if ((rules.digitsOnly || code.numeric) && !isDigits(next)) return { kind: "digits" };
  const { min, max } = bounds(code, rules);
  if (next.length < min || next.length > max) return { kind: "length", min, max };
  if (current !== undefined && next === current) return { kind: "same" };
  if (rules.rejectWeakCodes && isWeakCode(next)) return { kind: "weak" };
  if (next !== confirm) return { kind: "mismatch" };
  return null;
}

/**
 * How many digit boxes to draw: the policy's fixed length where the card allows it (six
 * for a Net iD PIN, even for a current code the card would take up to eight of), else the
 * longest the code may be.
 */
export function expectedLength(code: CodeStatus, rules: CodeRules): number {
  const rule = code.kind === "pin" ? rules.pin : rules.puk;
  if (rule.minLength === rule.maxLength && rule.minLength >= code.minLength && rule.minLength <= code.maxLength) return rule.minLength;
  const { min, max } = bounds(code, rules);
  return min === max ? min : Math.max(min, Math.min(max, code.maxLength));
}
