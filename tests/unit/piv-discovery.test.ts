/**
 * The PIV profile's reading of the Discovery object's PIN usage policy (SP 800-73-4 Part 1
 * §3.3.2), held to OpenSC's rule (card-piv.c piv_parse_discovery: first byte has 0x40 and
 * 0x20, second byte is 0x20), and its refusal of an over-long code before any APDU.
 */
import { describe, expect, it } from "vitest";
import { tlv } from "../../native-bridge/apdu/tlv.js";
import type { ApduChannel } from "../../native-bridge/pcsc/channel.js";
import { globalPinPrimary, PivSession, type PivLayout } from "../../native-bridge/profiles/piv.js";
import { isPinwardenError } from "../../native-bridge/core/errors.js";
import { Secret } from "../../native-bridge/core/secret.js";

const AID = Buffer.from("A000000308000010000100", "hex");
const discovery = (policy: number[], aid = AID) => tlv(0x7e, tlv(0x4f, aid), tlv(0x5f2f, Buffer.from(policy)));

describe("Discovery object: is the global PIN primary?", () => {
  it.each([
    [[0x60, 0x20], true], // both satisfy the ACRs, global primary
    [[0x70, 0x20], true], // the OCC too (0x10): still global primary
    [[0x60, 0x10], false], // the PIV PIN is primary
    [[0x40, 0x00], false], // no global PIN (a G+D SCE7 answers this)
    [[0x20, 0x20], false], // no 0x40: OpenSC does not use the global PIN, nor do we
    [[0x60], false], // malformed policy
  ])("policy %j -> %s", (policy, expected) => {
    expect(globalPinPrimary(discovery(policy))).toBe(expected);
  });

  it("is no when the object is not PIV's, is absent, or does not parse", () => {
    expect(globalPinPrimary(discovery([0x60, 0x20], Buffer.from("D27600012401", "hex")))).toBe(false);
    expect(globalPinPrimary(Buffer.alloc(0))).toBe(false);
    expect(globalPinPrimary(Buffer.from("7E05", "hex"))).toBe(false);
    expect(globalPinPrimary(tlv(0x53, Buffer.from("00", "hex")))).toBe(false);
  });
});

describe("the PIV profile with an over-long code", () => {
  const layout: PivLayout = { family: "piv", metadata: false, globalPin: true, codes: [] };
  const code = {
    id: "auth",
    label: "Global PIN",
    kind: "pin" as const,
    reference: 0,
    minLength: 6,
    maxLength: 8,
    numeric: true,
    charset: "any" as const,
    maxTries: null,
    canChange: true,
    canUnblock: false,
  };

  it("refuses it with CODE_LENGTH and sends nothing, wiping what it padded", async () => {
    let sent = 0;
    const channel = {
      send: async () => ((sent += 1), { data: Buffer.alloc(0), sw: 0x9000, status: { kind: "ok" } }),
    } as unknown as ApduChannel;
    const current = Secret.fromString("123456");
    const next = Secret.fromString("123456789");
    const error = await new PivSession(layout).change(channel, code, current, next).catch((e: unknown) => e);
    expect(isPinwardenError(error) && error.code).toBe("CODE_LENGTH");
    expect(sent).toBe(0);
  });

  it("refuses to unblock anything but the PIV PIN (80), before any APDU", async () => {
    let sent = 0;
    const channel = {
      send: async () => ((sent += 1), { data: Buffer.alloc(0), sw: 0x9000, status: { kind: "ok" } }),
    } as unknown as ApduChannel;
    const puk = { ...code, id: "puk", kind: "puk" as const, reference: 0x81 };
    const error = await new PivSession(layout)
      .unblock(channel, code, puk, Secret.fromString("12345678"), Secret.fromString("246810"))
      .catch((e: unknown) => e);
    expect(isPinwardenError(error) && error.code).toBe("OPERATION_NOT_ALLOWED");
    expect(sent).toBe(0);
  });
});
