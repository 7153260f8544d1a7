/**
 * The ISO 7816-4 PIN commands every family inherits, with the code's encoding and padding
 * as data, as OpenSC's iso7816.c (iso7816_build_pin_apdu) and sec.c (sc_build_pin) give
 * its card drivers: VERIFY (INS 20), CHANGE REFERENCE DATA (24) and RESET RETRY COUNTER
 * (2C) built from the reference (P2, flags included), P1 and the encoded codes; one way to
 * encode a code (ASCII, BCD, ISO 9564-1 format 2, padded or not); and one routine that
 * encodes the codes, sends the command and always wipes what held them.
 *
 * A profile keeps only what differs: its references and P1 (PIV 00/80/81, OpenPGP
 * 81/82/83 and P1 02), its encoding (PKCS#15 from the AODF; PIV FF-padded to 8; OpenPGP as
 * typed, or its KDF hash), and what it does around the command (PKCS#15 SELECTs the PIN's
 * DF first; OpenPGP reads C4 after a failure that carries no count).
 */
import { changeReferenceData, resetRetryCounter, verify, type CommandApdu } from "../apdu/command.js";
import type { ApduChannel, Response } from "../pcsc/channel.js";
import { wipe } from "../core/bytes.js";
import { PinwardenError } from "../core/errors.js";
import type { Secret } from "../core/secret.js";
import { failWith, type CodeInfo } from "./profile.js";

// --- the commands ------------------------------------------------------------------

/** Which ISO PIN command: SC_PIN_CMD_VERIFY, _CHANGE, _UNBLOCK in OpenSC's words. */
export type PinOperation = "verify" | "change" | "unblock";

export interface PinCommand {
  operation: PinOperation;
  /** P2: the reference the card knows the code by, with any flag the card wants (bit 8). */
  reference: number;
  /**
   * P1, 00 where absent. RESET RETRY COUNTER takes 00 for PUK‖new and 02 for the new code
   * alone (ISO 7816-4 §11.5.10; OpenPGP card 3.4 §7.2.7 after VERIFY PW3).
   */
  p1?: number;
}

/** The command APDU for `command` with `data` (the encoded codes, concatenated); marked secret. */
export function pinApdu(command: PinCommand, data: Buffer): CommandApdu {
  switch (command.operation) {
    case "verify":
      return verify(command.reference, data);
    case "change":
      return changeReferenceData(command.reference, data);
    case "unblock":
      return resetRetryCounter(command.reference, data, command.p1 ?? 0x00);
  }
}

// --- encoding --------------------------------------------------------------------

/**
 * How a code goes on the wire (OpenSC struct sc_pin_cmd_pin: encoding, pad_length,
 * pad_char; sec.c sc_build_pin):
 * - ascii: the bytes as typed;
 * - bcd: two digits a byte, an odd last digit completed with the pad char's low nibble;
 * - glp: ISO 9564-1 format 2, 2L then the digits in BCD, filled with the pad char
 *   (SC_PIN_ENCODING_GLP: F, to 8 bytes).
 * Padding to `padLength` bytes with `padChar` (0: none). A code longer than `maxLength`
 * bytes is refused before any APDU (CODE_LENGTH), never cut.
 */
export interface PinFormat {
  encoding: "ascii" | "bcd" | "glp";
  /** Bytes on the wire after padding (BCD: packed bytes); 0 = not padded. */
  padLength: number;
  padChar: number;
  maxLength?: number;
}

/** Pads a code to `length` bytes with `pad`. The result is a fresh buffer: wipe it. */
export function padCode(code: Buffer, length: number, pad: number): Buffer {
  const out = Buffer.alloc(Math.max(length, code.length), pad);
  code.copy(out);
  return out;
}

/** Two digits a byte; an odd last digit gets `fill`'s low nibble (sec.c sc_build_pin). */
function packBcd(digits: Uint8Array, out: Buffer, at: number, fill: number): void {
  for (let j = 0; j < digits.length; j++) {
    const d = digits[j]! - 0x30;
    const i = at + (j >> 1);
    out[i] = j % 2 === 0 ? (d << 4) | (fill & 0x0f) : (out[i]! & 0xf0) | d;
  }
}

/** `secret` as `format` puts it on the wire. A fresh buffer: wipe it. */
export function encodePin(code: CodeInfo, format: PinFormat, secret: Secret): Buffer {
  const bytes = secret.bytes();
  if (format.encoding !== "ascii" && !bytes.every((b) => b >= 0x30 && b <= 0x39)) {
    // Checked before any APDU by CodeInfo.charset; refused here too rather than mis-encoded.
    throw new PinwardenError("CODE_NOT_DIGITS", { codeId: code.id });
  }
  if (format.maxLength !== undefined && bytes.length > format.maxLength) {
    throw new PinwardenError("CODE_LENGTH", { codeId: code.id, minLength: code.minLength, maxLength: format.maxLength });
  }
  switch (format.encoding) {
    case "glp": {
      const out = Buffer.alloc(format.padLength, format.padChar);
      out[0] = 0x20 | bytes.length;
      packBcd(bytes, out, 1, format.padChar);
      return out;
    }
    case "bcd": {
      const out = Buffer.alloc(Math.max(Math.ceil(bytes.length / 2), format.padLength), format.padChar);
      packBcd(bytes, out, 0, format.padChar);
      return out;
    }
    case "ascii":
      return padCode(bytes, format.padLength, format.padChar);
  }
}

// --- sending -----------------------------------------------------------------------

export interface SendCodesOptions {
  /** Whose wrong/blocked error a refusal is (the PUK's for an unblock). */
  blame: CodeInfo;
  /** Runs once the codes are encoded, before the command goes (PKCS#15: SELECT the PIN's DF). */
  before?: () => Promise<void>;
  /** How the command goes out; `channel.send` where absent. */
  send?: (command: CommandApdu) => Promise<Response>;
  /** A refusal (not 9000): must throw. Where absent, `blame`'s error from the status word. */
  fail?: (response: Response) => Promise<never>;
}

/**
 * Encodes `codes` in order, sends `command` with them concatenated as its data, and
 * zero-fills every buffer that held a code afterwards, whatever happens: also when a
 * later code is refused while encoding (nothing is sent then), and when the answer is a
 * refusal. Returns the card's (9000) answer.
 */
export async function sendWithCodes(
  channel: ApduChannel,
  command: PinCommand,
  codes: readonly (() => Buffer)[],
  options: SendCodesOptions,
): Promise<Response> {
  const held: Buffer[] = [];
  try {
    for (const code of codes) held.push(code());
    const data = Buffer.concat(held);
    held.push(data);
    await options.before?.();
    const apdu = pinApdu(command, data);
    const r = await (options.send ? options.send(apdu) : channel.send(apdu));
    if (r.status.kind !== "ok") {
      if (options.fail) await options.fail(r);
      failWith(options.blame, r.status, r.sw);
    }
    return r;
  } finally {
    wipe(...held);
  }
}
