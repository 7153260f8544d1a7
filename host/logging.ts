/**
 * winston to a size-rotated file in the platform's log directory (and the console in
 * development). A redaction format runs before every transport: it drops any field whose
 * name could hold a code, turns Secrets and Buffers into "[redacted]", and masks runs of
 * 4–12 digits in free text (PINs and PUKs are 4–12 digits) outside fields known to be safe.
 */
import { homedir } from "node:os";
import { join, win32 } from "node:path";
import winston, { format, type Logger } from "winston";

/** Field names that may hold a code, whatever the nesting. `codeId` is a code's name, not a code. */
const SECRET_KEY =
  /^(pin|puk|code|codes|current|next|new|old|confirm|secret|password|passcode|body|payload|data|value)$|pin$|puk$|password$|secret$/i;
/** Fields whose digits are identifiers a supporter needs, never a code. */
const SAFE_KEYS = new Set([
  "codeId",
  "serial",
  "atr",
  "reader",
  "timestamp",
  "level",
  "triesLeft",
  "maxTries",
  "technical",
  "support",
  "version",
  "pid",
]);
const DIGIT_RUN = /(?<!\d)\d{4,12}(?!\d)/g;

export const REDACTED = "[redacted]";

/** An error code such as PIN_WRONG under the key "code" is a name, not a PIN. */
const ERROR_CODE = /^[A-Z][A-Z_]+$/;

function scrub(value: unknown, key: string | undefined, depth: number): unknown {
  if (key === "code" && typeof value === "string" && ERROR_CODE.test(value)) return value;
  if (key !== undefined && key !== "message" && SECRET_KEY.test(key)) return REDACTED;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return REDACTED;
  if (typeof value === "string") return key !== undefined && SAFE_KEYS.has(key) ? value : value.replace(DIGIT_RUN, "****");
  if (value === null || typeof value !== "object") return value;
  if (depth > 6) return "[deep]";
  if (typeof (value as { toJSON?: unknown }).toJSON === "function" && !(value instanceof Date))
    return scrub((value as { toJSON(): unknown }).toJSON(), key, depth + 1);
  if (Array.isArray(value)) return value.map((v) => scrub(v, undefined, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrub(v, k, depth + 1);
  return out;
}

/** The redaction, as a winston format: every field is replaced by its scrubbed self. */
export const redact = format((info) => {
  const clean = scrub({ ...info }, undefined, 0) as Record<string, unknown>;
  Object.assign(info, clean);
  return info;
});

export interface LogOptions {
  directory: string;
  level?: string;
  console?: boolean;
}

export const LOG_FILE = "pinwarden.log";

/** Redacts one log line again (for the diagnostics export): JSON lines field by field, others as text. */
export function redactLine(line: string): string {
  try {
    return JSON.stringify(scrub(JSON.parse(line), undefined, 0));
  } catch {
    return line.replace(DIGIT_RUN, "****");
  }
}

export function createLogger(options: LogOptions): Logger {
  const transports: winston.transport[] = [
    new winston.transports.File({
      filename: join(options.directory, LOG_FILE),
      maxsize: 1024 * 1024,
      maxFiles: 5,
      tailable: true,
    }),
  ];
  if (options.console) transports.push(new winston.transports.Console({ format: format.combine(redact(), format.simple()) }));
  return winston.createLogger({
    level: options.level ?? "info",
    format: format.combine(redact(), format.timestamp(), format.json()),
    transports,
  });
}

/** The user's log directory, the same for the tray app and the CLI; policy's logDirectory wins. */
export function defaultLogDirectory(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home = homedir(),
): string {
  if (platform === "win32") return win32.join(env.APPDATA ?? win32.join(home, "AppData", "Roaming"), "Pinwarden", "logs");
  if (platform === "darwin") return join(home, "Library", "Logs", "Pinwarden");
  return join(env.XDG_CONFIG_HOME ?? join(home, ".config"), "Pinwarden", "logs");
}
