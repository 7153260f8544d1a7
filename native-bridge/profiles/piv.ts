/**
 * PIV (NIST SP 800-73-4). PIN 80 and PUK 81, both padded to 8 bytes with FF; on cards
 * whose Discovery object makes the global PIN primary, the PIN Pinwarden manages is the
 * global PIN (reference 00), as OpenSC does (card-piv.c piv_parse_discovery; pkcs15-piv.c
 * then names it "Global PIN").
 *
 * Tries: GET METADATA where the card answers it (YubiKey-compatible cards, firmware 5.3+:
 * tag 06 = [max, left], for the PIN and the PUK); otherwise an empty VERIFY for the PIN
 * (SP 800-73-4 Part 2 §3.2.1), and the PUK's count is unknown (its VERIFY is not allowed
 * and would risk a try).
 *
 * APDUs of a cold detection (issue 11: at most 5 with the SELECT):
 * - a card the ATR says is a YubiKey: SELECT, CHUID, GET METADATA 80, GET METADATA 81.
 *   YubiKeys have no global PIN (yubikit piv.py knows only PIN_P2 80, PUK_P2 81 and the
 *   Bio UV 96; Yubico's "PIV extensions" page lists no global PIN), so Discovery is not read;
 *   a YubiKey before 5.3 answers GET METADATA 6D00 and its PIN is read with an empty VERIFY;
 * - any other card: SELECT, CHUID, Discovery, then the empty VERIFY of the global PIN when
 *   the Discovery makes it primary (YubiKeys have none, so GET METADATA is not tried), else
 *   GET METADATA 80 (a YubiKey-compatible card under another ATR) and GET METADATA 81 or
 *   the empty VERIFY of PIN 80.
 */
import { getMetadata, getPivData, selectAid, verifyEmpty } from "../apdu/command.js";
import { findTlv, parseTlvs, ParseError } from "../apdu/tlv.js";
import type { ApduChannel } from "../pcsc/channel.js";
import { PinwardenError } from "../core/errors.js";
import type { Secret } from "../core/secret.js";
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

export const PIV_AID = Buffer.from("A000000308", "hex");
/** SP 800-73-4 Part 2 §3.2.1, Table 3 key references: global PIN 00, PIV PIN 80, PUK 81. */
const GLOBAL_PIN_REF = 0x00;
const PIN_REF = 0x80;
const PUK_REF = 0x81;
/**
 * SP 800-73-4 Part 2 §2.4.3: PIN and PUK are sent as 8 bytes, padded with FF. The bytes as
 * typed (UTF-8; YubiKeys accept any byte, yubikit piv.py `_pin_bytes`): never trimmed, never
 * filtered; a code longer than 8 bytes is refused before any APDU rather than cut.
 */
const PIV_FORMAT: PinFormat = { encoding: "ascii", padLength: 8, padChar: 0xff, maxLength: 8 };

export interface PivLayout extends CardLayout {
  family: "piv";
  /** The card answers GET METADATA for PIN and PUK. */
  metadata: boolean;
  /** The Discovery object makes the global PIN (reference 00) primary: "auth" is it. */
  globalPin: boolean;
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

/**
 * PIN usage policy (tag 5F2F, 2 bytes) of the Discovery object (tag 7E), SP 800-73-4
 * Part 1 §3.3.2: first byte 0x40 = the PIV Card Application PIN satisfies the PIV ACRs,
 * 0x20 = the global PIN does; second byte (meaningful only with 0x20 set) 0x10 = the PIV
 * PIN is primary, 0x20 = the global PIN is. The global PIN is used exactly where OpenSC
 * uses it (card-piv.c piv_parse_discovery: both 0x40 and 0x20 in the first byte and 0x20
 * in the second): where OpenSC and Pinwarden agree, a PIN set by one is the PIN the other
 * verifies. A Discovery object that is absent, malformed or not PIV's says no.
 */
export function globalPinPrimary(data: Buffer): boolean {
  try {
    const discovery = findTlv(parseTlvs(data), 0x7e);
    if (!discovery) return false;
    const inner = parseTlvs(discovery.value);
    const aid = inner.find((t) => t.tag === 0x4f);
    if (!aid || !aid.value.subarray(0, PIV_AID.length).equals(PIV_AID)) return false;
    const policy = inner.find((t) => t.tag === 0x5f2f);
    if (!policy || policy.value.length !== 2) return false;
    return (policy.value[0]! & 0x60) === 0x60 && policy.value[1] === 0x20;
  } catch (error) {
    if (error instanceof ParseError) return false;
    throw error;
  }
}

/** GET DATA (SP 800-73-4 Part 2 §3.1.2): tag list 5C with the object's BER-TLV tag. */
const getChuid = getPivData(Buffer.from("5FC102", "hex"));
/** The Discovery object (SP 800-73-4 Part 1 §3.3.2, tag 7E; OpenSC reads it the same way). */
const getDiscovery = getPivData(Buffer.from("7E", "hex"));

/** The ATR matched card-knowledge.ts's YubiKey row ("Yubikey" in the historical bytes). */
const isYubiKey = (card: CardContext) => /yubikey/i.test(card.knowledge.name);

/** A code as the card takes it (PIV_FORMAT). Wipe the result. */
const padded = (code: CodeInfo, secret: Secret) => () => encodePin(code, PIV_FORMAT, secret);

function pivCodes(global: boolean, pinMax: number | null, pukMax: number | null): CodeInfo[] {
  const pin: CodeInfo = {
    id: "auth",
    label: global ? "Global PIN" : "PIV PIN",
    kind: "pin",
    reference: global ? GLOBAL_PIN_REF : PIN_REF,
    // SP 800-73-4 Part 2 §2.4.3: 6 to 8 bytes. A new PIN is held to digits (the spec's
    // PIN is '0'–'9'; the policy's digitsOnly applies too); a current one is the card's
    // to judge (YubiKeys take any bytes), so it is checked only for its length.
    minLength: 6,
    maxLength: 8,
    numeric: true,
    charset: "any",
    maxTries: pinMax,
    canChange: true,
    // RESET RETRY COUNTER takes only the PIV Card Application PIN (SP 800-73-4 Part 2
    // §3.2.3: P2 '80'); NIST's PIV test-card notes say so too: "there is no mechanism
    // available to reset the Global PIN once it has become blocked" (piv-test-cards list,
    // D. Cooper, 2013). So the PUK cannot unblock a global PIN: Pinwarden does not offer it.
    canUnblock: !global,
    // VERIFY takes the global PIN 00 and the PIV PIN 80 (SP 800-73-4 Part 2 §3.2.1).
    verifiable: true,
  };
  if (!global) pin.unblockedBy = "puk";
  return [
    pin,
    {
      id: "puk",
      label: "PIV PUK",
      kind: "puk",
      reference: PUK_REF,
      // 6–8 bytes, any value: SP 800-73-4 Part 2 §2.4.3 lets each PUK byte be anything;
      // YubiKeys take 6–8 bytes (yubikit piv.py pads PIN and PUK alike).
      minLength: 6,
      maxLength: 8,
      numeric: false,
      charset: "any",
      maxTries: pukMax,
      canChange: true,
      canUnblock: false,
      // The PUK cannot be VERIFYed (SP 800-73-4 Part 2 §3.2.1 lists 00, 80 and the OCC
      // references only; cards answer 6A88): it is checked by the change itself.
      verifiable: false,
    },
  ];
}

async function readMetadata(channel: ApduChannel, ref: number) {
  const r = await channel.send(getMetadata(ref));
  return r.status.kind === "ok" ? parsePinMetadata(r.data) : undefined;
}

/** The PIV application of one card: its layout (metadata, global PIN) and its PIN commands. */
export class PivSession implements CardSession<PivLayout> {
  constructor(readonly layout: PivLayout) {}

  async select(channel: ApduChannel) {
    return (await channel.send(selectAid(PIV_AID))).status.kind === "ok";
  }

  async readTries(channel: ApduChannel, _card: CardContext, ids?: readonly string[]) {
    const tries: TriesMap = new Map();
    const wanted = this.layout.codes.filter((c) => !ids || ids.includes(c.id));
    for (const code of wanted) {
      if (this.layout.metadata) {
        const meta = await readMetadata(channel, code.reference);
        tries.set(code.id, meta ? meta.triesLeft : null);
      } else if (code.kind === "pin") {
        // SP 800-73-4 Part 2 §3.2.1: VERIFY with no data returns the retry counter (of the
        // global PIN, reference 00, where it is the card's primary PIN).
        const r = await channel.send(verifyEmpty(code.reference));
        tries.set(code.id, triesFromEmptyVerify(r.status));
      } else {
        // The PUK cannot be VERIFYed (6A88 on most cards): it is not asked, its count unknown.
      }
    }
    return tries;
  }

  async change(channel: ApduChannel, code: CodeInfo, current: Secret, next: Secret) {
    // CHANGE REFERENCE DATA takes 00 (global PIN), 80 and 81 (SP 800-73-4 Part 2 §3.2.2).
    await sendWithCodes(channel, { operation: "change", reference: code.reference }, [padded(code, current), padded(code, next)], {
      blame: code,
    });
  }

  async verify(channel: ApduChannel, code: CodeInfo, current: Secret) {
    // VERIFY (SP 800-73-4 Part 2 §3.2.1) with the PIN padded as the change pads it.
    if (!code.verifiable) throw new PinwardenError("OPERATION_NOT_ALLOWED", { codeId: code.id });
    await sendWithCodes(channel, { operation: "verify", reference: code.reference }, [padded(code, current)], { blame: code });
  }

  async unblock(channel: ApduChannel, pin: CodeInfo, unblocker: CodeInfo, puk: Secret, next: Secret) {
    // Only the PIV Card Application PIN can be reset (SP 800-73-4 Part 2 §3.2.3).
    if (pin.reference !== PIN_REF) throw new PinwardenError("OPERATION_NOT_ALLOWED", { codeId: pin.id });
    await sendWithCodes(channel, { operation: "unblock", reference: pin.reference }, [padded(unblocker, puk), padded(pin, next)], {
      blame: unblocker,
    });
  }
}

export const pivProfile: CardProfile<PivLayout> = {
  family: "piv",

  async detect(channel, card) {
    const sel = await channel.send(selectAid(PIV_AID));
    if (sel.status.kind !== "ok") return null;
    const chuid = await channel.send(getChuid);
    const serial = chuid.status.kind === "ok" ? serialFromChuid(chuid.data) : undefined;

    let global = false;
    let pin: { maxTries: number; triesLeft: number } | undefined;
    if (isYubiKey(card)) {
      pin = await readMetadata(channel, PIN_REF);
    } else {
      const discovery = await channel.send(getDiscovery);
      global = discovery.status.kind === "ok" && globalPinPrimary(discovery.data);
      // A card with a global PIN is no YubiKey: GET METADATA would only answer 6D00.
      if (!global) pin = await readMetadata(channel, PIN_REF);
    }
    const puk = pin ? await readMetadata(channel, PUK_REF) : undefined;

    const layout: PivLayout = {
      family: "piv",
      metadata: !!pin,
      globalPin: global,
      codes: pivCodes(global, pin?.maxTries ?? null, puk?.maxTries ?? null),
    };
    if (serial) layout.serial = serial;
    const session = new PivSession(layout);
    if (pin)
      return {
        session,
        tries: new Map([
          ["auth", pin.triesLeft],
          ["puk", puk?.triesLeft ?? null],
        ]),
      };
    // SP 800-73-4 Part 2 §3.2.1: VERIFY with no data returns the retry counter. The PUK
    // is not asked (see readTries): it is left out, its count unknown.
    const r = await channel.send(verifyEmpty(layout.codes[0]!.reference));
    return { session, tries: new Map([["auth", triesFromEmptyVerify(r.status)]]) };
  },
};
