/**
 * PKCS#15 eID cards in the Net iD / SITHS style. Nothing about one card is hard-coded:
 * the PINs come from EF.AODF, the signing PIN is the one protecting the PrKDF key with
 * nonRepudiation usage, and the serial comes from EF.TokenInfo.
 */
import {
  INS,
  readBinary,
  selectAid,
  selectFile,
  type CommandApdu,
  changeReferenceData,
  resetRetryCounter,
  verifyEmpty,
} from "../apdu/command.js";
import { PinType, PKCS15_AID, parseAodf, parseOdf, parsePrkdf, parseTokenInfo, type PinObject } from "../apdu/pkcs15.js";
import { ParseError } from "../apdu/tlv.js";
import type { ApduChannel } from "../pcsc/channel.js";
import { PinwardenError } from "../service/errors.js";
import type { Secret } from "../service/secret.js";
import type { CardKnowledge } from "./card-knowledge.js";
import { failWith, padCode, triesFromEmptyVerify, type CardLayout, type CardProfile, type CodeInfo, type TriesMap } from "./profile.js";

const TOKEN_INFO = 0x5032;
const ODF = 0x5031;
const MAX_FILE = 16 * 1024;

interface Pkcs15Code extends CodeInfo {
  pinType: number;
  storedLength: number;
  padChar: number;
  needsPadding: boolean;
  path?: Buffer;
}

export interface Pkcs15Layout extends CardLayout {
  family: "pkcs15";
  codes: Pkcs15Code[];
}

/** SELECT by path: absolute from the MF (P1 08) or a file id in the current DF. */
function selectEf(path: Buffer): CommandApdu {
  if (path.length >= 2 && path[0] === 0x3f && path[1] === 0x00) {
    return path.length === 2 ? selectFile(0x3f00) : { cla: 0, ins: INS.SELECT, p1: 0x08, p2: 0x0c, data: path.subarray(2) };
  }
  if (path.length === 2) return selectFile(path.readUInt16BE(0));
  return { cla: 0, ins: INS.SELECT, p1: 0x09, p2: 0x0c, data: path };
}

async function readFile(channel: ApduChannel, select: CommandApdu): Promise<Buffer | null> {
  const sel = await channel.send(select);
  if (sel.status.kind !== "ok") return null;
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < MAX_FILE) {
    const r = await channel.send(readBinary(offset, 256));
    // 6282: end of file reached before Le bytes; the data read so far is valid.
    const endOfFile = r.sw === 0x6282;
    if ((r.status.kind !== "ok" && !endOfFile) || r.data.length === 0) break;
    parts.push(r.data);
    offset += r.data.length;
    if (endOfFile || r.data.length < 256) break;
  }
  return Buffer.concat(parts);
}

function slug(label: string, taken: Set<string>): string {
  const base =
    label
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "code";
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

/** Gives each AODF PIN its id: auth, sign, puk, then ids derived from labels. */
export function layoutFromObjects(
  pins: PinObject[],
  signAuthId: Buffer | undefined,
  serial?: string,
  label?: string,
  knowledge?: CardKnowledge,
): Pkcs15Layout {
  const ids = new Map<PinObject, string>();
  const taken = new Set<string>();
  const claim = (pin: PinObject | undefined, id: string) => {
    if (pin && !ids.has(pin) && !taken.has(id)) {
      ids.set(pin, id);
      taken.add(id);
    }
  };
  const userPins = pins.filter((p) => !p.flags.unblockingPin && !p.flags.soPin);
  claim(signAuthId ? userPins.find((p) => p.authId.equals(signAuthId)) : undefined, "sign");
  claim(
    userPins.find((p) => !ids.has(p)),
    "auth",
  );
  claim(
    pins.find((p) => p.flags.unblockingPin),
    "puk",
  );
  for (const p of pins) if (!ids.has(p)) claim(p, slug(p.label, taken));

  const idOfAuth = (authId: Buffer | undefined) => {
    const owner = authId && pins.find((p) => p.authId.equals(authId));
    return owner ? ids.get(owner) : undefined;
  };
  const codes = pins.map((p): Pkcs15Code => {
    const kind = p.flags.unblockingPin ? "puk" : p.flags.soPin ? "admin" : "pin";
    const unblockedBy = p.unblockedBy && !p.unblockedBy.equals(p.authId) ? idOfAuth(p.unblockedBy) : undefined;
    const code: Pkcs15Code = {
      id: ids.get(p)!,
      label: p.label,
      kind,
      reference: p.reference,
      minLength: p.minLength,
      maxLength: p.maxLength ?? p.storedLength,
      numeric: p.pinType === PinType.bcd || p.pinType === PinType.asciiNumeric,
      charset: p.pinType === PinType.bcd ? "digits" : "any",
      // PKCS#15 does not record a retry limit: only a documented fact about the card gives one.
      maxTries: (kind === "pin" ? knowledge?.maxTries?.pin : knowledge?.maxTries?.puk) ?? null,
      canChange: !p.flags.changeDisabled,
      canUnblock: !p.flags.unblockDisabled && !!unblockedBy,
      pinType: p.pinType,
      storedLength: p.storedLength,
      padChar: p.padChar ?? 0xff,
      needsPadding: p.flags.needsPadding,
    };
    if (unblockedBy) code.unblockedBy = unblockedBy;
    if (p.path) code.path = p.path;
    return code;
  });
  const layout: Pkcs15Layout = { family: "pkcs15", codes };
  if (serial) layout.serial = serial;
  if (label) layout.label = label;
  return layout;
}

/** The code as the card stores it: BCD packed or ASCII, padded when the AODF says so. */
function encodeCode(code: Pkcs15Code, secret: Secret): Buffer {
  const bytes = secret.bytes();
  if (code.pinType === PinType.bcd) {
    const nibbles = [...bytes].map((b) => b - 0x30);
    const size = code.needsPadding ? code.storedLength : Math.ceil(nibbles.length / 2);
    const out = Buffer.alloc(size, code.padChar);
    for (let i = 0; i < nibbles.length; i++) {
      const at = i >> 1;
      out[at] = i % 2 === 0 ? (nibbles[i]! << 4) | (out[at]! & 0x0f) : (out[at]! & 0xf0) | nibbles[i]!;
    }
    nibbles.fill(0);
    return out;
  }
  return code.needsPadding ? padCode(bytes, code.storedLength, code.padChar) : Buffer.from(bytes);
}

async function selectCodePath(channel: ApduChannel, code: Pkcs15Code): Promise<void> {
  if (code.path) await channel.send(selectEf(code.path));
}

export const pkcs15Profile: CardProfile<Pkcs15Layout> = {
  family: "pkcs15",

  async detect(channel, card) {
    const sel = await channel.send(selectAid(PKCS15_AID));
    if (sel.status.kind !== "ok") return null;
    try {
      const odfData = await readFile(channel, selectFile(ODF));
      if (!odfData) return null;
      const odf = parseOdf(odfData);
      const aodfPath = odf.find((e) => e.kind === "authObjects")?.path;
      if (!aodfPath) return null;
      const aodf = await readFile(channel, selectEf(aodfPath));
      const pins = aodf ? parseAodf(aodf) : [];
      if (pins.length === 0) return null;
      let signAuthId: Buffer | undefined;
      for (const entry of odf.filter((e) => e.kind === "privateKeys")) {
        const prkdf = await readFile(channel, selectEf(entry.path));
        const key = prkdf ? parsePrkdf(prkdf).find((k) => k.usage.nonRepudiation && k.authId) : undefined;
        if (key) {
          signAuthId = key.authId;
          break;
        }
      }
      const tokenData = await readFile(channel, selectFile(TOKEN_INFO));
      const token = tokenData ? parseTokenInfo(tokenData) : undefined;
      return { layout: layoutFromObjects(pins, signAuthId, token?.serialNumber, token?.label, card.knowledge) };
    } catch (error) {
      if (error instanceof ParseError) throw new PinwardenError("CARD_UNSUPPORTED", { technical: `PKCS#15: ${error.message}` });
      throw error;
    }
  },

  async select(channel) {
    return (await channel.send(selectAid(PKCS15_AID))).status.kind === "ok";
  },

  async readTries(channel, layout, card, ids) {
    const tries: TriesMap = new Map();
    for (const code of layout.codes) {
      if (ids && !ids.includes(code.id)) continue;
      // Some card OSes count an empty VERIFY as a failed try: send it only where known safe.
      if (!card.emptyVerifySafe) continue;
      await selectCodePath(channel, code);
      const r = await channel.send(verifyEmpty(code.reference));
      tries.set(code.id, triesFromEmptyVerify(r.status));
    }
    return tries;
  },

  async change(channel, _layout, code, current, next) {
    const c = code as Pkcs15Code;
    const oldBytes = encodeCode(c, current);
    const newBytes = encodeCode(c, next);
    const data = Buffer.concat([oldBytes, newBytes]);
    try {
      await selectCodePath(channel, c);
      const r = await channel.send(changeReferenceData(c.reference, data));
      if (r.status.kind !== "ok") failWith(code, r.status, r.sw);
    } finally {
      oldBytes.fill(0);
      newBytes.fill(0);
      data.fill(0);
    }
  },

  async unblock(channel, _layout, pin, unblocker, puk, next) {
    const p = pin as Pkcs15Code;
    const pukBytes = encodeCode(unblocker as Pkcs15Code, puk);
    const newBytes = encodeCode(p, next);
    const data = Buffer.concat([pukBytes, newBytes]);
    try {
      await selectCodePath(channel, p);
      const r = await channel.send(resetRetryCounter(p.reference, data));
      if (r.status.kind !== "ok") failWith(unblocker, r.status, r.sw);
    } finally {
      pukBytes.fill(0);
      newBytes.fill(0);
      data.fill(0);
    }
  },
};
