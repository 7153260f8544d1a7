/**
 * PIV card variants for the shared family scenarios (tests/shared/family-scenarios.ts),
 * in-process and on pcscd. Each is one option of the virtual card (piv-card.ts).
 *
 * The global-PIN card (`globalPin: true`): a PIV card of another maker than Yubico whose
 * Discovery object makes the global PIN (reference 00) primary, so the PIN Pinwarden
 * manages is the global PIN (OpenSC card-piv.c does the same). Two facts set it apart
 * from the YubiKey model, and the scenarios must honour them (see the fields below):
 * - its PUK's counter cannot be read without risking a try (no GET METADATA, and the PUK
 *   cannot be VERIFYed): status shows it as unknown;
 * - the global PIN cannot be unblocked: RESET RETRY COUNTER takes only the PIV Card
 *   Application PIN (SP 800-73-4 Part 2 §3.2.3), so unblock is refused before any APDU;
 * - its PIN's try limit is not known (nothing on the card says it): after a change the
 *   card answers the re-read's empty VERIFY with 9000 (verified, no count), so the count
 *   is unknown until the next status, which reads it again.
 */
import { PivCard } from "../../native-bridge/simulator/piv-card.js";
import type { VirtualCard } from "../../native-bridge/simulator/virtual-card.js";
import type { FamilyFacts } from "./family-scenarios.js";

export interface PivFacts extends FamilyFacts {
  /** false where the PUK's count cannot be read safely: status shows null for it. */
  pukTriesReadable: boolean;
  /** false where the PIN cannot be unblocked: unblockPin answers OPERATION_NOT_ALLOWED, no APDU. */
  pinCanUnblock: boolean;
  /** false where the PIN's try limit is unknown: right after a change its count is null. */
  pinMaxTriesKnown: boolean;
}

const asPiv = (card: VirtualCard) => card as PivCard;

export const PIV_VARIANTS: PivFacts[] = [
  {
    name: "piv (global PIN primary)",
    profile: "piv",
    create: () => new PivCard({ globalPin: true }),
    pinId: "auth",
    pukId: "puk",
    pin: "123456",
    puk: "12345678",
    // The global PIN's own counter (5 by default), not the PIV PIN's (3): a status or a
    // command that reached reference 80 instead of 00 would show 3.
    pinTries: 5,
    pukTries: 3,
    newPin: "246810",
    counters: (card) => ({ pin: asPiv(card).globalPin!.triesLeft, puk: asPiv(card).puk.triesLeft }),
    pinOf: (card) => asPiv(card).codeOf(0x00),
    pukTriesReadable: false,
    pinCanUnblock: false,
    pinMaxTriesKnown: false,
  },
];
