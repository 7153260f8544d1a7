/**
 * PIV (NIST SP 800-73-4). PIN 80 and PUK 81, both padded to 8 bytes with FF.
 * Tries: GET METADATA where the card answers it (YubiKey-compatible cards: tag 06 =
 * [max, left], for the PIN and the PUK); otherwise an empty VERIFY for the PIN, and the
 * PUK's count is unknown (its VERIFY is not allowed and would risk a try).
 */
import { changeReferenceData, getMetadata, INS, resetRetryCounter, selectAid, verifyEmpty } from "../apdu/command.js";
import { findTlv, parseTlvs, ParseError, tlv } from "../apdu/tlv.js";
import { failWith, padCode, triesFromEmptyVerify, type CardLayout, type CardProfile, type TriesMap } from "./profile.js";

export const PIV_AID = Buffer.from("A000000308", "hex");
const PIN_REF = 0x80;
const PUK_REF = 0x81;
const PAD = 0xff;
const STORED = 8;

export interface PivLayout extends CardLayout {
  family: "piv";
  /** The card answers GET METADATA for PIN and PUK. */
  metadata: boolean;
}

/** [max, left] from a GET METADATA answer (tag 06), or undefined. */
export function parsePinMetadata(data: Buffer): { maxTries: number; triesLeft: number } | undefined {
  try {
    const t = findTlv(parseTlvs(data), 0x06);
    if (!t || t.value.length < 2) return undefined;
    return { maxTries: t.value[0]!, triesLeft: t.value[1]! };
  } catch (error) {
    if (error instanceof ParseError) return undefined;
    throw error;
  }
}

/** The card's serial: the CHUID GUID (tag 34), else the FASC-N (30). */
export function serialFromChuid(data: Buffer): string | undefined {
  try {
    const body = findTlv(parseTlvs(data), 0x53);
    const inner = body ? parseTlvs(body.value) : [];
    const guid = inner.find((t) => t.tag === 0x34 && t.value.some((b) => b !== 0));
    const fascn = inner.find((t) => t.tag === 0x30);
    return (guid ?? fascn)?.value.toString("hex").toUpperCase();
  } catch (error) {
    if (error instanceof ParseError) return undefined;
    throw error;
  }
}

const getChuid = { cla: 0, ins: INS.GET_DATA_ODD, p1: 0x3f, p2: 0xff, data: tlv(0x5c, Buffer.from("5FC102", "hex")), le: 256 };

export const pivProfile: CardProfile<PivLayout> = {
  family: "piv",

  async detect(channel) {
    const sel = await channel.send(selectAid(PIV_AID));
    if (sel.status.kind !== "ok") return null;
    const chuid = await channel.send(getChuid);
    const serial = chuid.status.kind === "ok" ? serialFromChuid(chuid.data) : undefined;
    const pinMeta = await channel.send(getMetadata(PIN_REF));
    const pin = pinMeta.status.kind === "ok" ? parsePinMetadata(pinMeta.data) : undefined;
    const pukMeta = pin ? await channel.send(getMetadata(PUK_REF)) : undefined;
    const puk = pukMeta?.status.kind === "ok" ? parsePinMetadata(pukMeta.data) : undefined;
    const layout: PivLayout = {
      family: "piv",
      metadata: !!pin,
      codes: [
        {
          id: "auth",
          label: "PIV PIN",
          kind: "pin",
          reference: PIN_REF,
          minLength: 6,
          maxLength: 8,
          numeric: true,
          charset: "any",
          maxTries: pin?.maxTries ?? null,
          unblockedBy: "puk",
          canChange: true,
          canUnblock: true,
        },
        {
          id: "puk",
          label: "PIV PUK",
          kind: "puk",
          reference: PUK_REF,
          minLength: 6,
          maxLength: 8,
          numeric: false,
          charset: "any",
          maxTries: puk?.maxTries ?? null,
          canChange: true,
          canUnblock: false,
        },
      ],
    };
    if (serial) layout.serial = serial;
    if (!pin) return { layout };
    return { layout, tries: new Map([["auth", pin.triesLeft], ["puk", puk?.triesLeft ?? null]]) };
  },

  async select(channel) {
    return (await channel.send(selectAid(PIV_AID))).status.kind === "ok";
  },

  async readTries(channel, layout, _card, ids) {
    const tries: TriesMap = new Map();
    const wanted = layout.codes.filter((c) => !ids || ids.includes(c.id));
    for (const code of wanted) {
      if (layout.metadata) {
        const r = await channel.send(getMetadata(code.reference));
        const meta = r.status.kind === "ok" ? parsePinMetadata(r.data) : undefined;
        tries.set(code.id, meta ? meta.triesLeft : null);
      } else if (code.kind === "pin") {
        // SP 800-73-4 §3.2.1: VERIFY with no data returns the retry counter.
        const r = await channel.send(verifyEmpty(code.reference));
        tries.set(code.id, triesFromEmptyVerify(r.status));
      } else {
        // The PUK cannot be VERIFYed (6A88 on most cards): it is not asked, its count unknown.
      }
    }
    return tries;
  },

  async change(channel, _layout, code, current, next) {
    const oldBytes = padCode(current.bytes(), STORED, PAD);
    const newBytes = padCode(next.bytes(), STORED, PAD);
    const data = Buffer.concat([oldBytes, newBytes]);
    try {
      const r = await channel.send(changeReferenceData(code.reference, data));
      if (r.status.kind !== "ok") failWith(code, r.status, r.sw);
    } finally {
      oldBytes.fill(0);
      newBytes.fill(0);
      data.fill(0);
    }
  },

  async unblock(channel, _layout, pin, unblocker, puk, next) {
    const pukBytes = padCode(puk.bytes(), STORED, PAD);
    const newBytes = padCode(next.bytes(), STORED, PAD);
    const data = Buffer.concat([pukBytes, newBytes]);
    try {
      const r = await channel.send(resetRetryCounter(pin.reference, data));
      if (r.status.kind !== "ok") failWith(unblocker, r.status, r.sw);
    } finally {
      pukBytes.fill(0);
      newBytes.fill(0);
      data.fill(0);
    }
  },
};
