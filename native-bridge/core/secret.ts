/**
 * A PIN or PUK in memory. It holds the digits in a Buffer that `wipe()` zero-fills; it
 * refuses to be printed, serialised or inspected, so a stray log line shows
 * "[redacted]" rather than a code.
 */
import { inspect } from "node:util";
import { allDigits } from "../../contract/rules.js";
import { wipe } from "./bytes.js";

export class Secret {
  #bytes: Buffer;
  #wiped = false;

  private constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  /** Takes ownership of `bytes` (they are wiped with the secret). */
  static fromBuffer(bytes: Buffer): Secret {
    return new Secret(bytes);
  }

  /** From a string typed by the user. Strings cannot be wiped: prefer fromBuffer. */
  static fromString(text: string): Secret {
    return new Secret(Buffer.from(text, "utf8"));
  }

  get length(): number {
    return this.#bytes.length;
  }

  get wiped(): boolean {
    return this.#wiped;
  }

  /** The bytes, for building an APDU. The caller must not keep them. */
  bytes(): Buffer {
    if (this.#wiped) throw new Error("secret used after wipe");
    return this.#bytes;
  }

  isDigits(): boolean {
    return allDigits(this.#bytes);
  }

  equals(other: Secret): boolean {
    return this.#bytes.equals(other.#bytes);
  }

  wipe(): void {
    wipe(this.#bytes);
    this.#wiped = true;
  }

  toString(): string {
    return "[redacted]";
  }

  toJSON(): string {
    return "[redacted]";
  }

  [inspect.custom](): string {
    return "Secret([redacted])";
  }
}

export function wipeAll(...secrets: (Secret | undefined)[]): void {
  for (const s of secrets) s?.wipe();
}
