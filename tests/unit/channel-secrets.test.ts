/**
 * The APDU channel never presents a code twice: a 6Cxx ("wrong Le") answer to a command
 * that carries a code is returned as it is, not resent. The connection here is a scripted
 * stand-in that answers 6C08 and counts what it was sent.
 */
import { describe, expect, it } from "vitest";
import { changeReferenceData, getData } from "../../native-bridge/apdu/command.js";
import { ApduChannel } from "../../native-bridge/pcsc/channel.js";
import type { CardConnection } from "../../native-bridge/pcsc/types.js";

function scripted(answers: string[]): { connection: CardConnection; sent: Buffer[] } {
  const sent: Buffer[] = [];
  const connection: CardConnection = {
    atr: Buffer.from("3B00", "hex"),
    transmit: async (apdu) => {
      sent.push(Buffer.from(apdu));
      return Buffer.from(answers.shift() ?? "6F00", "hex");
    },
    control: async () => Buffer.alloc(0),
    beginTransaction: async () => undefined,
    endTransaction: async () => undefined,
    disconnect: async () => undefined,
  };
  return { connection, sent };
}

describe("the APDU channel and 6Cxx", () => {
  it("resends a command without a code with the Le the card names", async () => {
    const { connection, sent } = scripted(["6C04", "010203049000"]);
    const r = await new ApduChannel(connection).send(getData(0xc4));
    expect(sent).toHaveLength(2);
    expect(sent[1]!.at(-1)).toBe(4);
    expect(r.data.toString("hex")).toBe("01020304");
  });

  it("never resends a command that carries a code", async () => {
    const { connection, sent } = scripted(["6C08", "9000"]);
    const r = await new ApduChannel(connection).send(changeReferenceData(0x81, Buffer.from("123456246810")));
    expect(sent).toHaveLength(1);
    expect(r.sw).toBe(0x6c08);
  });
});
