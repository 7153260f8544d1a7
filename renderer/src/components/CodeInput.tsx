import { useId, useState } from "react";
import { useTranslation } from "react-i18next";

interface Props {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** How many digit boxes to draw (the expected length). */
  length: number;
  maxLength: number;
  numeric: boolean;
  autoFocus?: boolean;
  invalid?: boolean;
  describedBy?: string;
  name: string;
}

/**
 * One masked field for one code, with a box per expected digit. Typing a non-digit into
 * a numeric code is refused on the spot, with a note saying why.
 */
export function CodeInput({ label, value, onChange, length, maxLength, numeric, autoFocus, invalid, describedBy, name }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [refused, setRefused] = useState(false);
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
        maxLength={maxLength}
        value={value}
        autoFocus={autoFocus}
        aria-invalid={invalid || undefined}
        aria-describedby={[countId, refused ? noteId : "", describedBy ?? ""].filter(Boolean).join(" ")}
        onChange={(e) => {
          const typed = e.target.value;
          const kept = numeric ? typed.replace(/[^0-9]/g, "") : typed;
          setRefused(kept !== typed);
          onChange(kept.slice(0, maxLength));
        }}
      />
      <div className="boxes" aria-hidden="true">
        {Array.from({ length: Math.max(length, value.length) }, (_, i) => (
          <span key={i} className={i < value.length ? "box filled" : "box"} />
        ))}
      </div>
      <div id={countId} className="hint">
        {t("wizard.digits", { count: value.length, length })}
      </div>
      {refused && (
        <div id={noteId} className="hint warn" role="status">
          {t("wizard.digitsOnly")}
        </div>
      )}
    </div>
  );
}
