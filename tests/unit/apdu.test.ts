import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeCommand, parseCommand, describeCommand, changeReferenceData, verifyEmpty } from "../../native-bridge/apdu/command.js";
import { decodeStatus } from "../../native-bridge/apdu/status.js";
import { bitSet, encodeBits, ParseError, parseTlvs, tlv, findTlv } from "../../native-bridge/apdu/tlv.js";
import {
  encodeOdf,
  encodePinObject,
  encodeTokenInfo,
  parseAodf,
  parseOdf,
  parseTokenInfo,
  PinType,
  type PinObject,
} from "../../native-bridge/apdu/pkcs15.js";
import { parsePwStatus } from "../../native-bridge/profiles/openpgp.js";
import { parsePinMetadata, serialFromChuid } from "../../native-bridge/profiles/piv.js";

describe("status words", () => {
  it.each([
    [0x9000, { kind: "ok" }],
    [0x63c2, { kind: "wrongCode", triesLeft: 2 }],
    [0x63c0, { kind: "wrongCode", triesLeft: 0 }],
    [0x6302, { kind: "wrongCode", triesLeft: 2 }],
    [0x6983, { kind: "blocked" }],
    [0x6984, { kind: "notUsable" }],
    [0x6982, { kind: "securityStatus" }],
    [0x6985, { kind: "conditions" }],
    [0x6a80, { kind: "wrongData" }],
    [0x6a88, { kind: "notFound" }],
    [0x6700, { kind: "wrongLength" }],
    [0x6d00, { kind: "unsupported" }],
    [0x6110, { kind: "moreData", available: 16 }],
    [0x6c08, { kind: "wrongLe", exact: 8 }],
    [0x6401, { kind: "pinPad", reason: "cancelled" }],
    [0x6f00, { kind: "other", sw: 0x6f00 }],
  ])("SW %#x decodes", (sw, expected) => {
    expect(decodeStatus(sw)).toEqual(expected);
  });

  it("decodes every 16-bit value without throwing", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff }), (sw) => typeof decodeStatus(sw).kind === "string"));
  });
});

describe("command APDUs", () => {
  it("round-trips through encode and parse", () => {
    fc.assert(
      fc.property(
        fc.record({
          cla: fc.integer({ min: 0, max: 255 }),
          ins: fc.integer({ min: 0, max: 255 }),
          p1: fc.integer({ min: 0, max: 255 }),
          p2: fc.integer({ min: 0, max: 255 }),
          data: fc.uint8Array({ minLength: 0, maxLength: 255 }),
          le: fc.option(fc.integer({ min: 1, max: 256 }), { nil: undefined }),
        }),
        (c) => {
          const cmd = { ...c, data: Buffer.from(c.data) };
          const parsed = parseCommand(encodeCommand(cmd));
          expect(parsed).toMatchObject({ cla: c.cla, ins: c.ins, p1: c.p1, p2: c.p2, le: c.le });
          expect(Buffer.compare(parsed.data, cmd.data)).toBe(0);
        },
      ),
    );
  });

  it("never prints the data of a command that carries a code", () => {
    const line = describeCommand(changeReferenceData(0x81, Buffer.from("123456654321")));
    expect(line).toBe("00240081 [12 bytes masked]");
    expect(line).not.toContain("3132");
    expect(describeCommand(verifyEmpty(0x81))).toBe("00200081");
  });

  it("parses extended APDUs as OpenSC sends them", () => {
    expect(parseCommand(Buffer.from("00CA5F52002000", "hex"))).toMatchObject({ ins: 0xca, p1: 0x5f, p2: 0x52, le: 0x2000 });
  });

  it("rejects malformed APDUs with a RangeError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parseCommand(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(RangeError);
        }
      }),
    );
  });
});

describe("BER-TLV", () => {
  it("round-trips nested objects with long lengths and multi-byte tags", () => {
    const inner = tlv(0x5f2d, Buffer.from("sv"));
    const big = tlv(0x04, Buffer.alloc(300, 7));
    const parsed = parseTlvs(tlv(0x65, inner, big));
    expect(parsed).toHaveLength(1);
    expect(findTlv(parsed, 0x5f2d)!.value.toString()).toBe("sv");
    expect(findTlv(parsed, 0x04)!.value.length).toBe(300);
  });

  it("throws only ParseError on random input", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          const list = parseTlvs(bytes);
          findTlv(list, 0x9999);
        } catch (e) {
          expect(e).toBeInstanceOf(ParseError);
        }
      }),
    );
  });

  it("encodes BIT STRINGs the way DER reads them", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 15 })), (bits) => {
        const encoded = encodeBits(bits);
        for (let n = 0; n < 16; n++) expect(bitSet(encoded, n)).toBe(bits.includes(n));
      }),
    );
  });
});

describe("PKCS#15 objects", () => {
  const pinArb = fc.record({
    label: fc.string({ maxLength: 20 }),
    authId: fc.uint8Array({ minLength: 1, maxLength: 4 }).map((a) => Buffer.from(a)),
    flags: fc.record({
      local: fc.boolean(),
      changeDisabled: fc.boolean(),
      unblockDisabled: fc.boolean(),
      initialized: fc.boolean(),
      needsPadding: fc.boolean(),
      unblockingPin: fc.boolean(),
      soPin: fc.boolean(),
    }),
    pinType: fc.constantFrom(PinType.bcd, PinType.asciiNumeric, PinType.utf8),
    minLength: fc.integer({ min: 0, max: 8 }),
    storedLength: fc.integer({ min: 8, max: 16 }),
    maxLength: fc.integer({ min: 8, max: 16 }),
    reference: fc.integer({ min: 0, max: 255 }),
    padChar: fc.integer({ min: 0, max: 255 }),
  });

  it("round-trips AODF PIN objects", () => {
    fc.assert(
      fc.property(fc.array(pinArb, { minLength: 1, maxLength: 4 }), (pins: PinObject[]) => {
        const parsed = parseAodf(Buffer.concat(pins.map(encodePinObject)));
        expect(parsed).toHaveLength(pins.length);
        parsed.forEach((p, i) => expect(p).toEqual(pins[i]));
      }),
    );
  });

  it("round-trips the ODF and TokenInfo", () => {
    const odf = [
      { kind: "privateKeys" as const, path: Buffer.from("3F0050154402", "hex") },
      { kind: "authObjects" as const, path: Buffer.from("3F0050154401", "hex") },
    ];
    expect(parseOdf(encodeOdf(odf))).toEqual(odf);
    expect(parseTokenInfo(encodeTokenInfo({ serialNumber: "0102ABCD", label: "Kort", manufacturer: "X" }))).toEqual({
      serialNumber: "0102ABCD",
      label: "Kort",
      manufacturer: "X",
    });
  });

  it("ignores the 00/FF padding at the end of a fixed-size EF", () => {
    const padded = Buffer.concat([encodeOdf([{ kind: "authObjects", path: Buffer.from("4401", "hex") }]), Buffer.alloc(20, 0xff)]);
    expect(parseOdf(padded)).toHaveLength(1);
  });

  it("fails with ParseError, never anything else, on random AODF, ODF and TokenInfo data", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        for (const parse of [parseAodf, parseOdf, parseTokenInfo]) {
          try {
            parse(bytes);
          } catch (e) {
            expect(e).toBeInstanceOf(ParseError);
          }
        }
      }),
    );
  });
});

describe("family data objects", () => {
  it("reads OpenPGP DO C4 bare and wrapped", () => {
    const bare = Buffer.from("017F7F7F030003", "hex");
    expect(parsePwStatus(bare)).toEqual({
      pw1ValidForSeveral: true,
      maxLength: { user: 127, reset: 127, admin: 127 },
      triesLeft: { user: 3, reset: 0, admin: 3 },
    });
    expect(parsePwStatus(tlv(0xc4, bare))).toEqual(parsePwStatus(bare));
    expect(parsePwStatus(Buffer.from("0102", "hex"))).toBeUndefined();
  });

  it("reads PIV GET METADATA and CHUID, and returns undefined on garbage", () => {
    expect(parsePinMetadata(Buffer.concat([tlv(0x01, Buffer.from([0xff])), tlv(0x06, Buffer.from([3, 2]))]))).toEqual({
      maxTries: 3,
      triesLeft: 2,
    });
    expect(
      serialFromChuid(tlv(0x53, tlv(0x30, Buffer.alloc(25, 1)), tlv(0x34, Buffer.from("00112233445566778899AABBCCDDEEFF", "hex")))),
    ).toBe("00112233445566778899AABBCCDDEEFF");
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (bytes) => {
        parsePinMetadata(Buffer.from(bytes));
        serialFromChuid(Buffer.from(bytes));
        parsePwStatus(Buffer.from(bytes));
      }),
    );
  });
});

describe("vpcd frames", () => {
  it("reassemble however the stream is split, and random bytes never throw", async () => {
    const { VpcdFrames, encodeFrame } = await import("../../native-bridge/simulator/vpcd-client.js");
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1 }),
        (payloads, cuts) => {
          const stream = Buffer.concat(payloads.map((p) => encodeFrame(Buffer.from(p))));
          const reader = new VpcdFrames();
          const got: Buffer[] = [];
          let pos = 0;
          for (let i = 0; pos < stream.length; i++) {
            const size = cuts[i % cuts.length]!;
            got.push(...reader.push(stream.subarray(pos, pos + size)));
            pos += size;
          }
          expect(got.map((b) => b.toString("hex"))).toEqual(payloads.map((p) => Buffer.from(p).toString("hex")));
        },
      ),
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => void new VpcdFrames().push(Buffer.from(bytes))));
  });
});
