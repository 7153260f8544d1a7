/**
 * The schema every request must pass before a handler sees it (host/handlers.ts), one row
 * per call of the table (contract/calls.ts; null: the call takes no request). A payload
 * that fails is rejected (REQUEST_REJECTED) without being echoed. The request types are
 * the schemas' own.
 */
import { z } from "zod";
import type { CallName, RequestOf } from "./calls.js";
import { FAMILIES } from "./families.js";

const codeId = z.string().regex(/^[a-z0-9-]{1,32}$/);
/** A code as typed: its rules are checked later, by the wizard and the service, never echoed. */
const code = z.string().min(1).max(64);
const app = z.enum(FAMILIES);

export const changePinSchema = z.strictObject({
  pinId: codeId,
  current: code,
  next: code,
  /** The application, on a card that carries several (default: the first). */
  app: app.optional(),
});
/** A current code to check before a change (the code is never sent back). */
export const checkCodeSchema = z.strictObject({ pinId: codeId, current: code, app: app.optional() });
export const unblockPinSchema = z.strictObject({
  pinId: codeId,
  /** The unblocking code the person typed: a PUK, an admin PIN or a resetting code. */
  puk: code,
  next: code,
  app: app.optional(),
  /** Id of the unblocking code typed, where the PIN has several (OpenPGP: "admin" or "reset"). */
  using: codeId.optional(),
});
export type ChangePinRequest = z.infer<typeof changePinSchema>;
export type CheckCodeRequest = z.infer<typeof checkCodeSchema>;
export type UnblockPinRequest = z.infer<typeof unblockPinSchema>;

/** Every call's schema: a missing row, or one that disagrees with the call's request type, does not compile. */
export const REQUEST_SCHEMAS: { [K in CallName]: RequestOf<K> extends undefined ? null : z.ZodType<RequestOf<K>> } = {
  info: null,
  status: null,
  latestStatus: null,
  support: null,
  exportDiagnostics: null,
  changePin: changePinSchema,
  checkCode: checkCodeSchema,
  unblockPin: unblockPinSchema,
};
