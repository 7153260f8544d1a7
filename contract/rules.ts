/**
 * The rules a code is held to before anything is sent, once for every surface: the wizard
 * (renderer/src/validation.ts) checks a typed string with them, the card service
 * (native-bridge/service/rules.ts) checks the bytes it will send, and
 * tests/unit/validation-agreement.test.ts feeds both the same random codes.
 *
 * Policy rules (length, digits, weak codes) apply to new codes; the card's own bounds to
 * every code typed. A current code is held only to the card's bounds and its encoding's
 * charset, so a person whose PIN predates a stricter policy can still change it. Lengths
 * count bytes as the card stores them (UTF-8).
 */
import type { CodeKind } from "./api.js";

export interface LengthRule {
  minLength: number;
  maxLength: number;
}

/** The rules the wizards check before anything is sent (the card service checks them again). */
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

/** The longest code (in bytes) ever sent as a current code: longer is refused unsent. */
export const MAX_CURRENT_BYTES = 64;

/** What the rules need to know about a code on the card (a CodeStatus or the service's CodeInfo). */
export interface CodeBounds {
  kind: CodeKind;
  minLength: number;
  maxLength: number;
}

export function ruleFor(kind: CodeKind, rules: CodeRules): LengthRule {
  return kind === "pin" ? rules.pin : rules.puk;
}

/** How long a code the person has (current code, PUK) may be: the card's bounds. */
export function currentBounds(code: CodeBounds): { min: number; max: number } {
  return { min: code.minLength, max: code.maxLength };
}

/** How long a new code may be: the card's bounds narrowed by the policy's. */
export function newBounds(code: CodeBounds, rules: CodeRules): { min: number; max: number } {
  const rule = ruleFor(code.kind, rules);
  return { min: Math.max(code.minLength, rule.minLength), max: Math.min(code.maxLength, rule.maxLength) };
}

/** A code of digits: at least one byte, every byte an ASCII digit. */
export function allDigits(bytes: ArrayLike<number>): boolean {
  if (bytes.length === 0) return false;
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! < 0x30 || bytes[i]! > 0x39) return false;
  return true;
}

/**
 * All characters the same (111111), or a run stepping by one up or down (123456, 987654).
 * Takes character or byte codes, so a string (the wizard) and a Secret's bytes (the
 * service) are judged by the same lines.
 */
export function isWeakCode(chars: ArrayLike<number>): boolean {
  const n = chars.length;
  if (n < 2) return false;
  const diff = chars[1]! - chars[0]!;
  if (diff !== 0 && diff !== 1 && diff !== -1) return false;
  for (let i = 2; i < n; i++) if (chars[i]! - chars[i - 1]! !== diff) return false;
  return true;
}
