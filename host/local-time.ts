/** Dates and times as the wall clock where Pinwarden runs shows them (support reads them aloud). */

const two = (n: number) => String(n).padStart(2, "0");

/** "2026-11-24": the local calendar day. */
export const localDay = (d: Date) => `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;

/** "2026-11-24 08:27 (UTC+01:00)": the wall-clock time where the report is made, and its offset. */
export function localTime(iso: string, seconds = false): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? "-" : "+";
  const zone = `UTC${sign}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
  const time = `${two(d.getHours())}:${two(d.getMinutes())}${seconds ? `:${two(d.getSeconds())}` : ""}`;
  return `${localDay(d)} ${time} (${zone})`;
}
