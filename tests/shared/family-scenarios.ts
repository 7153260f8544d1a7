/**
 * The behaviour every card family must show, written once and run twice: against
 * virtual cards in-process (tests/unit) and through the real pcscd + vpcd
 * (tests/integration). Each test gets a fresh card.
 */
import { describe, expect, it } from "vitest";
import type { CardService } from "../../native-bridge/service/card-service.js";
import { Secret } from "../../native-bridge/core/secret.js";
import type { CardStatus, Result } from "../../native-bridge/service/types.js";
import { createCard, type SimProfile } from "../../native-bridge/simulator/cards.js";
import type { VirtualCard } from "../../native-bridge/simulator/virtual-card.js";

export interface Rig {
  service: CardService;
  reader: string;
  /** Puts the card in the reader and waits until the service sees it. */
  insert(card: VirtualCard): Promise<void>;
  /** Takes the card out and waits until the service sees it gone. */
  remove(): Promise<void>;
}

export interface FamilyFacts {
  /** Names the variant in test titles, e.g. "pkcs15 (counts-empty-verify)". Default: profile. */
  name?: string;
  profile: SimProfile;
  /** Makes a fresh card of this variant; default createCard(profile). */
  create?: () => VirtualCard;
  /**
   * false where Pinwarden must not read the counters (an empty VERIFY is not known safe):
   * status then says "unknown" and tries are learned from 63Cx answers. Default true.
   */
  triesReadable?: boolean;
  pinId: string;
  pukId: string;
  pin: string;
  puk: string;
  pinTries: number;
  pukTries: number;
  /** false where the PUK's count cannot be read safely (PIV without GET METADATA). Default: triesReadable. */
  pukTriesReadable?: boolean;
  /** false where the PIN cannot be unblocked (the PIV global PIN): refused before any APDU. */
  pinCanUnblock?: boolean;
  /**
   * false where the PIN's limit is unknown: right after a change the count is unknown too
   * (the card answers the re-read with 9000, "verified", and says no limit). Default true.
   */
  pinMaxTriesKnown?: boolean;
  /** The errors of a wrong and a blocked unblocking code (default PUK_WRONG, PUK_BLOCKED). */
  unblockerErrors?: { wrong: string; blocked: string };
  /** A valid new PIN under the default rules. */
  newPin: string;
  /** Tries left of the PIN and PUK as the virtual card itself holds them. */
  counters(card: VirtualCard): { pin: number; puk: number };
  /** The PIN the virtual card holds now. */
  pinOf(card: VirtualCard): string;
}

export const s = (text: string) => Secret.fromString(text);

export function tries(result: Result<CardStatus>, id: string): number | null | undefined {
  const status = result.ok ? result.value : result.status;
  return status?.codes.find((c) => c.id === id)?.triesLeft;
}

const wrongOf = (code: string) => (code.startsWith("9") ? "8" : "9") + code.slice(1);

export function familyScenarios(facts: FamilyFacts, rig: () => Rig): void {
  const { profile, pinId, pukId } = facts;
  const readable = facts.triesReadable !== false;
  const errors = facts.unblockerErrors ?? { wrong: "PUK_WRONG", blocked: "PUK_BLOCKED" };
  /** What a status shows for a full counter: the count, or unknown where it cannot be read. */
  const full = (n: number) => (readable ? n : null);
  const pukReadable = facts.pukTriesReadable ?? readable;
  const canUnblock = facts.pinCanUnblock !== false;
  /** The PIN's count right after our own successful change or unblock. */
  const afterSuccess = readable && facts.pinMaxTriesKnown !== false ? facts.pinTries : null;
  const fresh = async () => {
    const card = facts.create ? facts.create() : createCard(profile);
    await rig().insert(card);
    return card;
  };

  describe(`${facts.name ?? profile} card`, () => {
    it("reports every code with its tries (or says they are unknown) and the card's identity", async () => {
      const card = await fresh();
      const r = await rig().service.status({ reader: rig().reader });
      expect(r.ok, JSON.stringify(r)).toBe(true);
      if (!r.ok) return;
      expect(r.value.card.profile).toBe(profile);
      expect(r.value.app).toBe(profile);
      expect(r.value.card.serial).toMatch(/^[0-9A-F]+$/);
      expect(r.value.reader).toBe(rig().reader);
      const pin = r.value.codes.find((c) => c.id === pinId)!;
      expect(pin).toMatchObject({ blocked: false, kind: "pin", triesLeft: full(facts.pinTries), triesKnown: readable });
      expect(pin.state).toBe(readable ? "ok" : "unknown");
      expect(r.value.codes.find((c) => c.id === pukId)!.triesLeft).toBe(pukReadable ? facts.pukTries : null);
      // Reading them spent nothing: the card's own counters are full.
      expect(facts.counters(card)).toEqual({ pin: facts.pinTries, puk: facts.pukTries });
    });

    it("leaves the card's own counters where they were after 20 status reads", async () => {
      const card = await fresh();
      const wrong = await rig().service.changePin(pinId, s(wrongOf(facts.pin)), s(facts.newPin), { reader: rig().reader });
      expect(!wrong.ok && wrong.error).toMatchObject({ code: "PIN_WRONG", triesLeft: facts.pinTries - 1 });
      const before = facts.counters(card);
      expect(before.pin).toBe(facts.pinTries - 1);
      for (let i = 0; i < 20; i++) {
        const r = await rig().service.status({ reader: rig().reader });
        // Read from the card, or learned from its 63Cx answer to the wrong PIN.
        expect(tries(r, pinId)).toBe(facts.pinTries - 1);
      }
      expect(facts.counters(card)).toEqual(before);
    });

    it("changes the PIN, and the card then holds the new one", async () => {
      const card = await fresh();
      const r = await rig().service.changePin(pinId, s(facts.pin), s(facts.newPin), { reader: rig().reader });
      expect(r.ok, JSON.stringify(r)).toBe(true);
      expect(facts.pinOf(card)).toBe(facts.newPin);
      expect(tries(r, pinId)).toBe(afterSuccess);
      expect(facts.counters(card).pin).toBe(facts.pinTries);
    });

    it("counts a wrong current PIN down to blocked, then unblocks with the PUK", async () => {
      const card = await fresh();
      const reader = rig().reader;
      for (let left = facts.pinTries - 1; left >= 1; left--) {
        const r = await rig().service.changePin(pinId, s(wrongOf(facts.pin)), s(facts.newPin), { reader });
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(r.error).toMatchObject({ code: "PIN_WRONG", triesLeft: left });
        expect(tries(r, pinId)).toBe(left);
      }
      const last = await rig().service.changePin(pinId, s(wrongOf(facts.pin)), s(facts.newPin), { reader });
      expect(!last.ok && last.error.code).toBe("PIN_BLOCKED");
      const blocked = await rig().service.status({ reader });
      expect(blocked.ok && blocked.value.codes.find((c) => c.id === pinId)).toMatchObject({
        blocked: true,
        state: "blocked",
        triesLeft: 0,
      });
      // Even the right PIN is refused now.
      const refused = await rig().service.changePin(pinId, s(facts.pin), s(facts.newPin), { reader });
      expect(!refused.ok && refused.error.code).toBe("PIN_BLOCKED");

      const unblocked = await rig().service.unblockPin(pinId, s(facts.puk), s(facts.newPin), { reader });
      if (!canUnblock) {
        // Nothing can unblock this PIN: refused before anything reaches the card.
        expect(!unblocked.ok && unblocked.error.code).toBe("OPERATION_NOT_ALLOWED");
        expect(facts.counters(card)).toEqual({ pin: 0, puk: facts.pukTries });
        return;
      }
      expect(unblocked.ok, JSON.stringify(unblocked)).toBe(true);
      expect(tries(unblocked, pinId)).toBe(afterSuccess);
      expect(facts.counters(card).pin).toBe(facts.pinTries);
      expect(facts.pinOf(card)).toBe(facts.newPin);
    });

    it(
      canUnblock ? "counts a wrong PUK down and blocks the PUK at its limit" : "refuses to unblock a PIN nothing can unblock",
      async () => {
        const card = await fresh();
        const reader = rig().reader;
        if (!canUnblock) {
          await rig().service.status({ reader });
          const sent = card.apduCount;
          const r = await rig().service.unblockPin(pinId, s(wrongOf(facts.puk)), s(facts.newPin), { reader });
          expect(!r.ok && r.error.code).toBe("OPERATION_NOT_ALLOWED");
          expect(card.apduCount).toBe(sent);
          expect(facts.counters(card)).toEqual({ pin: facts.pinTries, puk: facts.pukTries });
          return;
        }
        for (let left = facts.pukTries - 1; left >= 1; left--) {
          const r = await rig().service.unblockPin(pinId, s(wrongOf(facts.puk)), s(facts.newPin), { reader });
          expect(!r.ok && r.error).toMatchObject({ code: errors.wrong, triesLeft: left });
        }
        const last = await rig().service.unblockPin(pinId, s(wrongOf(facts.puk)), s(facts.newPin), { reader });
        expect(!last.ok && last.error.code).toBe(errors.blocked);
        const right = await rig().service.unblockPin(pinId, s(facts.puk), s(facts.newPin), { reader });
        expect(!right.ok && right.error.code).toBe(errors.blocked);
        expect(facts.counters(card).puk).toBe(0);
        expect(facts.pinOf(card)).toBe(facts.pin);
      },
    );

    it("refuses a bad new PIN with its own code and sends no APDU", async () => {
      const card = await fresh();
      const reader = rig().reader;
      await rig().service.status({ reader }); // the layout is known, as it is in the app
      const sent = card.apduCount;
      const cases: [string, string, string][] = [
        [facts.pin, "12ab56", "CODE_NOT_DIGITS"],
        [facts.pin, "24680", "CODE_LENGTH"],
        [facts.pin, "2468024680", "CODE_LENGTH"],
        [facts.pin, facts.pin, "CODE_SAME_AS_CURRENT"],
        [facts.pin, "111111", "CODE_WEAK"],
        [facts.pin, "987654", "CODE_WEAK"],
      ];
      for (const [current, next, code] of cases) {
        const r = await rig().service.changePin(pinId, s(current), s(next), { reader });
        expect(!r.ok && r.error.code, `${next}`).toBe(code);
      }
      const u = await rig().service.unblockPin(pinId, s(facts.puk), s("12ab56"), { reader });
      expect(!u.ok && u.error.code).toBe("CODE_NOT_DIGITS");
      expect(card.apduCount).toBe(sent);
      expect(facts.counters(card)).toEqual({ pin: facts.pinTries, puk: facts.pukTries });
    });

    it("reports CARD_REMOVED when the card is pulled mid-change, and the next status is true", async () => {
      const card = await fresh();
      const reader = rig().reader;
      await rig().service.status({ reader });
      // Pull the card at the APDU after the SELECT: the change itself never reaches it.
      card.setFaults([{ at: card.apduCount + 2, kind: "drop" }]);
      const r = await rig().service.changePin(pinId, s(facts.pin), s(facts.newPin), { reader });
      expect(!r.ok && r.error, JSON.stringify(r)).toMatchObject({ code: "CARD_REMOVED" });
      await rig().remove();
      const out = await rig().service.status({ reader });
      expect(!out.ok && out.error.code).toBe("NO_CARD");
      card.setFaults([]);
      await rig().insert(card);
      const back = await rig().service.status({ reader });
      expect(tries(back, pinId)).toBe(full(facts.pinTries));
      expect(facts.pinOf(card)).toBe(facts.pin);
      expect(facts.counters(card)).toEqual({ pin: facts.pinTries, puk: facts.pukTries });
    });
  });
}

export const FAMILY_FACTS: FamilyFacts[] = [
  {
    profile: "pkcs15",
    pinId: "auth",
    pukId: "puk",
    pin: "123456",
    puk: "12345678",
    pinTries: 3,
    pukTries: 10,
    newPin: "246810",
    counters: (card) => {
      const c = card as import("../../native-bridge/simulator/pkcs15-card.js").Pkcs15Card;
      return { pin: c.pins.get(0x81)!.triesLeft, puk: c.pins.get(0x83)!.triesLeft };
    },
    pinOf: (card) => (card as import("../../native-bridge/simulator/pkcs15-card.js").Pkcs15Card).codeOf(0x81),
  },
  {
    profile: "piv",
    pinId: "auth",
    pukId: "puk",
    pin: "123456",
    puk: "12345678",
    pinTries: 3,
    pukTries: 3,
    newPin: "246810",
    counters: (card) => {
      const c = card as import("../../native-bridge/simulator/piv-card.js").PivCard;
      return { pin: c.pin.triesLeft, puk: c.puk.triesLeft };
    },
    pinOf: (card) => (card as import("../../native-bridge/simulator/piv-card.js").PivCard).codeOf(0x80),
  },
  {
    profile: "openpgp",
    pinId: "user",
    pukId: "admin",
    // OpenPGP has no PUK: the admin PIN unblocks PW1 (CARDS.md, "OpenPGP unblock").
    unblockerErrors: { wrong: "ADMIN_PIN_WRONG", blocked: "ADMIN_PIN_BLOCKED" },
    pin: "123456",
    puk: "12345678",
    pinTries: 3,
    pukTries: 3,
    newPin: "246810",
    counters: (card) => {
      const c = card as import("../../native-bridge/simulator/openpgp-card.js").OpenPgpCard;
      return { pin: c.pw1.triesLeft, puk: c.pw3.triesLeft };
    },
    pinOf: (card) => (card as import("../../native-bridge/simulator/openpgp-card.js").OpenPgpCard).pw1.value.toString("ascii"),
  },
];
