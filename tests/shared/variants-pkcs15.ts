/**
 * PKCS#15 card variants for the shared family scenarios (tests/shared/family-scenarios.ts),
 * in-process and on pcscd: each quirk of the virtual card (native-bridge/simulator/
 * pkcs15-card.ts) alone, and all of them on one card. Where the card's ATR is not known
 * to take an empty VERIFY safely (counts-empty-verify: an unknown ATR; local-refs:
 * CardOS 4.4), Pinwarden must not read the counters: `triesReadable: false`.
 */
import { Pkcs15Card, type Pkcs15Quirk } from "../../native-bridge/simulator/pkcs15-card.js";
import { FAMILY_FACTS, type FamilyFacts } from "./family-scenarios.js";

/** The cards whose counters Pinwarden must leave alone (their ATR is not known safe). */
const UNREADABLE: readonly Pkcs15Quirk[] = ["counts-empty-verify", "local-refs"];

export function pkcs15Variant(quirks: readonly Pkcs15Quirk[]): FamilyFacts {
  // The default card's facts (codes, counters, where the PIN lives); only the card differs.
  const defaults = FAMILY_FACTS.find((f) => f.profile === "pkcs15")!;
  return {
    ...defaults,
    name: `pkcs15 (${quirks.join(", ")})`,
    create: () => new Pkcs15Card({ quirks }),
    triesReadable: !quirks.some((q) => UNREADABLE.includes(q)),
  };
}

export const PKCS15_VARIANT_QUIRKS: (readonly Pkcs15Quirk[])[] = [
  ["counts-empty-verify"],
  ["no-pad-char"],
  ["pins-in-subdf"],
  ["local-refs"],
  ["ef-dir-only"],
  ["bcd"],
  ["bcd", "no-pad-char"],
  // Without a PUK object the PUK's count cannot be asked for: on a card whose counters
  // are unreadable anyway, so the scenarios' "unknown" holds for both codes.
  ["no-puk-entry", "counts-empty-verify"],
  ["counts-empty-verify", "no-pad-char", "pins-in-subdf", "local-refs", "ef-dir-only"],
  ["counts-empty-verify", "no-pad-char", "pins-in-subdf", "local-refs", "ef-dir-only", "bcd", "no-puk-entry"],
];

export const PKCS15_VARIANTS: FamilyFacts[] = PKCS15_VARIANT_QUIRKS.map(pkcs15Variant);
