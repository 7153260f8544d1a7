/**
 * Status words (ISO 7816-4 §5.6 and the variants real cards use, see docs/cards.md).
 * Every SW the code base reacts to is named here once, with its meaning; profiles map
 * a decoded status to a user-level outcome because cards disagree on the details.
 */
export type Status =
  | { kind: "ok" }
  /** 63Cx (or 630x on some PIV cards): wrong code, x tries left. 63C0 = none left. */
  | { kind: "wrongCode"; triesLeft: number }
  /**
   * 6300: verification failed, no information given (ISO 7816-4). Not "0 tries left":
   * OpenSC's iso7816.c treats it as no counter at all.
   */
  | { kind: "failedNoCount" }
  /** 6983: authentication method blocked. */
  | { kind: "blocked" }
  /** 6984: reference data not usable (not activated, or unusable): not a count. */
  | { kind: "notUsable" }
  /** 6982: security status not satisfied (some OpenPGP cards: wrong PIN). */
  | { kind: "securityStatus" }
  /** 6985: conditions of use not satisfied (e.g. the card's own quality check). */
  | { kind: "conditions" }
  /** 6A80: wrong data in the command. */
  | { kind: "wrongData" }
  /** 6A86 / 6A88: wrong P1-P2 / referenced data (e.g. PIN reference) not found. */
  | { kind: "notFound" }
  /** 6A82: file or application not found. */
  | { kind: "fileNotFound" }
  /** 6700: wrong length (e.g. a PIN not padded to its stored length). */
  | { kind: "wrongLength" }
  /** 6D00 / 6E00: instruction / class not supported. */
  | { kind: "unsupported" }
  /** 61xx (T=0): xx more bytes are waiting; fetch them with GET RESPONSE. */
  | { kind: "moreData"; available: number }
  /** 6Cxx (T=0): resend the command with Le = xx. */
  | { kind: "wrongLe"; exact: number }
  /** 6400–6404: PIN pad timeout, cancel, new PINs differ, bad length, entry disabled. */
  | { kind: "pinPad"; reason: "timeout" | "cancelled" | "mismatch" | "length" | "disabled" }
  | { kind: "other"; sw: number };

export function decodeStatus(sw: number): Status {
  const sw1 = sw >> 8;
  const sw2 = sw & 0xff;
  if (sw === 0x9000) return { kind: "ok" };
  if (sw1 === 0x63 && (sw2 & 0xf0) === 0xc0) return { kind: "wrongCode", triesLeft: sw2 & 0x0f };
  if (sw === 0x6300) return { kind: "failedNoCount" };
  // 6301–630F: the counter some PIV tokens use in place of 63Cx.
  if (sw1 === 0x63 && sw2 <= 0x0f) return { kind: "wrongCode", triesLeft: sw2 };
  if (sw === 0x6983) return { kind: "blocked" };
  // 6984: reference data not usable (OpenSC iso7816.c: SC_ERROR_REF_DATA_NOT_USABLE), e.g. a
  // PIN not activated yet: not "blocked", and no count.
  if (sw === 0x6984) return { kind: "notUsable" };
  if (sw === 0x6982) return { kind: "securityStatus" };
  if (sw === 0x6985) return { kind: "conditions" };
  if (sw === 0x6a80) return { kind: "wrongData" };
  if (sw === 0x6a86 || sw === 0x6a88) return { kind: "notFound" };
  if (sw === 0x6a82) return { kind: "fileNotFound" };
  if (sw === 0x6700) return { kind: "wrongLength" };
  if (sw === 0x6d00 || sw === 0x6e00) return { kind: "unsupported" };
  if (sw1 === 0x61) return { kind: "moreData", available: sw2 === 0 ? 256 : sw2 };
  if (sw1 === 0x6c) return { kind: "wrongLe", exact: sw2 === 0 ? 256 : sw2 };
  if (sw1 === 0x64 && sw2 <= 0x04) {
    const reasons = ["timeout", "cancelled", "mismatch", "length", "disabled"] as const;
    return { kind: "pinPad", reason: reasons[sw2] ?? "timeout" };
  }
  return { kind: "other", sw };
}

export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, "0");
}
