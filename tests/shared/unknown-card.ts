import { SW, VirtualCard, type CardResponse } from "../../native-bridge/simulator/virtual-card.js";

/** A card of no family Pinwarden knows: every SELECT is 6A82. */
export class UnknownCardForTests extends VirtualCard {
  readonly family = "unknown";
  readonly atr = Buffer.from("3B0212", "hex");
  reset(): void {}
  protected handle(): CardResponse {
    return { sw: SW.FILE_NOT_FOUND };
  }
}
