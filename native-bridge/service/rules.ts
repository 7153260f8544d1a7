/**
 * The rules of contract/rules.ts applied to the bytes the service will send (a Secret),
 * as PinwardenErrors. The wizard applies the same rules to what is typed.
 */
import type { CodeInfo } from "../profiles/profile.js";
import type { CodeKind } from "../../contract/api.js";
import { currentBounds, isWeakCode, MAX_CURRENT_BYTES, newBounds, ruleFor, type CodeRules } from "../../contract/rules.js";
import { PinwardenError } from "../core/errors.js";
import type { Secret } from "../core/secret.js";

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
  const { min: minLength, max: maxLength } = isNew ? newBounds(code, rules) : currentBounds(code);
  if (value.length < minLength || value.length > maxLength) {
    throw new PinwardenError("CODE_LENGTH", { codeId: code.id, minLength, maxLength });
  }
}

/** A current code typed by the user: it must at least be something the card could hold. */
export function checkCurrentCodeShape(value: Secret, codeId: string): void {
  if (value.length === 0 || value.length > MAX_CURRENT_BYTES) throw new PinwardenError("CODE_LENGTH", { codeId });
}
