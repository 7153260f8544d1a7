/**
 * A virtual security key: the PIV and OpenPGP applications side by side on one card, as
 * on a YubiKey 5 (yubikey-manager selects each application by its AID on the one card:
 * yubikit/core/smartcard.py; both answer on the CCID interface). Each applet is the
 * project's own virtual card, driven only through its public API (`transmit`, `reset`).
 *
 * Routing, each with its source:
 * - SELECT by DF name (P1 04, ISO 7816-4 §11.1.1) is offered to each applet in turn and
 *   the one that accepts it becomes the selected application; its answer is the card's.
 * - A SELECT no applet accepts answers 6A82 and leaves the selected application as it was:
 *   the Java Card runtime does so ("The applet cannot be found or is not available. The
 *   current applet is left selected and an error is returned": Oracle Java Card 3.2
 *   Development Kit, SELECT FILE; JCRE spec §4.5.2). Yubico documents no other behaviour.
 * - Selecting the other application drops the security state of the one left (its PIN is
 *   no longer verified): OpenSC marks YubiKey 4/5 with CI_OTHER_AID_LOSE_STATE, "Other
 *   AID may cause PIV to lose login state" (card-piv.c), and re-verifies after it.
 * - Every other command goes to the selected application; with none selected yet the card
 *   answers 6D00, as each applet does before its SELECT.
 * The ATR is the YubiKey 5's, which card-knowledge.ts knows carries PIV and OpenPGP.
 */
import { INS, type ParsedCommand } from "../apdu/command.js";
import { OpenPgpCard, type OpenPgpCardOptions } from "./openpgp-card.js";
import { PivCard, YUBIKEY5_ATR, type PivCardOptions } from "./piv-card.js";
import { SW, VirtualCard, type CardResponse, type VirtualCardOptions } from "./virtual-card.js";

export interface CompositeCardOptions extends VirtualCardOptions {
  /** The PIV applet's options (its apduLog and faults are the composite's, not these). */
  piv?: PivCardOptions;
  openpgp?: OpenPgpCardOptions;
}

export class CompositeCard extends VirtualCard {
  readonly family = "piv+openpgp";
  readonly atr = YUBIKEY5_ATR;
  readonly piv: PivCard;
  readonly openpgp: OpenPgpCard;
  #current: VirtualCard | undefined;
  /** The raw C-APDU being handled: the applets take raw APDUs. */
  #raw: Buffer | undefined;

  constructor(options: CompositeCardOptions = {}) {
    super(options);
    // The applets log nothing and fail nothing of their own: the composite's APDU log and
    // faults are the card's, counted once.
    const quiet = { apduLog: () => undefined, faults: [] };
    this.piv = new PivCard({ ...options.piv, ...quiet });
    this.openpgp = new OpenPgpCard({ ...options.openpgp, ...quiet });
  }

  /** The application selected last ("piv", "openpgp"), or undefined. */
  get selected(): string | undefined {
    return this.#current?.family;
  }

  reset(): void {
    this.piv.reset();
    this.openpgp.reset();
    this.#current = undefined;
  }

  override transmit(raw: Buffer): Buffer {
    this.#raw = raw;
    try {
      return super.transmit(raw);
    } finally {
      this.#raw = undefined;
    }
  }

  protected handle(cmd: ParsedCommand): CardResponse {
    const raw = this.#raw!;
    if (cmd.ins === INS.SELECT && cmd.p1 === 0x04) {
      for (const applet of [this.piv, this.openpgp]) {
        const answer = split(applet.transmit(raw));
        if (answer.sw !== SW.OK) continue;
        if (this.#current && this.#current !== applet) this.#current.reset();
        this.#current = applet;
        return answer;
      }
      return { sw: SW.FILE_NOT_FOUND };
    }
    if (!this.#current) return { sw: SW.INS_NOT_SUPPORTED };
    return split(this.#current.transmit(raw));
  }
}

function split(r: Buffer): CardResponse {
  const sw = (r[r.length - 2]! << 8) | r[r.length - 1]!;
  return r.length > 2 ? { data: r.subarray(0, r.length - 2), sw } : { sw };
}
