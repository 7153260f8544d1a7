/** `pinwarden change-pin` on a PIN the card says is blocked: said at once, nothing asked, nothing sent. */
import { describe, expect, it } from "vitest";
import { codesCommand } from "../../cli/commands/codes.js";
import { commandContext, type Terminal } from "../../cli/context.js";
import { serviceOptionsOf } from "../../host/apply-policy.js";
import { defaultLoadedPolicy } from "../../host/policy-defaults.js";
import { CardService } from "../../native-bridge/service/card-service.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";

describe("pinwarden change-pin on a blocked PIN", () => {
  it("says it is blocked and how to unlock it before asking for any code, and sends no PIN command", async () => {
    const lines: string[] = [];
    const card = new Pkcs15Card({ apduLog: (l) => lines.push(l) });
    card.pins.get(0x81)!.triesLeft = 0;
    const readers = new InProcessReaders(["R"]);
    readers.insert(card);
    const policy = defaultLoadedPolicy("/nonexistent/policy.json");
    const service = new CardService(readers, serviceOptionsOf(policy.policy));
    const asked: string[] = [];
    const terminal: Terminal = {
      hidden: async (q) => (asked.push(q), null),
      visible: async (q) => (asked.push(q), null),
    };
    let err = "";
    const ctx = commandContext({
      command: "change-pin",
      values: { pin: "auth" },
      positionals: ["change-pin"],
      loaded: policy,
      lang: "en",
      // The CLI front checks the options; a usage error here would be a test mistake.
      usage: (u) => {
        throw new Error(`unexpected usage error ${u.error}`);
      },
      io: { out: () => undefined, err: (t) => (err += t), terminal },
    });
    /** CHANGE, RESET RETRY COUNTER, or a VERIFY with a code in it (the card's own log). */
    const pinCommands = () =>
      lines
        .filter((l) => l.startsWith("> "))
        .map((l) => l.slice(2).replace(/\s/g, ""))
        .filter((a) => ["24", "2C"].includes(a.slice(2, 4).toUpperCase()) || (a.slice(2, 4) === "20" && a.length > 10));
    try {
      await readers.ready();
      const code = await codesCommand(ctx, { service });
      expect(code).toBe(4);
      expect(asked).toEqual([]);
      expect(err).toContain("The PIN for Identification is blocked. Unlock it with your PUK.");
      expect(pinCommands()).toEqual([]);
    } finally {
      service.close();
      await readers.close();
    }
  });
});
