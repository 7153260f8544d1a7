/**
 * A PIN the card has said is blocked is not sent again: a change or a check of it is refused
 * with the PIN's blocked error before any APDU (the card would answer 6983 and count nothing,
 * but the code would have left the process for nothing).
 */
import { describe, expect, it } from "vitest";
import { Secret } from "../../native-bridge/core/secret.js";
import { CardService } from "../../native-bridge/service/card-service.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { OpenPgpCard } from "../../native-bridge/simulator/openpgp-card.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import type { VirtualCard } from "../../native-bridge/simulator/virtual-card.js";

async function onCard(card: VirtualCard, run: (service: CardService) => Promise<void>) {
  const readers = new InProcessReaders(["R"]);
  readers.insert(card);
  const service = new CardService(readers);
  try {
    await run(service);
  } finally {
    service.close();
    await readers.close();
  }
}

describe("a PIN known to be blocked", () => {
  it("PKCS#15: change and check answer PIN_BLOCKED without an APDU; the PUK still unblocks it", async () => {
    const card = new Pkcs15Card();
    card.pins.get(0x81)!.triesLeft = 0;
    await onCard(card, async (service) => {
      const status = await service.status();
      expect(status.ok && status.value.codes.find((c) => c.id === "auth")?.state).toBe("blocked");
      const before = card.apduCount;
      const change = await service.changePin("auth", Secret.fromString("123456"), Secret.fromString("246810"));
      expect(change).toMatchObject({ ok: false, error: { code: "PIN_BLOCKED", codeId: "auth", triesLeft: 0 } });
      const check = await service.checkCode("auth", Secret.fromString("123456"));
      expect(check).toMatchObject({ ok: false, error: { code: "PIN_BLOCKED", codeId: "auth" } });
      expect(card.apduCount).toBe(before);
      const unblock = await service.unblockPin("auth", Secret.fromString("12345678"), Secret.fromString("246810"));
      expect(unblock.ok).toBe(true);
      expect(card.pins.get(0x81)!.triesLeft).toBe(3);
    });
  });

  it("OpenPGP: the user PIN blocked, a change is refused unsent", async () => {
    const card = new OpenPgpCard();
    card.pw1.triesLeft = 0;
    await onCard(card, async (service) => {
      await service.status();
      const before = card.apduCount;
      const change = await service.changePin("user", Secret.fromString("123456"), Secret.fromString("246810"));
      expect(change).toMatchObject({ ok: false, error: { code: "PIN_BLOCKED", codeId: "user" } });
      expect(card.apduCount).toBe(before);
    });
  });
});
