/**
 * The ISO PIN commands every family inherits (profiles/iso.ts): the APDU each operation
 * builds, the encodings as data, and the one routine that sends codes and wipes every
 * buffer that held one, whatever happens. The connection is a scripted stand-in that
 * records what reached it.
 */
import { describe, expect, it } from "vitest";
import { ApduChannel } from "../../native-bridge/pcsc/channel.js";
import type { CardConnection } from "../../native-bridge/pcsc/types.js";
import { isPinwardenError } from "../../native-bridge/core/errors.js";
import { Secret } from "../../native-bridge/core/secret.js";
import { encodePin, pinApdu, sendWithCodes, type PinFormat } from "../../native-bridge/profiles/iso.js";
import type { CodeInfo } from "../../native-bridge/profiles/profile.js";

const s = (text: string) => Secret.fromString(text);

const PIN: CodeInfo = {
  id: "auth",
  label: "PIN",
  kind: "pin",
  reference: 0x80,
  minLength: 4,
  maxLength: 8,
  numeric: true,
  charset: "any",
  maxTries: 3,
  canChange: true,
  canUnblock: true,
};
const PUK: CodeInfo = { ...PIN, id: "puk", kind: "puk", reference: 0x81 };

function scripted(answer: string): { channel: ApduChannel; sent: string[] } {
  const sent: string[] = [];
  const connection: CardConnection = {
    atr: Buffer.from("3B00", "hex"),
    transmit: async (apdu) => {
      sent.push(Buffer.from(apdu).toString("hex").toUpperCase());
      return Buffer.from(answer, "hex");
    },
    control: async () => Buffer.alloc(0),
    beginTransaction: async () => undefined,
    endTransaction: async () => undefined,
    disconnect: async () => undefined,
  };
  return { channel: new ApduChannel(connection), sent };
}

/** An encoder that keeps the buffer it hands out, so the test can see it wiped. */
function kept(text: string, out: Buffer[]): () => Buffer {
  return () => {
    const b = Buffer.from(text);
    out.push(b);
    return b;
  };
}

const zeroed = (b: Buffer) => b.every((x) => x === 0);

describe("the ISO PIN commands", () => {
  it("builds VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER from the reference and P1", () => {
    const data = Buffer.from("31323334", "hex");
    const head = (op: Parameters<typeof pinApdu>[0]) => {
      const c = pinApdu(op, data);
      return [c.cla, c.ins, c.p1, c.p2, c.secret];
    };
    expect(head({ operation: "verify", reference: 0x82 })).toEqual([0x00, 0x20, 0x00, 0x82, true]);
    expect(head({ operation: "change", reference: 0x81 })).toEqual([0x00, 0x24, 0x00, 0x81, true]);
    expect(head({ operation: "unblock", reference: 0x80 })).toEqual([0x00, 0x2c, 0x00, 0x80, true]);
    expect(head({ operation: "unblock", reference: 0x81, p1: 0x02 })).toEqual([0x00, 0x2c, 0x02, 0x81, true]);
  });

  it("encodes as the format says: ASCII padded, BCD, ISO 9564-1 format 2", () => {
    const enc = (format: PinFormat, text: string) => encodePin(PIN, format, s(text)).toString("hex").toUpperCase();
    expect(enc({ encoding: "ascii", padLength: 8, padChar: 0xff }, "123456")).toBe("313233343536FFFF");
    expect(enc({ encoding: "ascii", padLength: 0, padChar: 0 }, "123456")).toBe("313233343536");
    expect(enc({ encoding: "bcd", padLength: 4, padChar: 0xff }, "12345")).toBe("12345FFF");
    expect(enc({ encoding: "glp", padLength: 8, padChar: 0xff, maxLength: 12 }, "1234")).toBe("241234FFFFFFFFFF");
  });

  it("refuses a code it cannot encode before anything is sent: too long, or not digits for BCD", () => {
    const tooLong = (() => {
      try {
        encodePin(PIN, { encoding: "ascii", padLength: 8, padChar: 0xff, maxLength: 8 }, s("123456789"));
      } catch (error) {
        return isPinwardenError(error) ? [error.code, error.details.maxLength] : error;
      }
    })();
    expect(tooLong).toEqual(["CODE_LENGTH", 8]);
    expect(() => encodePin(PIN, { encoding: "bcd", padLength: 0, padChar: 0xff }, s("12a4"))).toThrow(/CODE_NOT_DIGITS/);
  });
});

describe("sending codes", () => {
  it("sends the codes concatenated and wipes every buffer that held one", async () => {
    const { channel, sent } = scripted("9000");
    const held: Buffer[] = [];
    await sendWithCodes(channel, { operation: "change", reference: 0x80 }, [kept("1234", held), kept("5678", held)], { blame: PIN });
    expect(sent).toEqual(["0024008008" + "3132333435363738"]);
    expect(held).toHaveLength(2);
    expect(held.every(zeroed)).toBe(true);
  });

  it("wipes the first code and sends nothing when the second cannot be encoded", async () => {
    const { channel, sent } = scripted("9000");
    const held: Buffer[] = [];
    const refused = () => {
      throw new Error("cannot encode");
    };
    await expect(
      sendWithCodes(channel, { operation: "unblock", reference: 0x80 }, [kept("12345678", held), refused], { blame: PUK }),
    ).rejects.toThrow("cannot encode");
    expect(sent).toEqual([]);
    expect(held.every(zeroed)).toBe(true);
  });

  it("throws the blamed code's error for a refusal, and still wipes", async () => {
    const { channel } = scripted("63C2");
    const held: Buffer[] = [];
    const r = sendWithCodes(channel, { operation: "unblock", reference: 0x80 }, [kept("12345678", held), kept("1234", held)], {
      blame: PUK,
    });
    await expect(r).rejects.toMatchObject({ code: "PUK_WRONG", details: { codeId: "puk", triesLeft: 2 } });
    expect(held.every(zeroed)).toBe(true);
  });

  it("runs the family's step before sending, and its own failure handling", async () => {
    const { channel, sent } = scripted("6982");
    const order: string[] = [];
    const r = sendWithCodes(channel, { operation: "verify", reference: 0x82 }, [() => (order.push("encode"), Buffer.from("1234"))], {
      blame: PIN,
      before: async () => void order.push("before"),
      fail: async () => {
        order.push("fail");
        throw new Error("family's own");
      },
    });
    await expect(r).rejects.toThrow("family's own");
    expect(order).toEqual(["encode", "before", "fail"]);
    expect(sent).toHaveLength(1);
  });
});
