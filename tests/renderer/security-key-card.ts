/**
 * A security key for the app's tests: a PIV applet and an OpenPGP applet on one card,
 * each the project's own virtual card, reached by SELECT by DF name (AID) as on a YubiKey
 * (yubikey-manager yubikit/core/smartcard.py selects each applet by its AID on the one
 * card; ISO 7816-4 §11.1.1 SELECT with P1 04). A SELECT of another AID answers 6A82 and
 * keeps the current applet selected (ISO 7816-4 §5.1.3: a failed SELECT leaves the
 * current DF as it was). The ATR is the YubiKey 5 NFC's as card-knowledge.ts quotes it,
 * so Pinwarden recognises it as carrying PIV and OpenPGP.
 *
 * Until the simulator's own `--profile piv --openpgp` lands, this is how the renderer and
 * tray tests meet several applications; it adds no behaviour of its own to either applet.
 */
import { OpenPgpCard, type OpenPgpCardOptions } from "../../native-bridge/simulator/openpgp-card.js";
import { PivCard, type PivCardOptions } from "../../native-bridge/simulator/piv-card.js";
import { SW, VirtualCard, type CardResponse } from "../../native-bridge/simulator/virtual-card.js";

const PIV_AID = Buffer.from("A000000308", "hex");
const OPENPGP_AID = Buffer.from("D27600012401", "hex");

export class SecurityKeyCard extends VirtualCard {
  readonly family = "piv+openpgp";
  readonly atr = Buffer.from("3BFD1300008131FE158073C021C057597562694B657940", "hex");
  readonly piv: PivCard;
  readonly openpgp: OpenPgpCard;
  #current: VirtualCard | undefined;

  constructor(options: { piv?: PivCardOptions; openpgp?: OpenPgpCardOptions } = {}) {
    super();
    this.piv = new PivCard(options.piv);
    this.openpgp = new OpenPgpCard(options.openpgp);
  }

  reset(): void {
    this.piv.reset();
    this.openpgp.reset();
    this.#current = undefined;
  }

  override transmit(raw: Buffer): Buffer {
    this.apduCount++;
    // SELECT by DF name: route to the applet whose AID the data starts with.
    if (raw.length >= 5 && raw[1] === 0xa4 && raw[2] === 0x04) {
      const aid = raw.subarray(5, 5 + raw[4]!);
      const target = aid.subarray(0, PIV_AID.length).equals(PIV_AID)
        ? this.piv
        : aid.subarray(0, OPENPGP_AID.length).equals(OPENPGP_AID)
          ? this.openpgp
          : undefined;
      if (!target) return Buffer.from([SW.FILE_NOT_FOUND >> 8, SW.FILE_NOT_FOUND & 0xff]);
      this.#current = target;
    }
    if (!this.#current) return Buffer.from([SW.CONDITIONS >> 8, SW.CONDITIONS & 0xff]);
    return this.#current.transmit(raw);
  }

  protected handle(): CardResponse {
    return { sw: SW.INS_NOT_SUPPORTED };
  }
}
