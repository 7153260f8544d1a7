/**
 * OpenPGP card variants for the shared family scenarios (tests/shared/family-scenarios.ts),
 * in-process and on pcscd: KDF on SHA-256 and SHA-512 (the card stores hashed codes, so a
 * raw PIN would read as wrong), and the two ways older cards answer a wrong PIN without
 * a count (6982; 6985 on CHANGE, older YubiKeys). Each is one option of the virtual card.
 */
import { OpenPgpCard, type OpenPgpCardOptions } from "../../native-bridge/simulator/openpgp-card.js";
import type { VirtualCard } from "../../native-bridge/simulator/virtual-card.js";
import type { FamilyFacts } from "./family-scenarios.js";

const PIN = "123456";
const ADMIN = "12345678";
const NEW_PIN = "246810";

const asCard = (card: VirtualCard) => card as OpenPgpCard;

/**
 * The PIN the card holds, among the codes the scenarios use. Under KDF the card holds
 * only a hash: `holds` hashes each candidate as the card does and compares. A card
 * holding anything else reads as "(another PIN)", so a wrong store still fails.
 */
function pinOf(card: VirtualCard): string {
  const c = asCard(card);
  return [PIN, NEW_PIN].find((p) => c.holds("user", p)) ?? "(another PIN)";
}

function variant(name: string, options: OpenPgpCardOptions): FamilyFacts {
  return {
    name: `openpgp (${name})`,
    profile: "openpgp",
    create: () => new OpenPgpCard(options),
    pinId: "user",
    pukId: "admin",
    pin: PIN,
    puk: ADMIN,
    pinTries: 3,
    pukTries: 3,
    unblockerErrors: { wrong: "ADMIN_PIN_WRONG", blocked: "ADMIN_PIN_BLOCKED" },
    newPin: NEW_PIN,
    counters: (card) => ({ pin: asCard(card).pw1.triesLeft, puk: asCard(card).pw3.triesLeft }),
    pinOf,
  };
}

export const OPENPGP_VARIANTS: FamilyFacts[] = [
  // Cards with KDF are mostly YubiKeys, which wrap 6E in its tag: so do these.
  variant("kdf sha256", { kdf: "sha256", wrapAppData: true }),
  variant("kdf sha512", { kdf: "sha512", wrapAppData: true }),
  variant("kdf sha256, one salt", { kdf: "sha256", kdfSingleSalt: true }),
  variant("wrong PIN 6982", { wrongSw6982: true }),
  variant("wrong PIN 6985 on change", { wrongSw6985OnChange: true }),
];
