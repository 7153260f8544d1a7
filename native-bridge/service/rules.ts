/**
 * The rules a new or current code must meet before anything is sent to the card.
 * Policy rules (length, digits, weak codes) apply to new codes; the card's own bounds
 * apply to every code typed. A current code is only held to the card's bounds, so a
 * user whose old PIN predates a stricter policy can still change it.
 */
import type { CodeInfo } from "../profiles/profile.js";
import type { CodeKind } from "../../contract/api.js";
import { PinwardenError } from "../core/errors.js";
import type { Secret } from "../core/secret.js";

export interface LengthRule {
  minLength: number;
  maxLength: number;
}

export interface CodeRules {
  pin: LengthRule;
  /** Used for PUKs, admin PINs and resetting codes. */
  puk: LengthRule;
  digitsOnly: boolean;
  rejectWeakCodes: boolean;
}

/** Net iD / SITHS style: six-digit PINs, eight-digit PUK, no trivial codes. */
export const DEFAULT_RULES: CodeRules = {
  pin: { minLength: 6, maxLength: 6 },
  puk: { minLength: 8, maxLength: 8 },
  digitsOnly: true,
  rejectWeakCodes: true,
};

export function ruleFor(kind: CodeKind, rules: CodeRules): LengthRule {
  return kind === "pin" ? rules.pin : rules.puk;
}

/**
 * All digits the same (111111), or a run stepping by one up or down (123456, 987654).
 * Takes character codes so the renderer and the CLI can share it without Buffers.
 */
export function isWeakCode(chars: ArrayLike<number>): boolean {
  const n = chars.length;
  if (n < 2) return false;
  const diff = chars[1]! - chars[0]!;
  if (diff !== 0 && diff !== 1 && diff !== -1) return false;
  for (let i = 2; i < n; i++) if (chars[i]! - chars[i - 1]! !== diff) return false;
  return true;
}

const isDigits = (s: Secret) => s.isDigits();

/**
 * Checks a new code against the policy (no card needed). Throws a PinwardenError. With
 * `kind` undefined (the card's layout is not known yet) the length rule, which depends on
 * the kind of code, is left for the check made once the layout is known.
 */
export function checkNewCodePolicy(
  kind: CodeKind | undefined,
  next: Secret,
  current: Secret | undefined,
  rules: CodeRules,
  codeId: string,
): void {
  if (rules.digitsOnly && !isDigits(next)) throw new PinwardenError("CODE_NOT_DIGITS", { codeId });
  const rule = kind && ruleFor(kind, rules);
  if (rule && (next.length < rule.minLength || next.length > rule.maxLength)) {
    throw new PinwardenError("CODE_LENGTH", { codeId, minLength: rule.minLength, maxLength: rule.maxLength });
  }
  if (current && current.equals(next)) throw new PinwardenError("CODE_SAME_AS_CURRENT", { codeId });
  if (rules.rejectWeakCodes && isWeakCode(next.bytes())) throw new PinwardenError("CODE_WEAK", { codeId });
}

/**
 * Checks a typed code against what the card itself accepts. A new code is held to the
 * card's declared type (`numeric`) and the policy; a code the person already has only to
 * what the card's encoding can carry (`charset`): the card, not a type rule, judges it.
 */
export function checkAgainstCard(code: CodeInfo, value: Secret, isNew: boolean, rules: CodeRules): void {
  const digitsOnly = isNew ? code.numeric : code.charset === "digits";
  if (digitsOnly && !isDigits(value)) throw new PinwardenError("CODE_NOT_DIGITS", { codeId: code.id });
  let { minLength, maxLength } = code;
  if (isNew) {
    const rule = ruleFor(code.kind, rules);
    minLength = Math.max(minLength, rule.minLength);
    maxLength = Math.min(maxLength, rule.maxLength);
  }
  if (value.length < minLength || value.length > maxLength) {
    throw new PinwardenError("CODE_LENGTH", { codeId: code.id, minLength, maxLength });
  }
}

/** A current code typed by the user: it must at least be something the card could hold. */
export function checkCurrentCodeShape(value: Secret, codeId: string): void {
  if (value.length === 0 || value.length > 64) throw new PinwardenError("CODE_LENGTH", { codeId });
}
