/**
 * A count the card will not give without risking a try is learned from its answers to
 * real operations: known in that operation's result, "as of the last answer" afterwards
 * (another program may have used the card since), and never read by an empty VERIFY.
 */
import { describe, expect, it } from "vitest";
import { CardService } from "../../native-bridge/service/card-service.js";
import { Secret } from "../../native-bridge/core/secret.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";

const s = (t: string) => Secret.fromString(t);

describe("a count learned from the card's answer", () => {
  it("is known in the result that taught it, and 'as of the last answer' in a later status", async () => {
    const card = new Pkcs15Card({ quirks: ["counts-empty-verify"] });
    const readers = new InProcessReaders(["R"]);
    readers.insert(card);
    const service = new CardService(readers);

    const first = await service.status();
    expect(first.ok && first.value.codes.find((c) => c.id === "auth")).toMatchObject({ triesLeft: null, triesKnown: false });

    const wrong = await service.changePin("auth", s("999999"), s("246810"));
    expect(!wrong.ok && wrong.error).toMatchObject({ code: "PIN_WRONG", triesLeft: 2 });
    expect(!wrong.ok && wrong.status?.codes.find((c) => c.id === "auth")).toMatchObject({ triesLeft: 2, triesKnown: true });

    const later = await service.status();
    expect(later.ok && later.value.codes.find((c) => c.id === "auth")).toMatchObject({ triesLeft: 2, triesKnown: false, state: "ok" });
    // The card's own counter: one try for the wrong PIN, none for the three status reads.
    expect(card.pins.get(0x81)!.triesLeft).toBe(2);
  });
});
