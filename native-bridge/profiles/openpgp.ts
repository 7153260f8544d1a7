/**
 * OpenPGP card 3.4. PW1 (user PIN), PW3 (admin PIN) and the resetting code. All three
 * counters come from one GET DATA of DO C4, so reading them never touches a PIN.
 * PW1 is changed through reference 81 (not 82). Some cards answer 6982 instead of 63Cx
 * for a wrong PIN: the count is then read back from C4.
 */
import { changeReferenceData, getData, resetRetryCounter, selectAid, verify } from "../apdu/command.js";
import { PinwardenError } from "../service/errors.js";
import type { ApduChannel } from "../pcsc/channel.js";
import { codeById, failWith, type CardLayout, type CardProfile, type CodeInfo, type TriesMap } from "./profile.js";
import type { Status } from "../apdu/status.js";

export const OPENPGP_AID = Buffer.from("D27600012401", "hex");

export interface PwStatus {
  pw1ValidForSeveral: boolean;
  maxLength: { user: number; reset: number; admin: number };
  triesLeft: { user: number; reset: number; admin: number };
}

/** Parses DO C4 (PW status bytes): 7 bytes, or inside a C4 TLV. */
export function parsePwStatus(data: Buffer): PwStatus | undefined {
  const b = data.length >= 9 && data[0] === 0xc4 ? data.subarray(2) : data;
  if (b.length < 7) return undefined;
  return {
    pw1ValidForSeveral: b[0] !== 0,
    maxLength: { user: b[1]!, reset: b[2]!, admin: b[3]! },
    triesLeft: { user: b[4]!, reset: b[5]!, admin: b[6]! },
  };
}

async function readPwStatus(channel: ApduChannel): Promise<PwStatus> {
  const r = await channel.send(getData(0xc4));
  const pw = r.status.kind === "ok" ? parsePwStatus(r.data) : undefined;
  if (!pw) throw new PinwardenError("CARD_ERROR", { technical: `C4 ${r.sw.toString(16)}` });
  return pw;
}

/** A wrong code answered 6982 (some cards): take the count from C4 instead. */
async function failWithCount(channel: ApduChannel, code: CodeInfo, status: Status, sw: number): Promise<never> {
  if (status.kind === "securityStatus") {
    const pw = await readPwStatus(channel);
    const left = pw.triesLeft[code.id as keyof PwStatus["triesLeft"]];
    failWith(code, { kind: "wrongCode", triesLeft: left }, sw);
  }
  failWith(code, status, sw);
}

function code(id: "user" | "admin" | "reset", maxLength: number): CodeInfo {
  // DO C4 gives tries left, not the limit (3 by default, but a card can be set to more):
  // the limit is not stated.
  const common = { maxLength, numeric: false, charset: "any" as const, maxTries: null };
  if (id === "user") {
    return {
      id,
      label: "PW1 (user PIN)",
      kind: "pin",
      reference: 0x81,
      minLength: 6,
      unblockedBy: "admin",
      canChange: true,
      canUnblock: true,
      ...common,
    };
  }
  if (id === "admin") {
    return { id, label: "PW3 (admin PIN)", kind: "admin", reference: 0x83, minLength: 8, canChange: true, canUnblock: false, ...common };
  }
  // The resetting code is set with PUT DATA after PW3, not changed: offer no change.
  return { id, label: "Resetting code", kind: "reset", reference: 0x81, minLength: 8, canChange: false, canUnblock: false, ...common };
}

function triesOf(pw: PwStatus, layout: CardLayout): TriesMap {
  return new Map(layout.codes.map((c) => [c.id, pw.triesLeft[c.id as keyof PwStatus["triesLeft"]]]));
}

export const openpgpProfile: CardProfile = {
  family: "openpgp",

  async detect(channel) {
    const sel = await channel.send(selectAid(OPENPGP_AID));
    if (sel.status.kind !== "ok") return null;
    const aid = await channel.send(getData(0x004f));
    const pw = await readPwStatus(channel);
    const layout: CardLayout = {
      family: "openpgp",
      codes: [code("user", pw.maxLength.user), code("admin", pw.maxLength.admin), code("reset", pw.maxLength.reset)],
    };
    // AID: D2 76 00 01 24 01 | version(2) | manufacturer(2) | serial(4) | RFU(2)
    if (aid.status.kind === "ok" && aid.data.length >= 14) layout.serial = aid.data.subarray(10, 14).toString("hex").toUpperCase();
    return { layout, tries: triesOf(pw, layout) };
  },

  async select(channel) {
    return (await channel.send(selectAid(OPENPGP_AID))).status.kind === "ok";
  },

  async readTries(channel, layout) {
    return triesOf(await readPwStatus(channel), layout);
  },

  async change(channel, _layout, c, current, next) {
    const data = Buffer.concat([current.bytes(), next.bytes()]);
    try {
      const r = await channel.send(changeReferenceData(c.reference, data));
      if (r.status.kind !== "ok") await failWithCount(channel, c, r.status, r.sw);
    } finally {
      data.fill(0);
    }
  },

  async unblock(channel, layout, pin, unblocker, puk, next) {
    if (unblocker.id === "reset") {
      const data = Buffer.concat([puk.bytes(), next.bytes()]);
      try {
        const r = await channel.send(resetRetryCounter(pin.reference, data, 0x00));
        if (r.status.kind !== "ok") await failWithCount(channel, unblocker, r.status, r.sw);
      } finally {
        data.fill(0);
      }
      return;
    }
    // With PW3: VERIFY PW3, then RESET RETRY COUNTER with P1 = 02 and only the new PW1.
    const admin = codeById(layout, "admin")!;
    const pw3 = Buffer.from(puk.bytes());
    const pw1 = Buffer.from(next.bytes());
    try {
      const v = await channel.send(verify(admin.reference, pw3));
      if (v.status.kind !== "ok") await failWithCount(channel, admin, v.status, v.sw);
      const r = await channel.send(resetRetryCounter(pin.reference, pw1, 0x02));
      if (r.status.kind !== "ok") failWith(pin, r.status, r.sw);
    } finally {
      pw3.fill(0);
      pw1.fill(0);
    }
  },
};
