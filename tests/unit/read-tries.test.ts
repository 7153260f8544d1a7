/**
 * A family session's readTries reads the counters and returns them; it does not write
 * into the layout the service caches for the insertion (profile.ts, CardSession). What to
 * keep of the answer is the service's to decide (CardService #remember / #learn). Every
 * variant of every family's virtual card is read; the layout is compared, field by field,
 * before and after, and frozen meanwhile.
 */
import { describe, expect, it } from "vitest";
import type { Family } from "../../contract/families.js";
import { ApduChannel } from "../../native-bridge/pcsc/channel.js";
import { knowledgeFor } from "../../native-bridge/profiles/card-knowledge.js";
import { openpgpProfile } from "../../native-bridge/profiles/openpgp.js";
import { pivProfile } from "../../native-bridge/profiles/piv.js";
import { pkcs15Profile } from "../../native-bridge/profiles/pkcs15.js";
import type { CardContext, CardProfile } from "../../native-bridge/profiles/profile.js";
import { createCard } from "../../native-bridge/simulator/cards.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { FAMILY_FACTS } from "../shared/family-scenarios.js";
import { OPENPGP_VARIANTS } from "../shared/variants-openpgp.js";
import { PIV_VARIANTS } from "../shared/variants-piv.js";
import { PKCS15_VARIANTS } from "../shared/variants-pkcs15.js";

const PROFILES: Record<Family, CardProfile> = { pkcs15: pkcs15Profile, piv: pivProfile, openpgp: openpgpProfile };

/** Freezes every plain object and array under `value` (Buffers cannot be frozen: left as they are). */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !ArrayBuffer.isView(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

describe("A session's readTries leaves its layout as it found it", () => {
  for (const v of [...FAMILY_FACTS, ...PKCS15_VARIANTS, ...PIV_VARIANTS, ...OPENPGP_VARIANTS]) {
    it(v.name ?? v.profile, async () => {
      const readers = new InProcessReaders(["R"]);
      await readers.ready();
      const card = v.create?.() ?? createCard(v.profile);
      readers.insert(card);
      const channel = new ApduChannel(await readers.connect("R"));
      // An empty VERIFY where the variant says it is safe (elsewhere it would spend a try).
      const readable = v.triesReadable !== false;
      const context: CardContext = { atr: channel.atr, knowledge: knowledgeFor(channel.atr), emptyVerifySafe: readable };
      const profile = PROFILES[v.profile];
      const detected = (await profile.detect(channel, context)) ?? (await profile.detect(channel, { ...context, deepSearch: true }));
      expect(detected).not.toBeNull();
      const { session } = detected!;
      const layout = session.layout;
      const before = structuredClone(layout);
      // A write, even of the same value, throws on a frozen object (ES modules are strict).
      deepFreeze(layout);

      // The service's warm path: SELECT, then all codes; then the re-read after an operation.
      expect(await session.select(channel)).toBe(true);
      const all = await session.readTries(channel, context);
      const some = await session.readTries(channel, context, [v.pinId]);

      expect(structuredClone(layout)).toEqual(before);
      // The counters are in the answer instead: the PIN's, as the card itself holds it, and
      // nothing was spent reading them.
      expect(all.get(v.pinId)).toBe(readable ? v.pinTries : undefined);
      expect([...some.keys()]).toEqual(readable ? [v.pinId] : []);
      expect(v.counters(card)).toEqual({ pin: v.pinTries, puk: v.pukTries });
      await readers.close();
    });
  }
});
