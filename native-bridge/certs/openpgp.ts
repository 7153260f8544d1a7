/**
 * The OpenPGP card's cardholder certificate (DO 7F21, OpenPGP card spec 3.4 §4.4.1),
 * read with GET DATA and no PIN (its access condition for reading is "always"). A 3.x
 * card may hold one for each key; GET DATA answers the first occurrence, which belongs to
 * the authentication key (spec 3.4 §7.2.5 SELECT DATA: occurrence 0 = AUT). The others
 * need SELECT DATA first: not read (yet).
 */
import { getData, selectAid } from "../apdu/command.js";
import { swHex } from "../apdu/status.js";
import { parseTlvs } from "../apdu/tlv.js";
import { OPENPGP_AID, type OpenPgpLayout } from "../profiles/openpgp.js";
import { PinwardenError } from "../core/errors.js";
import type { CertificateSlot, CertificateSource } from "./types.js";

const CARDHOLDER_CERTIFICATE = 0x7f21;

/** The DO's content; some cards answer it with its own tag 7F21 around it. */
function unwrap(data: Buffer): Buffer {
  if (data[0] !== 0x7f || data[1] !== 0x21) return data;
  try {
    const [t] = parseTlvs(data);
    return t && t.tag === CARDHOLDER_CERTIFICATE ? t.value : data;
  } catch {
    return data;
  }
}

export const openpgpCertificates: CertificateSource<OpenPgpLayout> = {
  family: "openpgp",

  async locate() {
    const slot: CertificateSlot = {
      app: "openpgp",
      location: "7F21",
      label: "Cardholder certificate",
      // The AUT key signs after a VERIFY of PW1 (spec 3.4 §7.2.13 INTERNAL AUTHENTICATE).
      codeId: "user",
      role: "identification",
      usage: ["digitalSignature"],
      authority: false,
    };
    return [slot];
  },

  async read(channel) {
    const sel = await channel.send(selectAid(OPENPGP_AID));
    if (sel.status.kind !== "ok") throw new PinwardenError("CARD_RESET", { technical: `OpenPGP SELECT ${swHex(sel.sw)}` });
    const r = await channel.send(getData(CARDHOLDER_CERTIFICATE));
    // 6A88: no such DO on this card; an empty answer: the DO is there but holds nothing.
    if (r.status.kind === "notFound" || r.status.kind === "fileNotFound") return null;
    if (r.status.kind !== "ok") throw new PinwardenError("CARD_ERROR", { technical: `GET DATA 7F21 ${swHex(r.sw)}` });
    const der = unwrap(r.data);
    return der.length ? Buffer.from(der) : null;
  },
};
