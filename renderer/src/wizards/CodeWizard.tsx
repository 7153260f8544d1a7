/**
 * The two six-digit-code wizards, modelled on Net iD:
 *   change: 1 choose the PIN → 2 current code → 3 new code twice → 4 working / result
 *   unlock: 1 choose the PIN → 2 PUK          → 3 new PIN twice  → 4 working / result
 * Step numbers are stable: IT support reads them aloud ("What does step 2 say?").
 *
 * A card may carry several applications (a security key: PIV and OpenPGP); step 1 lists
 * the codes of each, and the request names the application. An OpenPGP user PIN is
 * unblocked with the admin PIN or the resetting code: step 1 asks which the person has,
 * and no text calls either a PUK. Where the card does not say how many tries are left,
 * step 2 warns and asks for the same confirmation as before a last try.
 *
 * The codes live here, in component state, and nowhere else: they are cleared on cancel,
 * on success, when the card is removed and on unmount. (A JS string cannot be zero-filled;
 * dropping every reference is what the renderer can do. The card service wipes its copy.)
 */
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import type { ApiError, AppFamily, CardStatus, CodeStatus } from "../../contract.js";
import { applicationsOf, cardUnblocksWithPuk, unblockedByPuk, usableUnblockers } from "../codes.js";
import { CodeInput } from "../components/CodeInput.js";
import { ErrorMessage } from "../components/ErrorMessage.js";
import { Tries, useCodeName } from "../components/Tries.js";
import { useApp } from "../state/store.js";
import { checkCurrent, checkNew, currentIsDigits, expectedLength, newIsDigits, type CodeProblem } from "../validation.js";

export type WizardMode = "change" | "unlock";
type Phase = "choose" | "current" | "new" | "working" | "done" | "failed" | "removed";

const STEP: Record<Phase, number> = { choose: 1, current: 2, new: 3, working: 4, done: 4, failed: 4, removed: 4 };
const TOTAL = 4;

/** A code the wizard can act on, with its application and that application's codes. */
interface Choice {
  app: AppFamily;
  code: CodeStatus;
  appCodes: CodeStatus[];
}

const keyOf = (c: { app: AppFamily; code: { id: string } }) => `${c.app}/${c.code.id}`;

function eligible(status: CardStatus | null, mode: WizardMode): Choice[] {
  if (!status) return [];
  return applicationsOf(status).flatMap((a) =>
    a.codes
      .filter((c) =>
        mode === "change"
          ? c.canChange && (c.kind === "pin" || c.kind === "admin")
          : c.kind === "pin" && c.canUnblock && usableUnblockers(c, a.codes).length > 0,
      )
      .map((code) => ({ app: a.app, code, appCodes: a.codes })),
  );
}

const WRONG_CODE = ["PIN_WRONG", "PUK_WRONG", "ADMIN_PIN_WRONG", "RESET_CODE_WRONG"];

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
  const { api, info, status, cardEpoch, cardPresent, open, applyStatus, record } = useApp();
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
  const [problem, setProblem] = useState<CodeProblem | "lastTry" | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const epoch = useRef(cardEpoch);

  const clearCodes = () => {
    setFirst("");
    setNext("");
    setConfirm("");
    setLastTryOk(false);
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
  const needsConfirm = !!typed && (typed.triesLeft === 1 || unknownCount);
  const typedWords = (kind: CodeStatus["kind"]) => (kind === "admin" ? "wizard.admin" : kind === "reset" ? "wizard.reset" : "wizard.puk");

  const cancel = () => {
    clearCodes();
    open({ name: "status" });
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
    setProblem(null);
    setPhase("choose");
  };

  async function send() {
    if (!api || !pin || !choice || !typed) return;
    setPhase("working");
    setError(null);
    const app = choice.app;
    const r =
      mode === "change"
        ? await api.changePin({ pinId: pin.id, current: first, next, app })
        : await api.unblockPin({ pinId: pin.id, puk: first, next, app, using: typed.id });
    clearCodes();
    if (r.ok) applyStatus(r.value);
    else if (r.status) applyStatus(r.status);
    record({
      operation: mode === "change" ? "changePin" : "unblockPin",
      codeId: pin.id,
      result: r.ok ? "ok" : r.error.code,
      ...(r.ok ? {} : { support: r.error.support }),
    });
    if (r.ok) {
      setPhase("done");
      return;
    }
    setError(r.error);
    // A wrong code goes back to where it was typed, with the new count on screen.
    if (WRONG_CODE.includes(r.error.code)) setPhase("current");
    else if (r.error.code.startsWith("CODE_") || r.error.code === "CARD_REFUSED_CODE") setPhase("new");
    else if (r.error.code === "CARD_REMOVED") setPhase("removed");
    else setPhase("failed");
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!pin || !typed || !info) return;
    setProblem(null);
    if (phase === "choose") {
      setError(null);
      setPhase("current");
    } else if (phase === "current") {
      if (needsConfirm && !lastTryOk) return setProblem("lastTry");
      const p = checkCurrent(typed, first);
      if (p) return setProblem(p);
      setError(null);
      setPhase("new");
    } else if (phase === "new") {
      const p = checkNew(pin, info.rules, next, confirm, mode === "change" ? first : undefined);
      if (p) return setProblem(p);
      void send();
    }
  }

  const problemText = (p: CodeProblem | "lastTry") => {
    if (p === "lastTry") return t("wizard.lastTryRequired");
    if (p.kind === "length") {
      const words = p.digits ? ["validation.length", "validation.lengthRange"] : ["validation.lengthChars", "validation.lengthRangeChars"];
      return p.min === p.max ? t(words[0]!, { min: p.min }) : t(words[1]!, { min: p.min, max: p.max });
    }
    return t(`validation.${p.kind}`);
  };

  if (!pin || !typed) {
    return (
      <section aria-labelledby="wizard-title" onKeyDown={onKeyDown}>
        <h2 id="wizard-title">{title}</h2>
        <p role="status">{status ? t(noPuk ? "wizard.nothingToUnlockNoPuk" : "wizard.nothingToUnlock") : t("status.noCard")}</p>
        <button type="button" onClick={cancel}>
          {t("wizard.close")}
        </button>
      </section>
    );
  }

  const step = STEP[phase];
  const problemId = "wizard-problem";
  return (
    <section aria-labelledby="wizard-title" className="wizard" onKeyDown={onKeyDown}>
      <h2 id="wizard-title">{title}</h2>
      <p className="step" data-step={step}>
        {t("wizard.step", { step, total: TOTAL })}
      </p>
      {error && phase !== "done" && <ErrorMessage error={error} noPuk={noPuk} />}
      {problem && (
        <p id={problemId} className="error" role="alert">
          {problemText(problem)}
        </p>
      )}

      {(phase === "choose" || phase === "current" || phase === "new") && (
        <form onSubmit={submit} noValidate>
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

          {phase === "current" && (
            <>
              <h3>{t(mode === "change" ? "wizard.current.title" : `${typedWords(typed.kind)}.title`)}</h3>
              <Tries code={typed} />
              {needsConfirm && (
                <div className="last-try">
                  <p role="alert">{unknownCount ? t("wizard.unknownTries") : t("wizard.lastTry", { code: name(typed) })}</p>
                  <label>
                    <input type="checkbox" autoFocus checked={lastTryOk} onChange={(e) => setLastTryOk(e.target.checked)} />{" "}
                    {t(unknownCount ? "wizard.unknownTriesConfirm" : "wizard.lastTryConfirm")}
                  </label>
                </div>
              )}
              <CodeInput
                name="first"
                label={mode === "change" ? t("wizard.current.label", { code: name(pin) }) : t(`${typedWords(typed.kind)}.label`)}
                value={first}
                onChange={setFirst}
                length={expectedLength(typed, info!.rules)}
                maxLength={typed.maxLength}
                numeric={currentIsDigits(typed)}
                autoFocus={!needsConfirm}
                invalid={!!problem}
                {...(problem ? { describedBy: problemId } : {})}
              />
            </>
          )}

          {phase === "new" && (
            <>
              <h3>{t("wizard.new.title")}</h3>
              <CodeInput
                name="next"
                label={t("wizard.new.label", { code: name(pin) })}
                value={next}
                onChange={setNext}
                length={expectedLength(pin, info!.rules)}
                maxLength={pin.maxLength}
                numeric={newIsDigits(pin, info!.rules)}
                autoFocus
                invalid={!!problem}
                {...(problem ? { describedBy: problemId } : {})}
              />
              <CodeInput
                name="confirm"
                label={t("wizard.new.confirm")}
                value={confirm}
                onChange={setConfirm}
                length={expectedLength(pin, info!.rules)}
                maxLength={pin.maxLength}
                numeric={newIsDigits(pin, info!.rules)}
                invalid={problem !== null && problem !== "lastTry" && problem.kind === "mismatch"}
              />
            </>
          )}

          <div className="actions">
            <button type="button" onClick={cancel}>
              {t("wizard.cancel")}
            </button>
            <button type="submit" className="primary">
              {phase === "new" ? t(mode === "change" ? "wizard.change.ok" : "wizard.unlock.ok") : t("wizard.next")}
            </button>
          </div>
        </form>
      )}

      {phase === "working" && (
        <p role="status" aria-busy="true">
          {t("wizard.working")}
        </p>
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

      {phase === "failed" && (
        <div className="actions">
          {error?.code === "PIN_BLOCKED" && (
            <button type="button" className="primary" autoFocus onClick={() => open({ name: "unlock", pinId: pin.id, app: choice!.app })}>
              {t(noPuk ? "wizard.offerUnlockNoPuk" : "wizard.offerUnlock")}
            </button>
          )}
          <button type="button" onClick={startOver} autoFocus={error?.code !== "PIN_BLOCKED"}>
            {t("wizard.startOver")}
          </button>
          <button type="button" onClick={cancel}>
            {t("wizard.close")}
          </button>
        </div>
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
