/**
 * The two code wizards, modelled on Net iD and DigiDoc4: every code on one page, so a wrong
 * current code is said where it was typed, and the new code the person made up is kept.
 *   change: 1 choose the PIN → 2 current, new and repeat → 3 result
 *   unlock: 1 choose the PIN → 2 PUK, new and repeat     → 3 result
 * Step numbers are stable: IT support reads them aloud ("What does step 2 say?").
 *
 * Everything is checked here before anything is sent (the current code against the card's
 * bounds, the new one against the rules, the repeat); a problem is said under its field,
 * and only a code that passes reaches the card. A wrong current code (or PUK) comes back
 * to step 2: the current field is emptied and focused with the message under it, the new
 * code stays.
 *
 * Where the card can check the current code by itself (CodeStatus.canCheck: one VERIFY, the
 * try the change would have cost anyway), a change's step 2 asks for the current code
 * first, with a Check button: the new-code fields stay disabled until the card has said
 * the current code is right, so a wrong one is said before any new code is made up. The
 * last-try confirmation comes before the check, because the check is what spends the try.
 * Where it cannot (a PIV PUK, a resetting code, a card that gets no PIN command but the
 * change), step 2 is one page as above and a note says the card checks the code on OK.
 *
 * A card may carry several applications (a security key: PIV and OpenPGP); step 1 lists
 * the codes of each, and the request names the application. An OpenPGP user PIN is
 * unblocked with the admin PIN or the resetting code: step 1 asks which the person has,
 * and no text calls either a PUK. Where the card does not say how many tries are left, or
 * one is left, step 2 shows one note that asks for a confirmation before anything is sent;
 * before a PIN's last try it also offers the unlock wizard instead. A PUK with few tries
 * left is warned about; a blocked PUK ends the road: what to do and the helpdesk, no
 * "start again", no unlock wizard.
 *
 * The codes live here, in component state, and nowhere else: they are cleared on cancel,
 * on success, when the card is removed and on unmount. (A JS string cannot be zero-filled;
 * dropping every reference is what the renderer can do. The card service wipes its copy.)
 */
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import type { ApiError, ApiResult, AppFamily, CardStatus, CodeStatus } from "../../../contract/api.js";
import { isRejectedInput, isWrongCode, NO_ANSWER_SUPPORT } from "../../../contract/errors.js";
import {
  applicationsOf,
  canUnlockPin,
  cardUnblocksWithPuk,
  unblockedByPuk,
  unblockersOf,
  usableUnblockers,
} from "../../../contract/codes.js";
import { CodeInput } from "../components/CodeInput.js";
import { ErrorMessage, useErrorSentence } from "../components/ErrorMessage.js";
import { PukBlocked, usePukHelp } from "../components/PukHelp.js";
import { Tries, useCodeName } from "../components/Tries.js";
import { useApp } from "../state/store.js";
import {
  checkCurrent,
  checkNew,
  currentBounds,
  currentIsDigits,
  expectedLength,
  newBounds,
  newIsDigits,
  type CodeProblem,
} from "../validation.js";

export type WizardMode = "change" | "unlock";
type Phase = "choose" | "codes" | "checking" | "working" | "done" | "failed" | "removed";

/** The step IT support hears about; "working" is still step 2, the page the person filled in. */
const STEP: Record<Phase, number> = { choose: 1, codes: 2, checking: 2, working: 2, done: 3, failed: 3, removed: 3 };
const TOTAL = 3;

/** Warn about an unblocking code (a PUK) from this many tries left; at one, a confirmation. */
const FEW_TRIES = 3;

/** A code the wizard can act on, with its application and that application's codes. */
interface Choice {
  app: AppFamily;
  code: CodeStatus;
  appCodes: CodeStatus[];
}

type Field = "first" | "next" | "confirm" | "lastTry";
interface Problem {
  field: Field;
  problem: CodeProblem | "lastTry";
}

const keyOf = (c: { app: AppFamily; code: { id: string } }) => `${c.app}/${c.code.id}`;

function eligible(status: CardStatus | null, mode: WizardMode): Choice[] {
  if (!status) return [];
  return applicationsOf(status).flatMap((a) =>
    a.codes
      .filter((c) => (mode === "change" ? c.canChange && (c.kind === "pin" || c.kind === "admin") : canUnlockPin(c, a.codes)))
      .map((code) => ({ app: a.app, code, appCodes: a.codes })),
  );
}

/** True where a PIN could be unblocked with a PUK but every PUK it has is blocked. */
function pukBlockedOn(status: CardStatus | null): boolean {
  if (!status) return false;
  return applicationsOf(status).some((a) =>
    a.codes.some((c) => {
      const unblockers = unblockersOf(c, a.codes);
      return c.kind === "pin" && c.canUnblock && unblockers.some((u) => u.kind === "puk") && usableUnblockers(c, a.codes).length === 0;
    }),
  );
}

/** A refusal about the code typed in a field: a wrong code, or input refused (not "operation not allowed"). */
const aboutTypedCode = (code: ApiError["code"]) => isWrongCode(code) || (isRejectedInput(code) && code !== "OPERATION_NOT_ALLOWED");
/** After these the card cannot be used for this in the app: no "start again". */
const DEAD_END = ["PIN_BLOCKED", "PUK_BLOCKED", "ADMIN_PIN_BLOCKED"];

/** Which field a refusal from the card service is about; null: not a field's (step 3 says it). */
function fieldOf(error: ApiError): Field | null {
  if (isWrongCode(error.code)) return "first";
  if (error.code === "CODE_CONFIRMATION_MISMATCH") return "confirm";
  return aboutTypedCode(error.code) ? "next" : null;
}

export function CodeWizard({
  mode,
  initialPinId,
  initialApp,
}: {
  mode: WizardMode;
  initialPinId?: string | undefined;
  initialApp?: AppFamily | undefined;
}) {
  const { t } = useTranslation();
  const name = useCodeName();
  const sentence = useErrorSentence();
  const pukHelp = usePukHelp();
  const { api, info, status, cardEpoch, cardPresent, open, close, applyStatus, record, refresh } = useApp();
  const choices = eligible(status, mode);
  const several = new Set(choices.map((c) => c.app)).size > 1;
  const [phase, setPhase] = useState<Phase>("choose");
  const initial = choices.find((c) => c.code.id === initialPinId && (initialApp === undefined || c.app === initialApp)) ?? choices[0];
  const [choiceKey, setChoiceKey] = useState<string | undefined>(initial && keyOf(initial));
  const [using, setUsing] = useState<string | undefined>(undefined);
  const [first, setFirst] = useState(""); // current code, or PUK
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [lastTryOk, setLastTryOk] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  /** The field the card service's refusal is said under (null: step 3 says it). */
  const [errorField, setErrorField] = useState<Field | null>(null);
  /** The card has said the current code is right (a change where canCheck). */
  const [checked, setChecked] = useState(false);
  const [focusOn, setFocusOn] = useState<Field | null>(null);
  const epoch = useRef(cardEpoch);
  const refs = {
    first: useRef<HTMLInputElement>(null),
    next: useRef<HTMLInputElement>(null),
    confirm: useRef<HTMLInputElement>(null),
    lastTry: useRef<HTMLInputElement>(null),
  };

  const clearCodes = () => {
    setFirst("");
    setNext("");
    setConfirm("");
    setLastTryOk(false);
    setChecked(false);
  };

  // Clear the codes when the wizard goes away.
  useEffect(() => () => clearCodes(), []);

  // The card left (or another arrived) mid-wizard: drop the codes and say so.
  useEffect(() => {
    if (cardEpoch === epoch.current) return;
    epoch.current = cardEpoch;
    if (phase !== "done" && phase !== "choose") {
      clearCodes();
      setPhase("removed");
    }
  }, [cardEpoch, phase]);

  // A field with something to fix gets the focus once it is on screen (and enabled) again.
  useEffect(() => {
    if (!focusOn) return;
    refs[focusOn].current?.focus();
    setFocusOn(null);
  });

  // While the card is out there is no status; the wizard keeps showing what it was about.
  const snapshot = useRef<{ choice?: Choice; typed?: CodeStatus; unblockers?: CodeStatus[] }>({});
  const live = choices.find((c) => keyOf(c) === choiceKey) ?? choices[0];
  // The codes the person may unblock with (unlock only), and the one they said they have.
  const liveUnblockers = live && mode === "unlock" ? usableUnblockers(live.code, live.appCodes) : [];
  const liveTyped = live && (mode === "unlock" ? (liveUnblockers.find((c) => c.id === using) ?? liveUnblockers[0]) : live.code);
  if (live && liveTyped) snapshot.current = { choice: live, typed: liveTyped, unblockers: liveUnblockers };
  const choice = live ?? snapshot.current.choice;
  const pin = choice?.code;
  const typed = liveTyped ?? snapshot.current.typed;
  const unblockers = live ? liveUnblockers : (snapshot.current.unblockers ?? []);
  const appCodes = choice?.appCodes ?? [];
  // OpenPGP: "admin PIN" / "resetting code", never "PUK".
  const noPuk = pin ? !unblockedByPuk(pin, appCodes) : !!status && !cardUnblocksWithPuk(status);
  const title = t(mode === "change" ? "wizard.change.title" : noPuk ? "wizard.unlockNoPuk.title" : "wizard.unlock.title");
  // The last-try guard, also where the card does not say how many tries are left.
  const unknownCount = !!typed && (!typed.triesKnown || typed.triesLeft === null);
  // A change whose current code the card checks first (step 2 in two parts).
  // The code the person has is checked first where the card can (canCheck): the current PIN
  // in a change, the OpenPGP admin PIN in an unlock (never a PUK or a resetting code).
  const checkFirst = !!typed?.canCheck && (mode === "change" || typed.kind === "admin");
  // Once the card has accepted the current code the change spends no try: no confirmation.
  const needsConfirm = !!typed && (typed.triesLeft === 1 || unknownCount) && !checked;
  const fewPukTries =
    !!typed && typed.kind === "puk" && !unknownCount && typed.triesLeft !== null && typed.triesLeft > 1 && typed.triesLeft <= FEW_TRIES;
  // Before a PIN's last try: the unlock wizard is the other way (where the PIN has a usable unblocker).
  const canUnlockInstead = mode === "change" && !!pin && canUnlockPin(pin, appCodes);
  const typedWords = (kind: CodeStatus["kind"]) => (kind === "admin" ? "wizard.admin" : kind === "reset" ? "wizard.reset" : "wizard.puk");
  const busy = phase === "working" || phase === "checking";

  const cancel = () => {
    clearCodes();
    close();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.preventDefault();
      cancel();
    }
  };

  // The status is pushed by the main process: starting again needs no read of our own.
  const startOver = () => {
    clearCodes();
    setError(null);
    setErrorField(null);
    setProblem(null);
    setPhase("choose");
  };

  const unlockInstead = () => {
    if (!pin || !choice) return;
    clearCodes();
    open({ name: "unlock", pinId: pin.id, app: choice.app });
  };

  /**
   * The bridge's answer; where none comes (the main process restarted, the preview went
   * away) the operation may or may not have reached the card: NO_ANSWER, and the status is
   * read again so the view shows what the card says now.
   */
  async function answerOf(call: Promise<ApiResult<CardStatus>>): Promise<ApiResult<CardStatus>> {
    try {
      return await call;
    } catch {
      void refresh().catch(() => undefined);
      return { ok: false, error: { code: "NO_ANSWER", support: NO_ANSWER_SUPPORT } };
    }
  }

  async function send() {
    if (!api || !pin || !choice || !typed) return;
    setPhase("working");
    setError(null);
    const app = choice.app;
    const r = await answerOf(
      mode === "change"
        ? api.changePin({ pinId: pin.id, current: first, next, app })
        : api.unblockPin({ pinId: pin.id, puk: first, next, app, using: typed.id }),
    );
    if (r.ok) applyStatus(r.value);
    else if (r.status) applyStatus(r.status);
    record({
      operation: mode === "change" ? "changePin" : "unblockPin",
      codeId: pin.id,
      result: r.ok ? "ok" : r.error.code,
      ...(r.ok ? {} : { support: r.error.support }),
    });
    if (r.ok) {
      clearCodes();
      setPhase("done");
      return;
    }
    setError(r.error);
    const field = fieldOf(r.error);
    setErrorField(field);
    if (field === "first") {
      // Only the code the card refused is typed again; the new code stays.
      setFirst("");
      setLastTryOk(false);
      setChecked(false);
      setPhase("codes");
      setFocusOn("first");
    } else if (field) {
      setNext("");
      setConfirm("");
      setPhase("codes");
      setFocusOn("next");
    } else {
      clearCodes();
      setPhase(r.error.code === "CARD_REMOVED" ? "removed" : "failed");
    }
  }

  /** The card checks the current code (one VERIFY) before any new code can be typed. */
  async function checkOnCard() {
    if (!api || !typed || !choice) return;
    setPhase("checking");
    setError(null);
    setErrorField(null);
    const at = epoch.current;
    const r = await answerOf(api.checkCode({ pinId: typed!.id, current: first, app: choice.app }));
    // The card left meanwhile: the wizard already says so, and the codes are gone.
    if (epoch.current !== at) return;
    if (r.ok) applyStatus(r.value);
    else if (r.status) applyStatus(r.status);
    if (r.ok) {
      setChecked(true);
      setPhase("codes");
      setFocusOn("next");
      return;
    }
    setError(r.error);
    // A wrong code (or one the card cannot take) is said under the current field, emptied.
    if (aboutTypedCode(r.error.code)) {
      setErrorField("first");
      setFirst("");
      setLastTryOk(false);
      setPhase("codes");
      setFocusOn("first");
      return;
    }
    clearCodes();
    setPhase(r.error.code === "CARD_REMOVED" ? "removed" : "failed");
  }

  function check(): Problem | null {
    if (!pin || !typed || !info) return null;
    if (needsConfirm && !lastTryOk) return { field: "lastTry", problem: "lastTry" };
    const current = checkCurrent(typed, first);
    if (current) return { field: "first", problem: current };
    if (checkFirst && !checked) return null;
    const fresh = checkNew(pin, info.rules, next, confirm, mode === "change" ? first : undefined);
    if (fresh) return { field: fresh.kind === "mismatch" ? "confirm" : "next", problem: fresh };
    return null;
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!pin || !typed || !info || busy) return;
    if (phase === "choose") {
      setError(null);
      setProblem(null);
      setPhase("codes");
      return;
    }
    const found = check();
    setProblem(found);
    setError(null);
    setErrorField(null);
    if (found) return setFocusOn(found.field);
    if (checkFirst && !checked) return void checkOnCard();
    void send();
  }

  const problemText = (p: CodeProblem | "lastTry") => {
    if (p === "lastTry") return t("wizard.lastTryRequired");
    if (p.kind === "length") {
      const words = p.digits ? ["validation.length", "validation.lengthRange"] : ["validation.lengthChars", "validation.lengthRangeChars"];
      return p.min === p.max ? t(words[0]!, { min: p.min }) : t(words[1]!, { min: p.min, max: p.max });
    }
    return t(`validation.${p.kind}`);
  };

  /** What is said under a field: the local check's problem, or the card service's refusal. */
  const messageFor = (field: Field) => {
    if (problem?.field === field) return problemText(problem.problem);
    if (error && phase === "codes" && errorField === field) {
      const codeName = field === "first" ? name(typed!) : name(pin!);
      return (
        <>
          {sentence(error, { codeName, noPuk })} <span className="support-code">({t("errors.code", { support: error.support })})</span>
        </>
      );
    }
    return undefined;
  };

  if (!pin || !typed) {
    return (
      <section aria-labelledby="wizard-title" onKeyDown={onKeyDown}>
        <h2 id="wizard-title">{title}</h2>
        {mode === "unlock" && pukBlockedOn(status) ? (
          <PukBlocked />
        ) : (
          <p role="status">{status ? t(noPuk ? "wizard.nothingToUnlockNoPuk" : "wizard.nothingToUnlock") : t("status.noCard")}</p>
        )}
        <div className="actions">
          <button type="button" onClick={cancel}>
            {t("wizard.close")}
          </button>
        </div>
      </section>
    );
  }

  const step = STEP[phase];
  // The app info (the rules) can arrive after the wizard opened (a tray item opens it at start):
  // step 1 needs none; step 2 waits for it, and so does submit.
  const rules = info?.rules;
  const firstBounds = currentBounds(typed);
  const nextBounds = rules ? newBounds(pin, rules) : firstBounds;
  const lastTryMessage = messageFor("lastTry");
  return (
    <section aria-labelledby="wizard-title" className="wizard" onKeyDown={onKeyDown}>
      <h2 id="wizard-title">{title}</h2>
      <p className="step" data-step={step}>
        {t("wizard.step", { step, total: TOTAL })}
      </p>

      {(phase === "choose" || phase === "codes" || phase === "checking" || phase === "working") && (
        <form onSubmit={submit} noValidate aria-busy={busy || undefined}>
          {phase === "choose" && (
            <fieldset>
              <legend>{t(mode === "change" ? "wizard.choose.legend" : "wizard.choose.legendUnlock")}</legend>
              {choices.map((c, i) => (
                <label key={keyOf(c)} className="choice">
                  <input
                    type="radio"
                    name="pin"
                    value={keyOf(c)}
                    checked={keyOf(c) === keyOf({ app: choice!.app, code: pin })}
                    autoFocus={i === 0}
                    onChange={() => {
                      setChoiceKey(keyOf(c));
                      setUsing(undefined);
                    }}
                  />
                  <span>{name(c.code)}</span>
                  {several && <span className="app-name"> ({t(`status.apps.${c.app}`)})</span>} <Tries code={c.code} />
                </label>
              ))}
            </fieldset>
          )}

          {phase === "choose" && mode === "unlock" && unblockers.length > 1 && (
            <fieldset>
              <legend>{t("wizard.unblocker.legend")}</legend>
              {unblockers.map((u) => (
                <label key={u.id} className="choice">
                  <input type="radio" name="using" value={u.id} checked={u.id === typed.id} onChange={() => setUsing(u.id)} />
                  <span>{t(`${typedWords(u.kind)}.label`)}</span> <Tries code={u} />
                </label>
              ))}
            </fieldset>
          )}

          {phase !== "choose" && rules && (
            <>
              <h3>{t(mode === "change" ? "wizard.change.codesTitle" : "wizard.unlock.codesTitle", { code: name(pin) })}</h3>
              {/* One note, whatever it has to say: confirm before a last or uncounted try, or few PUK tries left. */}
              {needsConfirm && (
                <div className="note warn last-try">
                  <p>{unknownCount ? t("wizard.unknownTries") : t("wizard.lastTry", { code: name(typed) })}</p>
                  <label className="check">
                    <input
                      ref={refs.lastTry}
                      type="checkbox"
                      checked={lastTryOk}
                      disabled={busy}
                      aria-invalid={lastTryMessage ? true : undefined}
                      aria-describedby={lastTryMessage ? "last-try-message" : undefined}
                      onChange={(e) => {
                        setLastTryOk(e.target.checked);
                        if (problem?.field === "lastTry") setProblem(null);
                      }}
                    />{" "}
                    {t(unknownCount ? "wizard.unknownTriesConfirm" : "wizard.lastTryConfirm")}
                  </label>
                  {lastTryMessage && (
                    <p id="last-try-message" className="field-message" role="alert">
                      {lastTryMessage}
                    </p>
                  )}
                  {canUnlockInstead && !unknownCount && (
                    <>
                      {!noPuk && <p>{pukHelp}</p>}
                      <button type="button" onClick={unlockInstead} disabled={busy}>
                        {t(noPuk ? "wizard.unlockInsteadNoPuk" : "wizard.unlockInstead")}
                      </button>
                    </>
                  )}
                </div>
              )}
              {!needsConfirm && fewPukTries && (
                <div className="note warn">
                  <p>{t("wizard.fewPukTries", { count: typed.triesLeft, code: name(typed) })}</p>
                </div>
              )}
              <CodeInput
                name="first"
                inputRef={refs.first}
                label={mode === "change" ? t("wizard.current.label", { code: name(pin) }) : t(`${typedWords(typed.kind)}.label`)}
                hint={
                  <>
                    <Tries code={typed} />
                    {typed.kind === "puk" && <p className="puk-help">{pukHelp}</p>}
                    <p className="check-note">
                      {checked
                        ? mode === "change"
                          ? t("wizard.check.accepted", { code: name(pin) })
                          : t("wizard.check.acceptedUnblocker", { code: name(typed) })
                        : checkFirst
                          ? t(mode === "change" ? "wizard.check.first" : "wizard.check.firstUnblocker", { code: name(typed) })
                          : t("wizard.check.onOk", { ok: t(mode === "change" ? "wizard.change.ok" : "wizard.unlock.ok") })}
                    </p>
                  </>
                }
                value={first}
                onChange={(value) => {
                  setFirst(value);
                  if (errorField === "first") setErrorField(null);
                }}
                readOnly={checked}
                length={expectedLength(typed, rules)}
                min={firstBounds.min}
                max={firstBounds.max}
                numeric={currentIsDigits(typed)}
                autoFocus={!needsConfirm && phase === "codes"}
                disabled={busy}
                message={messageFor("first")}
              />
              {checkFirst && !checked && (
                <div className="actions check-action">
                  <button type="submit" className="primary" disabled={busy}>
                    {t("wizard.check.button")}
                  </button>
                </div>
              )}
              <CodeInput
                name="next"
                inputRef={refs.next}
                label={t("wizard.new.label", { code: name(pin) })}
                value={next}
                onChange={setNext}
                length={expectedLength(pin, rules)}
                min={nextBounds.min}
                max={nextBounds.max}
                numeric={newIsDigits(pin, rules)}
                disabled={busy || (checkFirst && !checked)}
                message={messageFor("next")}
              />
              <CodeInput
                name="confirm"
                inputRef={refs.confirm}
                label={t("wizard.new.confirm")}
                value={confirm}
                onChange={setConfirm}
                length={expectedLength(pin, rules)}
                min={nextBounds.min}
                max={nextBounds.max}
                numeric={newIsDigits(pin, rules)}
                disabled={busy || (checkFirst && !checked)}
                message={messageFor("confirm")}
              />
            </>
          )}

          {busy && (
            <p role="status" className="working">
              {t(phase === "checking" ? "wizard.check.working" : "wizard.working")}
            </p>
          )}

          <div className="actions">
            <button type="button" onClick={cancel} disabled={busy}>
              {t("wizard.cancel")}
            </button>
            {/* Until the card has accepted the current code, Check (above) is the form's button. */}
            <button type="submit" className="primary" disabled={busy || (phase !== "choose" && checkFirst && !checked)}>
              {phase === "choose" ? t("wizard.next") : t(mode === "change" ? "wizard.change.ok" : "wizard.unlock.ok")}
            </button>
          </div>
        </form>
      )}

      {phase === "done" && (
        <div role="status">
          <p className="success">{t(mode === "change" ? "wizard.change.done" : "wizard.unlock.done", { code: name(pin) })}</p>
          <Tries
            code={
              (status &&
                applicationsOf(status)
                  .find((a) => a.app === choice!.app)
                  ?.codes.find((c) => c.id === pin.id)) ??
              pin
            }
          />
          <div className="actions">
            <button type="button" className="primary" autoFocus onClick={cancel}>
              {t("wizard.close")}
            </button>
          </div>
        </div>
      )}

      {phase === "failed" && error && (
        <>
          <ErrorMessage error={error} noPuk={noPuk} codeName={error.code.startsWith("PIN_") ? name(pin) : name(typed)}>
            {error.code === "PUK_BLOCKED" && <p className="puk-help">{pukHelp}</p>}
          </ErrorMessage>
          {error.code === "PIN_BLOCKED" && !canUnlockInstead && pukBlockedOn(status) && <PukBlocked />}
          <div className="actions">
            {error.code === "PIN_BLOCKED" && canUnlockInstead && (
              <button type="button" className="primary" autoFocus onClick={unlockInstead}>
                {t(noPuk ? "wizard.offerUnlockNoPuk" : "wizard.offerUnlock")}
              </button>
            )}
            {!DEAD_END.includes(error.code) && (
              <button type="button" onClick={startOver} autoFocus>
                {t("wizard.startOver")}
              </button>
            )}
            <button
              type="button"
              onClick={cancel}
              autoFocus={DEAD_END.includes(error.code) && !(error.code === "PIN_BLOCKED" && canUnlockInstead)}
            >
              {t("wizard.close")}
            </button>
          </div>
        </>
      )}

      {phase === "removed" && (
        <div>
          <p role="status">{cardPresent ? t("wizard.removedBack") : t("wizard.removed")}</p>
          <div className="actions">
            <button type="button" className="primary" disabled={!cardPresent} onClick={startOver}>
              {t("wizard.startOver")}
            </button>
            <button type="button" onClick={cancel}>
              {t("wizard.close")}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
