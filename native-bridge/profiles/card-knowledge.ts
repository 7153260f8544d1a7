/**
 * What is known about particular cards, as data: one row per card (matched on its ATR)
 * with the source of each fact. Nothing here is a guess: a card that matches no row is
 * "unknown", and Pinwarden then takes the cautious path (no empty VERIFY, no try limit
 * stated, the PIN reference sent as the card's own description stores it).
 *
 * Why this table exists (see ../shared/CARDS.md and docs/cards.md):
 * - An empty VERIFY (`00 20 00 ref`, no data) answers 63Cx on most cards, but some card
 *   OSes count it as a failed try. OpenSC's iso7816.c refuses to send it unless the card
 *   driver opts in; card-cardos.c opts in only from CardOS 5.
 * - P2 bit 8 (0x80, "DF-specific reference", ISO 7816-4 §7.5.1) must be added to a stored
 *   01/02 on some card OSes (OpenSC's CardOS and Incrypto34 drivers) and must not be on
 *   others. So it is a fact about the card OS, never a blanket rule from the local flag.
 * - Try limits are not in PKCS#15's AODF: only a card's manual says them.
 */
import { fromHex } from "../core/bytes.js";
import type { Family } from "../../contract/families.js";

export interface CardKnowledge {
  /** What the card was recognised as, for the support view ("CardOS 5.3", "unknown"). */
  name: string;
  /** Where these facts come from (a spec, an open-source driver, a manual). */
  source: string;
  /** The applications this card is known to carry, in probe order; undefined = probe all. */
  apps?: readonly Family[];
  /** An empty VERIFY answers the retry counter without counting a try. */
  emptyVerifySafe: boolean;
  /** How a PKCS#15 pinReference goes into P2: as the AODF stores it, or with bit 8 set. */
  localReference: "asStored" | "setBit8";
  /**
   * The card OS wants every PIN padded to its stored length, whatever the AODF's
   * needsPadding flag says (OpenSC's CardOS driver sets SC_PIN_CMD_NEED_PADDING on every
   * PIN command): an unpadded PIN would be compared with a padded one and spend a try.
   */
  alwaysPad?: boolean;
  /**
   * The card OS encodes PINs in a format of its own that the AODF does not describe
   * (OpenSC's STARCOS driver reads it from the card and builds the PIN block itself).
   * Pinwarden sends no PIN command to such a card rather than guess the format.
   */
  ownPinFormat?: boolean;
  /** Try limits this card is documented to have, where the card itself does not say. */
  maxTries?: { pin?: number; puk?: number };
}

interface Row extends CardKnowledge {
  /** ATR in hex (spaces allowed); with `mask`, compared after AND-ing both with it. */
  atr?: string;
  mask?: string;
  /** Or: the ATR's bytes, read as ASCII, contain this text (case-insensitive). */
  atrText?: string;
  /** Further checks on the ATR's bytes, as the source's matcher makes them. */
  also?: (atr: Buffer) => boolean;
}

export const UNKNOWN_CARD: CardKnowledge = {
  name: "unknown",
  source: "no row matches the ATR: the cautious defaults (OpenSC iso7816.c: no empty VERIFY without an opt-in)",
  emptyVerifySafe: false,
  localReference: "asStored",
};

const CARDOS_SOURCE =
  "OpenSC src/libopensc/card-cardos.c (ATR table; cardos_pin_cmd sets P2 bit 8 and SC_PIN_CMD_NEED_PADDING; empty VERIFY opted in from CardOS 5)";

/** What every CardOS row shares: PKCS#15 only, P2 bit 8 and padding on every PIN command. */
const CARDOS = { source: CARDOS_SOURCE, apps: ["pkcs15"], localReference: "setBit8", alwaysPad: true } as const;

/** A CardOS row; OpenSC opts in to the empty VERIFY only from CardOS 5. */
function cardos(name: string, atr: string, emptyVerifySafe: boolean): Row {
  return { name, atr, ...CARDOS, emptyVerifySafe };
}

/**
 * The rows. Order matters only where masks overlap (first match wins). Keep each row's
 * source; docs/cards.md lists them for people.
 */
export const CARD_TABLE: readonly Row[] = [
  cardos("CardOS 4.4", "3BD21802C10A31FE58C80D51", false),
  {
    // OpenSC matches this masked ATR and then checks three more bytes (cardos_match_card).
    name: "CardOS M4.x",
    atr: "3BF21800FFC10A31FE55C8068A",
    mask: "FFFF0FFF00FF00FFFF00000000",
    also: (atr) => [0xff, 0x02].includes(atr[4]!) && [0x10, 0x0a].includes(atr[6]!) && [0x55, 0x58].includes(atr[9]!),
    ...CARDOS,
    emptyVerifySafe: false,
  },
  cardos("CardOS 5.0", "3BD2180081 31FE58C90114", true),
  cardos("CardOS 5.3", "3BD2180081 31FE58C90217", true),
  cardos("CardOS 5.3", "3BD2180081 31FE58C90316", true),
  // Handled as CardOS 5.3 by OpenSC (card-cardos.c ATR table).
  cardos("CardOS 5.4", "3BD2180081 31FE58C90411", true),
  ...[
    "3BB79400C02431FE6553504B32339000B4",
    "3BB79400813 1FE6553504B32339000D1",
    "3BB71800C03E31FE6553504B32349000 25",
    "3BD818FF81B1FE451F038064041AB403810561",
    "3BD396FF81B1FE451F078081052D",
    "3B9B96C00A31FE45806704 1EB50100894C810545",
    "3BDB96FF8131FE4580670534B50201C0A181053C",
    "3BD996FF8131FE458031B873860 1C0810502",
    "3BDF96FF8131FE45805B44452E424E4F544B3131318105A0",
    "3BDF96FF8131FE45805B44452E424E4F544B3130308105A0",
  ].map((atr): Row => ({
    name: "STARCOS",
    atr,
    source:
      "OpenSC src/libopensc/card-starcos.c (ATR table; starcos_pin_cmd forces padding and builds the PIN in the card's own format, read from the card)",
    apps: ["pkcs15"],
    emptyVerifySafe: false,
    localReference: "asStored",
    ownPinFormat: true,
  })),
  {
    // YubiKey 4 "3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4", YubiKey 5 NFC
    // "3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 40": the
    // historical bytes carry "Yubikey".
    name: "YubiKey",
    atrText: "yubikey",
    source:
      "yubikey-manager yubikit/piv.py and openpgp.py (PIV and OpenPGP applets; GET METADATA from 5.3); SP 800-73-4 §3.2.1 (empty VERIFY)",
    apps: ["piv", "openpgp"],
    emptyVerifySafe: true,
    localReference: "asStored",
  },
  {
    name: "OpenPGP card 3.x",
    atr: "3BDA18FF81B1FE751F030031C573C001400090000C",
    source: "GnuPG scd/app-openpgp.c and OpenSC card-openpgp.c ATR tables (OpenPGP card v3); counters from DO C4",
    apps: ["openpgp"],
    emptyVerifySafe: false,
    localReference: "asStored",
  },
  {
    name: "Pinwarden virtual PKCS#15 card",
    atr: "3B8D800150494E57415244454E2D50313529",
    source: "native-bridge/simulator/pkcs15-card.ts: answers an empty VERIFY as ISO 7816-4 §11.5.6 says (63Cx, no try counted)",
    apps: ["pkcs15"],
    emptyVerifySafe: true,
    localReference: "asStored",
    maxTries: { pin: 3, puk: 10 },
  },
];

/** Each row's ATR and mask as bytes, decoded once (fromHex also refuses a mistyped row). */
const DECODED = new Map(
  CARD_TABLE.map((r) => [r, { want: r.atr ? fromHex(r.atr) : undefined, mask: r.mask ? fromHex(r.mask) : undefined }]),
);

function matches(row: Row, atr: Buffer): boolean {
  if (row.also && !row.also(atr)) return false;
  if (row.atrText) return atr.toString("latin1").toLowerCase().includes(row.atrText);
  const { want, mask } = DECODED.get(row)!;
  if (!want) return false;
  if (!mask) return atr.equals(want);
  if (atr.length < want.length) return false;
  for (let i = 0; i < want.length; i++) if ((atr[i]! & mask[i]!) !== (want[i]! & mask[i]!)) return false;
  return true;
}

/** The facts known for the card with this ATR (UNKNOWN_CARD where none are). */
export function knowledgeFor(atr: Buffer): CardKnowledge {
  const row = CARD_TABLE.find((r) => matches(r, atr));
  if (!row) return UNKNOWN_CARD;
  const facts: CardKnowledge = {
    name: row.name,
    source: row.source,
    emptyVerifySafe: row.emptyVerifySafe,
    localReference: row.localReference,
  };
  if (row.apps) facts.apps = row.apps;
  if (row.maxTries) facts.maxTries = row.maxTries;
  if (row.alwaysPad) facts.alwaysPad = true;
  if (row.ownPinFormat) facts.ownPinFormat = true;
  return facts;
}
