/**
 * What a card family must tell Pinwarden: how to recognise the card, which codes it
 * has, how to read their tries without spending one, how to change and unblock.
 * A new family is one new file here plus its twin in simulator/ (and its row in
 * contract/families.ts, its names in the catalogues).
 */
import type { CodeKind } from "../../contract/api.js";
import type { Family } from "../../contract/families.js";
import type { Status } from "../apdu/status.js";
import { swHex } from "../apdu/status.js";
import type { ApduChannel } from "../pcsc/channel.js";
import { PinwardenError } from "../core/errors.js";
import type { Secret } from "../core/secret.js";
import type { CardKnowledge } from "./card-knowledge.js";

export interface CodeInfo {
  /** Stable id: auth, sign, puk (pkcs15); auth, puk (piv); user, admin, reset (openpgp). */
  id: string;
  label: string;
  kind: CodeKind;
  /** The reference (P2) the card knows the code by. */
  reference: number;
  minLength: number;
  maxLength: number;
  /** Digits only, as the card declares it (a new code is held to it). */
  numeric: boolean;
  /**
   * What the card's encoding can carry, for a code the person already has (a current
   * PIN, a PUK): "digits" only where the encoding itself needs digits (BCD); otherwise
   * "any", because a current code is the card's to judge, not a type rule's.
   */
  charset: "digits" | "any";
  /** From the card or a documented fact about it (card-knowledge.ts); null = not known. */
  maxTries: number | null;
  /** Id of the code that unblocks this one. */
  unblockedBy?: string;
  /** Other codes the person may choose to unblock it with (OpenPGP: the resetting code). */
  alsoUnblockedBy?: string[];
  canChange: boolean;
  canUnblock: boolean;
  /** false: the card says the code was never set (PKCS#15 PinFlags.initialized off). */
  initialized?: boolean;
  /**
   * A VERIFY of this very code is well defined (its source is named where it is set), so
   * the current code can be checked before a change at the cost of the one try the change
   * would have cost. Absent or false: it is not (a PIV PUK, a resetting code).
   */
  verifiable?: boolean;
}

export interface CardLayout {
  /** The application: one card may carry several (a security key: PIV and OpenPGP). */
  family: Family;
  serial?: string;
  label?: string;
  codes: CodeInfo[];
}

/**
 * Tries left per code id. A code the card was asked about maps to its count, or to null
 * where the answer carried none (9000 "already verified", 6300). A code that could not be
 * asked without risking a try is left out: what an earlier answer taught stays known.
 */
export type TriesMap = Map<string, number | null>;

/** What a profile is told about the card before it sends anything. */
export interface CardContext {
  atr: Buffer;
  /** The row of card-knowledge.ts this card matched (or UNKNOWN_CARD). */
  knowledge: CardKnowledge;
  /** An empty VERIFY is safe here: the card's row says so, or the admin's policy does. */
  emptyVerifySafe: boolean;
  /**
   * Look beyond the application's standard AID (PKCS#15: EF.DIR, then 3F00/5015). The
   * service asks for it only where the standard probes found nothing, or the card's row
   * says the application is there, so other cards do not pay for the search.
   */
  deepSearch?: boolean;
}

/**
 * One family's application on one card insertion, as yubikit's session classes are one
 * applet over a connection: it owns the layout detection learned (and any state of the
 * family's), and runs the family's commands on it. The service keeps it for the insertion
 * and lends it a channel (one connection, one transaction) per operation.
 */
export interface CardSession<L extends CardLayout = CardLayout> {
  readonly layout: L;
  /** SELECTs the family's application of this card (one APDU). */
  select(channel: ApduChannel): Promise<boolean>;
  /**
   * Reads the counters of `ids` (all codes when omitted) without spending a try and
   * returns them; a code whose count cannot be read safely is left out of the map. What
   * to keep is the service's to decide: the layout is not modified.
   */
  readTries(channel: ApduChannel, card: CardContext, ids?: readonly string[]): Promise<TriesMap>;
  change(channel: ApduChannel, code: CodeInfo, current: Secret, next: Secret): Promise<void>;
  /** Unblocks `pin` with `unblocker` (a PUK, an OpenPGP resetting code or admin PIN). */
  unblock(channel: ApduChannel, pin: CodeInfo, unblocker: CodeInfo, puk: Secret, next: Secret): Promise<void>;
  /**
   * One VERIFY of `code` (one marked `verifiable`) with `current`, encoded exactly as
   * change() encodes it; throws the code's wrong/blocked error as a change would.
   */
  verify(channel: ApduChannel, code: CodeInfo, current: Secret): Promise<void>;
}

/** A detected application: its session, and the counters if detection already read them. */
export interface Detected<L extends CardLayout = CardLayout> {
  session: CardSession<L>;
  /** Counters read during detection, so a cold status does not read them twice. */
  tries?: TriesMap;
}

/** A card family: finds its application on a card and opens a session on it. */
export interface CardProfile<L extends CardLayout = CardLayout> {
  readonly family: Family;
  /** SELECTs the family's application and learns the card's layout; null if absent. */
  detect(channel: ApduChannel, card: CardContext): Promise<Detected<L> | null>;
}

/**
 * The wrong/blocked errors per kind of code. An OpenPGP admin PIN and resetting code are
 * not PUKs and are never called one (OpenPGP card spec 3.4 §4.3: PW3, RC).
 */
export const FAIL_CODES = {
  pin: { wrong: "PIN_WRONG", blocked: "PIN_BLOCKED" },
  puk: { wrong: "PUK_WRONG", blocked: "PUK_BLOCKED" },
  admin: { wrong: "ADMIN_PIN_WRONG", blocked: "ADMIN_PIN_BLOCKED" },
  reset: { wrong: "RESET_CODE_WRONG", blocked: "RESET_CODE_BLOCKED" },
} as const satisfies Record<CodeKind, { wrong: string; blocked: string }>;

/** Throws the user-level error for a failed VERIFY / CHANGE / RESET on `code`. */
export function failWith(code: CodeInfo, status: Status, sw: number): never {
  const { wrong, blocked } = FAIL_CODES[code.kind];
  switch (status.kind) {
    case "wrongCode":
      if (status.triesLeft === 0) throw new PinwardenError(blocked, { codeId: code.id, triesLeft: 0 });
      throw new PinwardenError(wrong, { codeId: code.id, triesLeft: status.triesLeft });
    case "failedNoCount":
      throw new PinwardenError(wrong, { codeId: code.id, triesLeft: null });
    case "blocked":
      throw new PinwardenError(blocked, { codeId: code.id, triesLeft: 0 });
    case "conditions":
    case "wrongData":
    case "notUsable":
      throw new PinwardenError("CARD_REFUSED_CODE", { codeId: code.id, technical: swHex(sw) });
    default:
      throw new PinwardenError("CARD_ERROR", { codeId: code.id, technical: swHex(sw) });
  }
}

/**
 * Tries left from the answer to an empty VERIFY; null when the answer says nothing.
 * 63Cx: x left. 6983: blocked. 9000 means "already verified in this session": the count
 * is not in the answer, so it is unknown (not "full"). 6300 (63 with no counter) is "no
 * information" (OpenSC iso7816.c), not zero: decodeStatus reads it as other.
 */
export function triesFromEmptyVerify(status: Status): number | null {
  if (status.kind === "wrongCode") return status.triesLeft;
  if (status.kind === "blocked") return 0;
  return null;
}

export function codeById(layout: CardLayout, id: string): CodeInfo | undefined {
  return layout.codes.find((c) => c.id === id);
}
