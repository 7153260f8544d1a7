/**
 * The two six-digit-code wizards, modelled on Net iD:
 *   change: 1 choose the PIN → 2 current code → 3 new code twice → 4 working / result
 *   unlock: 1 choose the PIN → 2 PUK          → 3 new PIN twice  → 4 working / result
 * Step numbers are stable: IT support reads them aloud ("What does step 2 say?").
 *
 * The codes live here, in component state, and nowhere else: they are cleared on cancel,
 * on success, when the card is removed and on unmount. (A JS string cannot be zero-filled;
 * dropping every reference is what the renderer can do. The card service wipes its copy.)
 */
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import type { ApiError, CardStatus, CodeStatus } from "../../contract.js";
import { CodeInput } from "../components/CodeInput.js";
import { ErrorMessage } from "../components/ErrorMessage.js";
import { Tries, useCodeName } from "../components/Tries.js";
import { useApp } from "../state/store.js";
import { checkCurrent, checkNew, expectedLength, type CodeProblem } from "../validation.js";

export type WizardMode = "change" | "unlock";
type Phase = "choose" | "current" | "new" | "working" | "done" | "failed" | "removed";

const STEP: Record<Phase, number> = { choose: 1, current: 2, new: 3, working: 4, done: 4, failed: 4, removed: 4 };
const TOTAL = 4;

function eligible(status: CardStatus | null, mode: WizardMode): CodeStatus[] {
  if (!status) return [];
  return status.codes.filter((c) =>
    mode === "change" ? c.canChange && (c.kind === "pin" || c.kind === "admin") : c.kind === "pin" && c.canUnblock,
  );
}

export function CodeWizard({ mode, initialPinId }: { mode: WizardMode; initialPinId?: string | undefined }) {
  const { t } = useTranslation();
  const name = useCodeName();
  const { api, info, status, cardEpoch, cardPresent, open, applyStatus, record, refresh } = useApp();
  const codes = eligible(status, mode);
  const [phase, setPhase] = useState<Phase>("choose");
  const [pinId, setPinId] = useState<string | undefined>(initialPinId ?? codes[0]?.id);
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
  const snapshot = useRef<{ pin?: CodeStatus | undefined; typed?: CodeStatus | undefined }>({});
  const livePin = codes.find((c) => c.id === pinId) ?? codes[0];
  const liveTyped = livePin && mode === "unlock" ? status?.codes.find((c) => c.id === livePin.unblockedBy) : livePin;
  if (livePin && liveTyped) snapshot.current = { pin: livePin, typed: liveTyped };
  const pin = livePin ?? snapshot.current.pin;
  const typed = liveTyped ?? snapshot.current.typed;
  const title = t(mode === "change" ? "wizard.change.title" : "wizard.unlock.title");

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

  const startOver = () => {
    clearCodes();
    setError(null);
    setProblem(null);
    setPhase("choose");
    void refresh();
  };

  async function send() {
    if (!api || !pin) return;
    setPhase("working");
    setError(null);
    const r =
      mode === "change"
        ? await api.changePin({ pinId: pin.id, current: first, next })
        : await api.unblockPin({ pinId: pin.id, puk: first, next });
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
    if (r.error.code === "PIN_WRONG" || r.error.code === "PUK_WRONG") setPhase("current");
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
      if (typed.triesLeft === 1 && !lastTryOk) return setProblem("lastTry");
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
    if (p.kind === "length")
      return p.min === p.max ? t("validation.length", { min: p.min }) : t("validation.lengthRange", { min: p.min, max: p.max });
    return t(`validation.${p.kind}`);
  };

  if (!pin || !typed) {
    return (
      <section aria-labelledby="wizard-title" onKeyDown={onKeyDown}>
        <h2 id="wizard-title">{title}</h2>
        <p role="status">{status ? t("wizard.nothingToUnlock") : t("status.noCard")}</p>
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
      {error && phase !== "done" && <ErrorMessage error={error} />}
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
              {codes.map((c, i) => (
                <label key={c.id} className="choice">
                  <input
                    type="radio"
                    name="pin"
                    value={c.id}
                    checked={c.id === pin.id}
                    autoFocus={i === 0}
                    onChange={() => setPinId(c.id)}
                  />
                  <span>{name(c)}</span> <Tries code={c} />
                </label>
              ))}
            </fieldset>
          )}

          {phase === "current" && (
            <>
              <h3>{t(mode === "change" ? "wizard.current.title" : "wizard.puk.title")}</h3>
              <Tries code={typed} />
              {typed.triesLeft === 1 && (
                <div className="last-try">
                  <p role="alert">{t("wizard.lastTry", { code: name(typed) })}</p>
                  <label>
                    <input type="checkbox" autoFocus checked={lastTryOk} onChange={(e) => setLastTryOk(e.target.checked)} />{" "}
                    {t("wizard.lastTryConfirm")}
                  </label>
                </div>
              )}
              <CodeInput
                name="first"
                label={mode === "change" ? t("wizard.current.label", { code: name(pin) }) : t("wizard.puk.label")}
                value={first}
                onChange={setFirst}
                length={expectedLength(typed, info!.rules)}
                maxLength={typed.maxLength}
                numeric={typed.numeric}
                autoFocus={typed.triesLeft !== 1}
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
                numeric={pin.numeric || info!.rules.digitsOnly}
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
                numeric={pin.numeric || info!.rules.digitsOnly}
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
          <Tries code={status?.codes.find((c) => c.id === pin.id) ?? pin} />
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
            <button type="button" className="primary" autoFocus onClick={() => open({ name: "unlock", pinId: pin.id })}>
              {t("wizard.offerUnlock")}
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
