/**
 * What a card family must tell Pinwarden: how to recognise the card, which codes it
 * has, how to read their tries without spending one, how to change and unblock.
 * A new family is one new file here plus its twin in simulator/.
 */
import type { Status } from "../apdu/status.js";
import { swHex } from "../apdu/status.js";
import type { ApduChannel } from "../pcsc/channel.js";
import { PinwardenError } from "../service/errors.js";
import type { Secret } from "../service/secret.js";

export const FAMILIES = ["pkcs15", "piv", "openpgp"] as const;
export type Family = (typeof FAMILIES)[number];

export type CodeKind = "pin" | "puk" | "admin" | "reset";

export interface CodeInfo {
  /** Stable id: auth, sign, puk (pkcs15); auth, puk (piv); user, admin, reset (openpgp). */
  id: string;
  label: string;
  kind: CodeKind;
  /** The reference (P2) the card knows the code by. */
  reference: number;
  minLength: number;
  maxLength: number;
  /** Digits only, as the card declares it. */
  numeric: boolean;
  /** null where the card does not say and the family has no known default. */
  maxTries: number | null;
  /** Id of the code that unblocks this one. */
  unblockedBy?: string;
  canChange: boolean;
  canUnblock: boolean;
}

export interface CardLayout {
  family: Family;
  serial?: string;
  label?: string;
  codes: CodeInfo[];
}

/** Tries left per code id; null = the card cannot tell without risking a try. */
export type TriesMap = Map<string, number | null>;

export interface CardProfile<L extends CardLayout = CardLayout> {
  readonly family: Family;
  /** SELECTs the family's application and learns the card's layout; null if absent. */
  detect(channel: ApduChannel): Promise<L | null>;
  /** SELECTs the application of a card whose layout is already known (one APDU). */
  select(channel: ApduChannel, layout: L): Promise<boolean>;
  readTries(channel: ApduChannel, layout: L): Promise<TriesMap>;
  change(channel: ApduChannel, layout: L, code: CodeInfo, current: Secret, next: Secret): Promise<void>;
  unblock(channel: ApduChannel, layout: L, pin: CodeInfo, unblocker: CodeInfo, puk: Secret, next: Secret): Promise<void>;
}

const isPukLike = (code: CodeInfo) => code.kind !== "pin";

/** Throws the user-level error for a failed VERIFY / CHANGE / RESET on `code`. */
export function failWith(code: CodeInfo, status: Status, sw: number): never {
  const wrong = isPukLike(code) ? "PUK_WRONG" : "PIN_WRONG";
  const blocked = isPukLike(code) ? "PUK_BLOCKED" : "PIN_BLOCKED";
  switch (status.kind) {
    case "wrongCode":
      if (status.triesLeft === 0) throw new PinwardenError(blocked, { codeId: code.id, triesLeft: 0 });
      throw new PinwardenError(wrong, { codeId: code.id, triesLeft: status.triesLeft });
    case "blocked":
      throw new PinwardenError(blocked, { codeId: code.id, triesLeft: 0 });
    case "conditions":
    case "wrongData":
      throw new PinwardenError("CARD_REFUSED_CODE", { codeId: code.id, technical: swHex(sw) });
    default:
      throw new PinwardenError("CARD_ERROR", { codeId: code.id, technical: swHex(sw) });
  }
}

/** Tries left from the answer to an empty VERIFY; null when the answer says nothing. */
export function triesFromEmptyVerify(status: Status, maxTries: number | null): number | null {
  if (status.kind === "wrongCode") return status.triesLeft;
  if (status.kind === "blocked") return 0;
  // 9000: already verified in this session, so no try has been spent since the last reset.
  if (status.kind === "ok") return maxTries;
  return null;
}

/** Pads a code to `length` bytes with `pad`. The result is a fresh buffer: wipe it. */
export function padCode(code: Buffer, length: number, pad: number): Buffer {
  const out = Buffer.alloc(Math.max(length, code.length), pad);
  code.copy(out);
  return out;
}

export function codeById(layout: CardLayout, id: string): CodeInfo | undefined {
  return layout.codes.find((c) => c.id === id);
}
