import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { byteLength } from "../validation.js";

interface Props {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** How many boxes to draw (the expected length). */
  length: number;
  /** The most the card takes (bytes as it stores them). */
  maxLength: number;
  /** Only digits may be typed (the card's encoding or the policy needs them). */
  numeric: boolean;
  autoFocus?: boolean;
  invalid?: boolean;
  describedBy?: string;
  name: string;
}

type Refusal = { kind: "digits" } | { kind: "tooLong" } | null;

/**
 * One masked field for one code, with a box per expected character. A keystroke (or a
 * paste) that would put a character the code cannot hold, or one too many, is refused
 * as a whole: the field keeps what it had, and a note under it says why. Nothing typed
 * is ever dropped without a word.
 */
export function CodeInput({ label, value, onChange, length, maxLength, numeric, autoFocus, invalid, describedBy, name }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [refused, setRefused] = useState<Refusal>(null);
  const countId = `${id}-count`;
  const noteId = `${id}-note`;
  return (
    <div className="code-input">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type="password"
        inputMode={numeric ? "numeric" : "text"}
        autoComplete="off"
        spellCheck={false}
        value={value}
        autoFocus={autoFocus}
        aria-invalid={invalid || undefined}
        aria-describedby={[countId, refused ? noteId : "", describedBy ?? ""].filter(Boolean).join(" ")}
        onChange={(e) => {
          const typed = e.target.value;
          if (numeric && /[^0-9]/.test(typed)) return setRefused({ kind: "digits" });
          // Deleting is always allowed, even past the limit; adding past it is refused.
          if (byteLength(typed) > maxLength && typed.length > value.length) return setRefused({ kind: "tooLong" });
          setRefused(null);
          onChange(typed);
        }}
      />
      <div className="boxes" aria-hidden="true">
        {Array.from({ length: Math.max(length, value.length) }, (_, i) => (
          <span key={i} className={i < value.length ? "box filled" : "box"} />
        ))}
      </div>
      <div id={countId} className="hint">
        {t(numeric ? "wizard.digits" : "wizard.chars", { count: value.length, length })}
      </div>
      {refused && (
        <div id={noteId} className="hint warn" role="status">
          {refused.kind === "digits" ? t("wizard.digitsOnly") : t("wizard.tooLong", { max: maxLength })}
        </div>
      )}
    </div>
  );
}
