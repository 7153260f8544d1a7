/**
 * PKCS#15 eID cards in the Net iD / SITHS style, and PKCS#15 cards as OpenSC's
 * pkcs15-init lays them out. Nothing about one card is hard-coded: the application is
 * found as OpenSC's sc_pkcs15_bind finds it (standard AID, then EF.DIR, then 3F00/5015),
 * the PINs come from EF.AODF, the signing PIN is the one protecting the PrKDF key with
 * nonRepudiation usage, and the serial comes from EF.TokenInfo.
 *
 * How a code goes on the wire follows OpenSC (src/libopensc/pkcs15-pin.c and sec.c
 * sc_build_pin), so a code Pinwarden sets is a code OpenSC-based middleware can type:
 * - padding only when the AODF sets needsPadding, to storedLength, with the AODF's
 *   padChar or 0x00 where it names none (pkcs15-pin.c zero-fills the object before
 *   decoding it). needsPadding unset but storedLength given: no padding, as sc_build_pin
 *   pads only when SC_PIN_CMD_NEED_PADDING is set;
 * - bcd: two digits a byte, an odd last digit completed with the padChar's low nibble,
 *   padded to storedLength/2 bytes (sec.c `pad_length >>= 1`);
 * - ascii-numeric, utf8 and half-nibble-bcd: the typed bytes (pkcs15-pin.c maps every type
 *   but bcd to its ASCII encoding); iso9564-1: an ISO 9564-1 format 2 block (sec.c's GLP
 *   encoding, used by OpenSC's STARCOS driver, where this type is found);
 * - the PIN object's path is SELECTed before VERIFY / CHANGE / RESET RETRY COUNTER and
 *   nothing is sent when that SELECT fails (pkcs15-pin.c `goto out`);
 * - P2 is the AODF's reference, with bit 8 added only where the card's row in
 *   card-knowledge.ts says the card OS wants it (card-cardos.c pin_cmd).
 */
import { INS, readBinary, selectAid, type CommandApdu, verifyEmpty } from "../apdu/command.js";
import {
  fcpFileSize,
  PinType,
  PKCS15_AID,
  parseAodf,
  parseDir,
  parseOdf,
  parsePrkdf,
  parseTokenInfo,
  type OdfEntry,
  type PinObject,
} from "../apdu/pkcs15.js";
import { swHex } from "../apdu/status.js";
import { ParseError } from "../apdu/tlv.js";
import type { ApduChannel } from "../pcsc/channel.js";
import { PinwardenError } from "../core/errors.js";
import type { Secret } from "../core/secret.js";
import type { CardKnowledge } from "./card-knowledge.js";
import { encodePin, sendWithCodes, type PinFormat } from "./iso.js";
import {
  triesFromEmptyVerify,
  type CardContext,
  type CardLayout,
  type CardProfile,
  type CardSession,
  type CodeInfo,
  type TriesMap,
} from "./profile.js";

const MF = Buffer.from([0x3f, 0x00]);
const EF_DIR = Buffer.from([0x2f, 0x00]);
/** OpenSC's fallback when neither the AID nor EF.DIR leads to the application (pkcs15.c). */
const DEFAULT_APP_PATH = Buffer.from("3F005015", "hex");
const ODF = Buffer.from([0x50, 0x31]);
const TOKEN_INFO = Buffer.from([0x50, 0x32]);
const MAX_FILE = 16 * 1024;

/** Where the PKCS#15 application is: its AID where it can be selected by name, its path. */
export interface Pkcs15App {
  /** Selectable AID (SELECT by name answered 9000 at detection). */
  aid?: Buffer;
  /** Absolute path of the application DF (from EF.DIR or the 3F00/5015 fallback). */
  path?: Buffer;
}

export interface Pkcs15Code extends CodeInfo {
  /** The pinReference as the AODF stores it; null for a PUK the AODF does not describe. */
  storedReference: number | null;
  pinType: number;
  storedLength: number;
  /** The AODF's padChar, or 0x00 where it names none (OpenSC). */
  padChar: number;
  needsPadding: boolean;
  /** The AODF's initialized flag: a PIN not initialized has no value to change. */
  initialized: boolean;
  /** The DF to SELECT before a PIN command: absolute, or relative to the application. */
  path?: Buffer;
  /**
   * A PUK with no AODF entry (OpenSC pkcs15-pin.c: "Unable to get puk object, using pin
   * object instead"): encoded like the PIN, its own reference and counter unknown.
   */
  described: boolean;
  /** The AODF's authId: a private key names its PIN by it (EF.PrKDF), so a certificate does too. */
  authId?: Buffer;
}

export interface Pkcs15Layout extends CardLayout {
  family: "pkcs15";
  codes: Pkcs15Code[];
  app: Pkcs15App;
  /** EF.ODF as detection read it: the certificate reader finds the CDFs here without reading it again. */
  odf?: OdfEntry[];
}

// --- paths and the DF the card has selected ----------------------------------

const startsWithMf = (p: Buffer) => p.length >= 2 && p[0] === 0x3f && p[1] === 0x00;

/** A path from the card's description, as an absolute path where that can be known. */
function absolute(app: Pkcs15App, path: Buffer): Buffer | undefined {
  if (startsWithMf(path)) return path;
  return app.path ? Buffer.concat([app.path, path]) : undefined;
}

/** A stable name for a DF, "app" for the application's own. */
function dfKey(app: Pkcs15App, path: Buffer | undefined): string {
  if (!path || path.length === 0) return "app";
  const abs = absolute(app, path);
  if (abs) return app.path && abs.equals(app.path) ? "app" : `abs:${abs.toString("hex")}`;
  return `rel:${path.toString("hex")}`;
}

/**
 * The DF each channel has selected, as far as this profile knows: valid only while no
 * other APDU went over the channel (another profile's SELECT makes it unknown). It saves
 * the SELECT of the same DF before every code of a status read.
 */
const selected = new WeakMap<ApduChannel, { key: string; count: number }>();

function isSelected(channel: ApduChannel, key: string): boolean {
  const s = selected.get(channel);
  return !!s && s.key === key && s.count === channel.count;
}

function markSelected(channel: ApduChannel, key: string | undefined): void {
  if (key === undefined) selected.delete(channel);
  else selected.set(channel, { key, count: channel.count });
}

/** Sends a command that does not change the selected DF, keeping what is known about it. */
async function sendKeeping(channel: ApduChannel, cmd: CommandApdu) {
  const before = selected.get(channel);
  const valid = before && before.count === channel.count;
  const r = await channel.send(cmd);
  if (valid) before.count = channel.count;
  return r;
}

/**
 * SELECT by path (ISO 7816-4 §11.2.2): 3F00 alone by its id; an absolute path from the MF
 * with P1 08 (without 3F00); a relative one from the current DF with P1 09, a lone file
 * id with P1 00. `fcp`: ask for the FCP template (P2 04), as OpenSC does for the EFs it
 * reads, to learn their size.
 */
function selectPathCmd(path: Buffer, fcp: boolean): CommandApdu {
  const p2 = fcp ? 0x04 : 0x0c;
  const le = fcp ? 256 : undefined;
  if (startsWithMf(path)) {
    if (path.length === 2) return { cla: 0, ins: INS.SELECT, p1: 0x00, p2, data: MF, le };
    return { cla: 0, ins: INS.SELECT, p1: 0x08, p2, data: path.subarray(2), le };
  }
  return { cla: 0, ins: INS.SELECT, p1: path.length === 2 ? 0x00 : 0x09, p2, data: path, le };
}

async function selectApp(channel: ApduChannel, app: Pkcs15App): Promise<boolean> {
  const r = await channel.send(app.aid ? selectAid(app.aid) : selectPathCmd(app.path ?? DEFAULT_APP_PATH, false));
  const ok = r.status.kind === "ok";
  markSelected(channel, ok ? "app" : undefined);
  return ok;
}

/** Makes the DF at `path` (the application's where absent) the current one. */
async function ensureDf(channel: ApduChannel, app: Pkcs15App, path: Buffer | undefined): Promise<{ ok: boolean; sw?: number }> {
  const key = dfKey(app, path);
  if (isSelected(channel, key)) return { ok: true };
  if (key === "app") return { ok: await selectApp(channel, app) };
  const abs = path && absolute(app, path);
  if (!abs) {
    // Relative to an application known only by its AID: from the application DF.
    if (!isSelected(channel, "app") && !(await selectApp(channel, app))) return { ok: false };
  }
  const r = await channel.send(selectPathCmd(abs ?? path!, false));
  const ok = r.status.kind === "ok";
  markSelected(channel, ok ? key : undefined);
  return { ok, sw: r.sw };
}

/**
 * Reads a transparent EF: SELECT (FCP) then READ BINARY, sized from the FCP where it
 * says the size, else in 256-byte reads until a short one. null when it cannot be selected.
 * A relative path is taken from the application DF. `fromCurrentDf`: try the file id in
 * the DF the card has selected first (after reading the AODF and PrKDF by absolute path
 * that is, on every card seen, the application), and select the application only if
 * that fails; a DF holding the application's EF then counts as the application.
 */
async function readEf(channel: ApduChannel, app: Pkcs15App, path: Buffer, fromCurrentDf = false): Promise<Buffer | null> {
  const abs = absolute(app, path);
  let sel: Awaited<ReturnType<ApduChannel["send"]>> | undefined;
  if (!abs && fromCurrentDf && path.length === 2 && !isSelected(channel, "app")) {
    sel = await channel.send(selectPathCmd(path, true));
    if (sel.status.kind !== "ok") sel = undefined;
  }
  if (!sel) {
    if (!abs && !isSelected(channel, "app") && !(await selectApp(channel, app))) return null;
    sel = await channel.send(selectPathCmd(abs ?? path, true));
  }
  if (sel.status.kind !== "ok") {
    markSelected(channel, undefined);
    return null;
  }
  // The current DF is now the EF's parent.
  const parent = (abs ?? path).subarray(0, -2);
  markSelected(channel, abs ? dfKey(app, parent) : dfKey(app, parent.length ? parent : undefined));
  const size = fcpFileSize(sel.data);
  const limit = size === undefined || size === 0 ? MAX_FILE : Math.min(size, MAX_FILE);
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < limit) {
    const le = size ? Math.min(256, limit - offset) : 256;
    const r = await sendKeeping(channel, readBinary(offset, le));
    // 6282: end of file reached before Le bytes; the data read so far is valid.
    const endOfFile = r.sw === 0x6282;
    if ((r.status.kind !== "ok" && !endOfFile) || r.data.length === 0) break;
    parts.push(r.data);
    offset += r.data.length;
    if (endOfFile || (!size && r.data.length < 256)) break;
  }
  return Buffer.concat(parts);
}

// --- finding the application --------------------------------------------------

const isPkcs15Aid = (aid: Buffer | undefined) => !!aid && aid.subarray(0, PKCS15_AID.length).equals(PKCS15_AID);

/**
 * The application, selected, and its ODF; null where the card has none. The order is
 * OpenSC's (pkcs15.c sc_pkcs15_bind, dir.c): the standard AID; then every PKCS#15
 * application EF.DIR lists, by its AID where that can be selected by name (a vendor
 * applet's AID) and else by its path (pkcs15-init cards list an AID that cannot be
 * selected); then 3F00/5015. A card that has no MF stops after the AID (one more APDU).
 */
async function findApplication(channel: ApduChannel, deep: boolean): Promise<{ app: Pkcs15App; odf: Buffer } | null> {
  const tryApp = async (app: Pkcs15App): Promise<{ app: Pkcs15App; odf: Buffer } | null> => {
    if (!(await selectApp(channel, app))) return null;
    const odf = await readEf(channel, app, ODF);
    return odf && odf.length > 0 ? { app, odf } : null;
  };
  const byAid = await tryApp({ aid: PKCS15_AID });
  if (byAid || !deep) return byAid;

  const mf = await channel.send(selectPathCmd(MF, false));
  markSelected(channel, undefined);
  if (mf.status.kind !== "ok") return null;
  const dir = await readEf(channel, {}, Buffer.concat([MF, EF_DIR]));
  let entries: ReturnType<typeof parseDir> = [];
  try {
    entries = dir ? parseDir(dir) : [];
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
  }
  const listed = entries.filter((e) => isPkcs15Aid(e.aid));
  const tried = new Set<string>();
  for (const entry of listed.length ? listed : entries.filter((e) => e.path)) {
    const path = entry.path && (startsWithMf(entry.path) ? entry.path : Buffer.concat([MF, entry.path]));
    if (entry.aid && !entry.aid.equals(PKCS15_AID)) {
      const found = await tryApp(path ? { aid: entry.aid, path } : { aid: entry.aid });
      if (found) return found;
    }
    if (path && !tried.has(path.toString("hex"))) {
      tried.add(path.toString("hex"));
      const found = await tryApp({ path });
      if (found) return found;
    }
  }
  if (tried.has(DEFAULT_APP_PATH.toString("hex"))) return null;
  return tryApp({ path: DEFAULT_APP_PATH });
}

// --- the layout ---------------------------------------------------------------

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

const DIGIT_TYPES: number[] = [PinType.bcd, PinType.halfNibbleBcd, PinType.iso9564_1];
const NUMERIC_TYPES: number[] = [PinType.bcd, PinType.asciiNumeric, PinType.halfNibbleBcd, PinType.iso9564_1];

/** The most characters the card can take, as OpenSC derives it (pkcs15-pin.c) and as padding fits. */
function maxLengthOf(p: PinObject, padded: boolean): number {
  const bcd = p.pinType === PinType.bcd;
  const stored = bcd ? 2 * p.storedLength : p.storedLength;
  let max = p.maxLength ?? (p.storedLength ? stored : 8);
  // Padded to storedLength (BCD: storedLength/2 bytes): a longer code cannot be sent.
  if (padded && p.storedLength) max = Math.min(max, bcd ? 2 * Math.floor(p.storedLength / 2) : p.storedLength);
  // ISO 9564-1 format 2 carries 4 to 12 digits.
  if (p.pinType === PinType.iso9564_1) max = Math.min(max, 12);
  return max;
}

/** P2 for a stored reference: bit 8 added only where the card OS is known to want it. */
export function wireReference(stored: number, knowledge: CardKnowledge | undefined): number {
  return knowledge?.localReference === "setBit8" ? (stored | 0x80) & 0xff : stored;
}

/** Gives each AODF PIN its id: auth, sign, puk, then ids derived from labels. */
export function layoutFromObjects(
  pins: PinObject[],
  signAuthId: Buffer | undefined,
  serial?: string,
  label?: string,
  knowledge?: CardKnowledge,
  app: Pkcs15App = { aid: PKCS15_AID },
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
  claim(signAuthId ? userPins.find((p) => p.authId?.equals(signAuthId)) : undefined, "sign");
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
    // An object without an authId cannot be named as anybody's unblocker.
    const owner = authId && pins.find((p) => p.authId?.equals(authId));
    return owner ? ids.get(owner) : undefined;
  };
  // No unblocking PIN in the AODF at all: OpenSC still sends RESET RETRY COUNTER, with
  // the PUK encoded as the PIN (pkcs15-pin.c sc_pkcs15_unblock_pin); so do we.
  const pukDescribed = pins.some((p) => p.flags.unblockingPin);
  const synthetic = !pukDescribed && !taken.has("puk") ? "puk" : undefined;
  let syntheticFrom: PinObject | undefined;

  const codes = pins.map((p): Pkcs15Code => {
    const kind = p.flags.unblockingPin ? "puk" : p.flags.soPin ? "admin" : "pin";
    let unblockedBy = p.unblockedBy && !(p.authId && p.unblockedBy.equals(p.authId)) ? idOfAuth(p.unblockedBy) : undefined;
    if (!unblockedBy && synthetic && kind === "pin" && !p.flags.unblockDisabled) {
      unblockedBy = synthetic;
      syntheticFrom ??= p;
    }
    const initialized = p.flags.initialized;
    // Padded where the AODF says so, or where the card OS pads every PIN (CardOS).
    const padded = p.flags.needsPadding || knowledge?.alwaysPad === true;
    const code: Pkcs15Code = {
      id: ids.get(p)!,
      label: p.label,
      kind,
      reference: wireReference(p.reference, knowledge),
      storedReference: p.reference,
      minLength: p.minLength,
      maxLength: maxLengthOf(p, padded),
      numeric: NUMERIC_TYPES.includes(p.pinType),
      charset: DIGIT_TYPES.includes(p.pinType) ? "digits" : "any",
      // PKCS#15 does not record a retry limit: only a documented fact about the card gives one.
      maxTries: (kind === "pin" ? knowledge?.maxTries?.pin : knowledge?.maxTries?.puk) ?? null,
      // A PIN that is not initialized has no current value to give (ISO 7816-15 PinFlags).
      // A card OS with a PIN format of its own (STARCOS) gets no PIN command at all.
      canChange: !p.flags.changeDisabled && initialized && !knowledge?.ownPinFormat,
      canUnblock: !p.flags.unblockDisabled && !!unblockedBy && !knowledge?.ownPinFormat,
      pinType: p.pinType,
      storedLength: p.storedLength,
      padChar: p.padChar ?? 0x00,
      needsPadding: padded,
      initialized,
      described: true,
      // A user PIN: VERIFY against its reference is what OpenSC does with it (pkcs15-pin.c
      // sc_pkcs15_verify_pin, `pkcs15-tool --verify-pin`). A PUK or SO PIN is not checked so:
      // no source makes a VERIFY of an unblocking code normal. Never on a card OS with a PIN
      // format of its own (STARCOS).
      verifiable: kind === "pin" && initialized && !knowledge?.ownPinFormat,
    };
    if (unblockedBy) code.unblockedBy = unblockedBy;
    if (p.path) code.path = p.path;
    if (p.authId) code.authId = p.authId;
    return code;
  });
  if (synthetic && syntheticFrom) {
    const pin: Pkcs15Code = { ...codes.find((c) => c.unblockedBy === synthetic)! };
    delete pin.unblockedBy;
    delete pin.path;
    delete pin.authId;
    codes.push({
      ...pin,
      id: synthetic,
      label: "PUK",
      kind: "puk",
      // Not known: RESET RETRY COUNTER names the PIN's reference, never the PUK's.
      reference: -1,
      storedReference: null,
      maxTries: knowledge?.maxTries?.puk ?? null,
      canChange: false,
      canUnblock: false,
      verifiable: false,
      described: false,
      initialized: true,
    });
  }
  // ISO 9564-1 PINs: OpenSC's generic path sends them as ASCII (pkcs15-pin.c maps only BCD
  // and ascii-numeric, "assume/hope the card driver knows"), a card may want the format 2
  // block; where the two disagree a guess can spend a try, so no PIN command is sent for
  // such a code, nor an unblock that would have to encode one.
  const guessed = new Set(codes.filter((c) => c.pinType === PinType.iso9564_1).map((c) => c.id));
  for (const c of codes) {
    if (guessed.has(c.id)) {
      c.canChange = false;
      c.verifiable = false;
    }
    if (guessed.has(c.id) || (c.unblockedBy && guessed.has(c.unblockedBy))) c.canUnblock = false;
    // A PIN and its PUK that disagree on padding: OpenSC logs "Padding mismatch for PIN/PUK"
    // (sc_pkcs15_unblock_pin) and sends what one of them does not describe. Not guessed here.
    const puk = c.unblockedBy ? codes.find((x) => x.id === c.unblockedBy) : undefined;
    if (puk?.described && puk.needsPadding !== c.needsPadding) c.canUnblock = false;
  }
  const layout: Pkcs15Layout = { family: "pkcs15", codes, app };
  if (serial) layout.serial = serial;
  if (label) layout.label = label;
  return layout;
}

// --- encoding -------------------------------------------------------------------

/**
 * The AODF entry's encoding as data (OpenSC pkcs15-pin.c fills sc_pin_cmd_pin from it):
 * BCD padded to storedLength/2 bytes (sec.c `pad_length >>= 1`), ISO 9564-1 format 2 as
 * an 8-byte block of at most 12 digits, every other type as typed, padded to storedLength.
 * Padding only where needsPadding is set, with the padChar.
 */
export function pinFormat(code: Pkcs15Code): PinFormat {
  const padLength = code.needsPadding ? code.storedLength : 0;
  if (code.pinType === PinType.iso9564_1) return { encoding: "glp", padLength: 8, padChar: 0xff, maxLength: 12 };
  if (code.pinType === PinType.bcd) return { encoding: "bcd", padLength: padLength >> 1, padChar: code.padChar };
  return { encoding: "ascii", padLength, padChar: code.padChar };
}

/** The code as OpenSC's sc_build_pin puts it on the wire for this AODF entry. Wipe the result. */
export function encodeCode(code: Pkcs15Code, secret: Secret): Buffer {
  return encodePin(code, pinFormat(code), secret);
}

// --- the profile ------------------------------------------------------------------

async function selectForCode(channel: ApduChannel, layout: Pkcs15Layout, code: Pkcs15Code): Promise<void> {
  const r = await ensureDf(channel, layout.app, code.path);
  if (!r.ok) {
    const technical = r.sw === undefined ? "application" : `${code.path?.toString("hex").toUpperCase()} ${swHex(r.sw)}`;
    throw new PinwardenError("CARD_PATH_NOT_FOUND", { codeId: code.id, technical });
  }
}

/**
 * What PKCS#15 does around an ISO PIN command: the codes are encoded first (nothing is sent
 * for one that cannot be), then the PIN object's DF is SELECTed (nothing is sent where that
 * fails), and the command keeps what is known about the selected DF.
 */
function pinCommandOptions(channel: ApduChannel, layout: Pkcs15Layout, dfOf: Pkcs15Code, blame: CodeInfo) {
  return {
    blame,
    before: () => selectForCode(channel, layout, dfOf),
    send: (cmd: CommandApdu) => sendKeeping(channel, cmd),
  };
}

/**
 * The PKCS#15 application of one card: its layout (where the application is, the AODF's
 * PINs) and its PIN commands. Which DF the card has selected is the channel's state, kept
 * per channel above (`selected`), since detection needs it before any session exists.
 */
export class Pkcs15Session implements CardSession<Pkcs15Layout> {
  constructor(readonly layout: Pkcs15Layout) {}

  async select(channel: ApduChannel) {
    return selectApp(channel, this.layout.app);
  }

  async readTries(channel: ApduChannel, card: CardContext, ids?: readonly string[]) {
    const tries: TriesMap = new Map();
    // Some card OSes count an empty VERIFY as a failed try (OpenSC iso7816.c sends it only
    // to drivers that opt in): ask only where the card is known safe.
    if (!card.emptyVerifySafe) return tries;
    for (const code of this.layout.codes) {
      if (ids && !ids.includes(code.id)) continue;
      // A PUK the AODF does not describe has no reference to ask; a PIN not initialized has no counter.
      if (code.storedReference === null || !code.initialized) continue;
      // Its DF cannot be selected: the count stays unknown rather than land on another PIN.
      if (!(await ensureDf(channel, this.layout.app, code.path)).ok) continue;
      const r = await sendKeeping(channel, verifyEmpty(code.reference));
      tries.set(code.id, triesFromEmptyVerify(r.status));
    }
    return tries;
  }

  async change(channel: ApduChannel, code: CodeInfo, current: Secret, next: Secret) {
    const c = code as Pkcs15Code;
    if (c.storedReference === null) throw new PinwardenError("OPERATION_NOT_ALLOWED", { codeId: c.id });
    await sendWithCodes(
      channel,
      { operation: "change", reference: c.reference },
      [() => encodeCode(c, current), () => encodeCode(c, next)],
      pinCommandOptions(channel, this.layout, c, code),
    );
  }

  async verify(channel: ApduChannel, code: CodeInfo, current: Secret) {
    const c = code as Pkcs15Code;
    if (c.storedReference === null || !c.verifiable) throw new PinwardenError("OPERATION_NOT_ALLOWED", { codeId: c.id });
    // Encoded as change() encodes the current code (sc_build_pin), in the PIN's DF.
    await sendWithCodes(
      channel,
      { operation: "verify", reference: c.reference },
      [() => encodeCode(c, current)],
      pinCommandOptions(channel, this.layout, c, code),
    );
  }

  async unblock(channel: ApduChannel, pin: CodeInfo, unblocker: CodeInfo, puk: Secret, next: Secret) {
    const p = pin as Pkcs15Code;
    const u = unblocker as Pkcs15Code;
    // The PUK in its own encoding where the AODF describes it, else in the PIN's (OpenSC).
    await sendWithCodes(
      channel,
      { operation: "unblock", reference: p.reference },
      [() => encodeCode(u.described ? u : { ...p, id: u.id }, puk), () => encodeCode(p, next)],
      pinCommandOptions(channel, this.layout, p, unblocker),
    );
  }
}

export const pkcs15Profile: CardProfile<Pkcs15Layout> = {
  family: "pkcs15",

  async detect(channel, card) {
    try {
      const found = await findApplication(channel, card.deepSearch === true);
      if (!found) return null;
      const { app } = found;
      const odf: OdfEntry[] = parseOdf(found.odf);
      const aodfPath = odf.find((e) => e.kind === "authObjects")?.path;
      if (!aodfPath) return null;
      const aodf = await readEf(channel, app, aodfPath);
      const pins = aodf ? parseAodf(aodf) : [];
      if (pins.length === 0) return null;
      // The PrKDF only tells the signing PIN from the others: read it only where there
      // are several user PINs, and stop at the first file that names the key.
      let signAuthId: Buffer | undefined;
      const userPins = pins.filter((p) => !p.flags.unblockingPin && !p.flags.soPin && p.authId);
      if (userPins.length > 1) {
        for (const entry of odf.filter((e) => e.kind === "privateKeys")) {
          const prkdf = await readEf(channel, app, entry.path);
          const key = prkdf ? parsePrkdf(prkdf).find((k) => k.usage.nonRepudiation && k.authId) : undefined;
          if (key) {
            signAuthId = key.authId;
            break;
          }
        }
      }
      // Last, from the DF the AODF and PrKDF left selected: no second SELECT of the application.
      const tokenData = await readEf(channel, app, TOKEN_INFO, true);
      const token = tokenData && tokenData.length ? parseTokenInfo(tokenData) : undefined;
      const layout = layoutFromObjects(pins, signAuthId, token?.serialNumber, token?.label, card.knowledge, app);
      layout.odf = odf;
      return { session: new Pkcs15Session(layout) };
    } catch (error) {
      if (error instanceof ParseError) throw new PinwardenError("CARD_UNSUPPORTED", { technical: `PKCS#15: ${error.message}` });
      throw error;
    }
  },
};

// --- for the certificate reader (certs/pkcs15.ts) --------------------------------

/** Reads a transparent EF of the application (a relative path from its DF); null: not there. */
export function readPkcs15File(channel: ApduChannel, layout: Pkcs15Layout, path: Buffer): Promise<Buffer | null> {
  return readEf(channel, layout.app, path);
}
