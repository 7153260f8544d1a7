/**
 * `pinwarden change-pin` and `pinwarden unblock-pin`: the codes from a hidden prompt (each
 * checked as the wizard checks it, asked again up to MAX_ASKS times) or from --stdin, never
 * from argv; the current code checked on the card first where it can be (canCheck).
 */
import { newBounds, type CodeRules } from "../../contract/rules.js";
import { isPinwardenError } from "../../native-bridge/core/errors.js";
import { Secret, wipeAll } from "../../native-bridge/core/secret.js";
import { describeError, ERROR_CATALOG, EXIT, VALIDATION, type Language } from "../../native-bridge/service/error-catalog.js";
import { FAIL_CODES } from "../../native-bridge/profiles/profile.js";
import { checkAgainstCard, checkNewCodePolicy } from "../../native-bridge/service/rules.js";
import type { CardStatus, CodeStatus, ErrorInfo, Result } from "../../native-bridge/service/types.js";
import { MAX_ASKS, type CommandContext } from "../context.js";
import { errorJson, formatStatus, nameOf, statusJson, TEXT } from "../output.js";
import { promptHidden, promptVisible, readCodesFromStdin } from "../prompt.js";
import type { CardSession } from "../session.js";
import { targetOf } from "./status.js";

type Problem = ErrorInfo & { digits?: boolean };

/** A check's verdict on one typed code: null, or the problem as the wizard would say it. */
function problemOf(check: () => void, digits: boolean): Problem | null {
  try {
    check();
    return null;
  } catch (error) {
    if (!isPinwardenError(error)) throw error;
    return { code: error.code, ...error.details, digits };
  }
}

/** The sentence for a problem found before sending, in the wizard's words, with its number. */
function problemText(p: Problem, lang: Language): string {
  const v = VALIDATION[lang];
  const support = ERROR_CATALOG[p.code].support;
  switch (p.code) {
    case "CODE_LENGTH":
      return describeError(p.code, p, lang, { digits: p.digits ?? true });
    case "CODE_NOT_DIGITS":
      return `${v.digits} (${support})`;
    case "CODE_SAME_AS_CURRENT":
      return `${v.same} (${support})`;
    case "CODE_WEAK":
      return `${v.weak} (${support})`;
    case "CODE_CONFIRMATION_MISMATCH":
      return `${v.mismatch} (${support})`;
    default:
      return describeError(p.code, p, lang);
  }
}

/** A code the person has (current PIN, PUK): the card's charset and bounds; empty is a length. */
function checkHeld(code: CodeStatus, value: Secret, rules: CodeRules): Problem | null {
  const digits = code.charset === "digits";
  if (value.length === 0) return { code: "CODE_LENGTH", codeId: code.id, minLength: code.minLength, maxLength: code.maxLength, digits };
  return problemOf(() => checkAgainstCard({ ...code, reference: 0 }, value, false, rules), digits);
}

/** A new code: digits, the card's and the policy's bounds, not the current one, not weak. */
function checkNext(code: CodeStatus, value: Secret, current: Secret | undefined, rules: CodeRules): Problem | null {
  const digits = code.numeric || rules.digitsOnly;
  const { min, max } = newBounds(code, rules);
  const bounds = { minLength: min, maxLength: max };
  if (value.length === 0) return { code: "CODE_LENGTH", codeId: code.id, ...bounds, digits };
  if (digits && !value.isDigits()) return { code: "CODE_NOT_DIGITS", codeId: code.id, digits };
  return problemOf(() => {
    checkAgainstCard({ ...code, reference: 0 }, value, true, rules);
    checkNewCodePolicy(code.kind, value, current, rules, code.id);
  }, digits);
}

export async function codesCommand(ctx: CommandContext, { service }: Pick<CardSession, "service">): Promise<number> {
  const { values, lang, io, named, command, fail, usage } = ctx;
  const t = TEXT[lang];
  const target = targetOf(ctx);
  // Only what the prompt needs: the card's layout and the counters of the codes involved.
  const id = values.pin!;
  const before = await service.status({ ...target, codes: [id] });
  if (!before.ok) return fail(before.error);
  const code = before.value.codes.find((c) => c.id === id);
  if (!code) return fail({ code: "CODE_UNKNOWN", codeId: id });
  const name = nameOf(code, lang);
  for (const c of before.value.codes) named.set(c.id, nameOf(c, lang));
  const unblocking = command === "unblock-pin";
  const ways = [code.unblockedBy, ...(code.alsoUnblockedBy ?? [])].filter((w): w is string => !!w);
  if (unblocking && !values.with && ways.length > 1)
    return usage({ error: "CHOOSE_UNBLOCKER", values: { name, ids: ways.join("|") }, command });
  const using = values.with ?? code.unblockedBy;
  const typed = unblocking ? before.value.codes.find((c) => c.id === using) : code;
  if (!typed || (unblocking && !ways.includes(typed.id))) return fail({ code: "OPERATION_NOT_ALLOWED", codeId: id });
  // The code the person would type is blocked (a resetting code: never set): said now,
  // before anything is asked for; the service would refuse it unsent anyway.
  if (typed.state === "blocked" || (typed.kind === "reset" && typed.state === "unavailable"))
    return fail({ code: FAIL_CODES[typed.kind].blocked, codeId: typed.id, triesLeft: 0 });

  let first: Secret | null = null;
  let next: Secret | null = null;
  let again: Secret | null = null;
  try {
    if (values.stdin) {
      [first = null, next = null] = await readCodesFromStdin(2);
      if (!first || !next) return usage({ error: "STDIN_LINES", command });
    } else {
      const terminal =
        io.terminal === undefined ? (process.stdin.isTTY ? { hidden: promptHidden, visible: promptVisible } : null) : io.terminal;
      if (!terminal) return usage({ error: "NO_TERMINAL", command });
      /** The card has accepted the current code (checkCode): "nothing was sent" is no longer true. */
      let checked = false;
      const cancelled = () => {
        io.err((checked ? t.cancelledChecked : t.cancelled) + "\n");
        return EXIT.ok;
      };
      /** After MAX_ASKS refused answers: the last problem, as an error (exit 5). */
      const gaveUp = (p: Problem): number => {
        io.err((checked ? t.askedEnoughChecked : t.askedEnough)(MAX_ASKS) + "\n");
        const info: Problem = { ...p };
        delete info.digits;
        if (values.json) io.out(JSON.stringify(errorJson(info, lang)) + "\n");
        return ERROR_CATALOG[p.code].exitCode;
      };
      // Warn before the last try, and where the card does not say how many are left.
      const typedName = nameOf(typed, lang);
      const question =
        typed.triesLeft === 1 ? t.lastTry(typedName) : !typed.triesKnown || typed.triesLeft === null ? t.unknownTries(typedName) : null;
      if (question) {
        const answer = await terminal.visible(question);
        if (!answer || !/^[yj]/i.test(answer.trim())) return cancelled();
      }
      const rules = service.rules;
      // The code the person has: asked again (up to MAX_ASKS) while its shape is wrong.
      const firstQuestion = unblocking ? t.unblocker[typed.kind] : t.current(name);
      let problem: Problem | null = null;
      for (let ask = 0; ask < MAX_ASKS && !first; ask++) {
        const answer = await terminal.hidden(firstQuestion);
        if (!answer) return cancelled();
        problem = checkHeld(typed, answer, rules);
        if (!problem) first = answer;
        else {
          answer.wipe();
          io.err(problemText(problem, lang) + "\n");
        }
      }
      if (!first) return gaveUp(problem!);
      // Where the card can check it (canCheck: one VERIFY, the try the change would have
      // cost), the current code is checked before a new one is asked for (issue 12), as
      // the wizard does. checkCode wipes what it is given: it gets a copy.
      if (!unblocking && code.canCheck) {
        const result = await service.checkCode(id, Secret.fromBuffer(Buffer.from(first.bytes())), target);
        if (!result.ok) return fail(result.error);
        checked = true;
        io.err(t.checked(name) + "\n");
      }
      // The new code, checked as typed, then its confirmation; a mismatch asks for both again.
      for (let ask = 0; ask < MAX_ASKS && !again; ask++) {
        next = await terminal.hidden(t.next(name));
        if (!next) return cancelled();
        problem = checkNext(code, next, unblocking ? undefined : first, rules);
        if (!problem) {
          const confirm = await terminal.hidden(t.again);
          if (!confirm) return cancelled();
          if (confirm.equals(next)) again = confirm;
          else {
            confirm.wipe();
            problem = { code: "CODE_CONFIRMATION_MISMATCH", codeId: code.id };
          }
        }
        if (problem) {
          next.wipe();
          next = null;
          io.err(problemText(problem, lang) + "\n");
        }
      }
      if (!again || !next) return gaveUp(problem!);
    }
    const result: Result<CardStatus> = unblocking
      ? await service.unblockPin(id, first, next, { ...target, using: typed.id })
      : await service.changePin(id, first, next, target);
    if (!result.ok) return fail(result.error);
    if (values.json) io.out(JSON.stringify({ ok: true, ...statusJson(result.value) }) + "\n");
    else
      io.out(
        (unblocking ? t.unblocked(name) : t.changed(name)) + "\n" + formatStatus(result.value, lang, result.value.app, [id, typed.id]),
      );
    return EXIT.ok;
  } finally {
    wipeAll(first ?? undefined, next ?? undefined, again ?? undefined);
  }
}
