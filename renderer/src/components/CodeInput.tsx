import { useId, useState, type ReactNode, type Ref } from "react";
import { useTranslation } from "react-i18next";
import { byteLength } from "../validation.js";

interface Props {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** How many boxes to draw (the expected length). */
  length: number;
  /** The shortest and the longest the rule allows (bytes as the card stores them). */
  min: number;
  max: number;
  /** Only digits may be typed (the card's encoding or the policy needs them). */
  numeric: boolean;
  autoFocus?: boolean;
  disabled?: boolean;
  /** Shown but not editable (a current code the card has already accepted). */
  readOnly?: boolean;
  /** Said between the label and the field (tries left, where the code is to be found). */
  hint?: ReactNode;
  /** What is wrong with what was typed, said under the field. */
  message?: ReactNode;
  name: string;
  inputRef?: Ref<HTMLInputElement>;
}

type Refusal = { kind: "digits" } | { kind: "tooLong" } | null;

/**
 * One masked field for one code, with a box per expected character. A keystroke (or a
 * paste) that would put a character the code cannot hold, or one more than the rule
 * allows, is refused as a whole: the field keeps what it had, and a note under it says
 * why. Nothing typed is ever dropped without a word. Everything said about the field (the
 * hint, the count, a refusal, a problem) is under or above it and tied to it with
 * aria-describedby, the problem first.
 */
export function CodeInput(props: Props) {
  const { label, value, onChange, length, min, max, numeric, autoFocus, disabled, readOnly, hint, message, name, inputRef } = props;
  const { t } = useTranslation();
  const id = useId();
  const [refused, setRefused] = useState<Refusal>(null);
  const ids = { hint: `${id}-hint`, count: `${id}-count`, note: `${id}-note`, message: `${id}-message` };
  const unit = numeric ? "digits" : "chars";
  const count =
    min === max ? t(`wizard.${unit}`, { count: value.length, length: max }) : t(`wizard.${unit}Range`, { count: value.length, min, max });
  const describedBy = [message ? ids.message : "", hint ? ids.hint : "", ids.count, refused ? ids.note : ""].filter(Boolean).join(" ");
  return (
    <div className="code-input">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <div id={ids.hint} className="hint">
          {hint}
        </div>
      )}
      <input
        id={id}
        ref={inputRef}
        name={name}
        type="password"
        inputMode={numeric ? "numeric" : "text"}
        autoComplete="off"
        spellCheck={false}
        value={value}
        autoFocus={autoFocus}
        disabled={disabled}
        readOnly={readOnly}
        aria-invalid={message ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => {
          const typed = e.target.value;
          if (numeric && /[^0-9]/.test(typed)) return setRefused({ kind: "digits" });
          // Deleting is always allowed, even past the limit; adding past it is refused.
          if (byteLength(typed) > max && typed.length > value.length) return setRefused({ kind: "tooLong" });
          setRefused(null);
          onChange(typed);
        }}
      />
      <div className="boxes" aria-hidden="true">
        {Array.from({ length: Math.max(length, value.length) }, (_, i) => (
          <span key={i} className={i < value.length ? "box filled" : "box"} />
        ))}
      </div>
      <div id={ids.count} className="hint">
        {count}
      </div>
      {refused && (
        <div id={ids.note} className="hint warn" role="status">
          {refused.kind === "digits" ? t("wizard.digitsOnly") : t(numeric ? "wizard.tooLongDigits" : "wizard.tooLong", { max })}
        </div>
      )}
      {message && (
        <div id={ids.message} className="field-message" role="alert">
          {message}
        </div>
      )}
    </div>
  );
}
