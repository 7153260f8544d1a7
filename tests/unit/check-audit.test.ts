/**
 * A check of the current code sends it to the card, and a wrong one spends a try: the audit
 * trail records it as it records a change (operation, code id, result, tries left), never
 * the code itself.
 */
import { describe, expect, it } from "vitest";
import { Secret } from "../../native-bridge/core/secret.js";
import { CardService } from "../../native-bridge/service/card-service.js";
import type { AuditEvent } from "../../native-bridge/service/types.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";

describe("the audit trail of a check", () => {
  it("records a wrong check with the tries the card has left, and a right one as ok, with no code in either", async () => {
    const readers = new InProcessReaders(["R"]);
    const card = new Pkcs15Card();
    readers.insert(card);
    const events: AuditEvent[] = [];
    const service = new CardService(readers, { audit: (e) => events.push(e) });
    try {
      await service.status();
      const wrong = await service.checkCode("auth", Secret.fromString("999999"));
      expect(wrong.ok).toBe(false);
      // What is recorded is what the card's own counter says after the wrong check.
      expect(card.pins.get(0x81)!.triesLeft).toBe(2);
      const right = await service.checkCode("auth", Secret.fromString("123456"));
      expect(right.ok).toBe(true);
      expect(events).toEqual([
        { operation: "checkCode", codeId: "auth", reader: "R", serial: "9752269000004242", result: "PIN_WRONG", triesLeft: 2 },
        { operation: "checkCode", codeId: "auth", reader: "R", serial: "9752269000004242", result: "ok", triesLeft: 3 },
      ]);
      expect(JSON.stringify(events)).not.toMatch(/999999|123456/);
      // The right check reset it, as the card's counter shows.
      expect(card.pins.get(0x81)!.triesLeft).toBe(3);
      // A check refused before anything is sent (too short) spends nothing and records nothing.
      const short = await service.checkCode("auth", Secret.fromString("12"));
      expect(short.ok).toBe(false);
      expect(events).toHaveLength(2);
    } finally {
      service.close();
      await readers.close();
    }
  });
});
