/** How a transport turns a card's planned fault into what a reader would see. */
import type { VirtualCard } from "./virtual-card.js";

export type Delivery = { kind: "answer"; response: Buffer; delayMs: number } | { kind: "drop" };

/**
 * "drop": the card is pulled before it sees the APDU; "garbage": it answers one byte;
 * "late": it answers after a delay; "sw" is applied by the card itself.
 */
export function deliver(card: VirtualCard, apdu: Buffer): Delivery {
  const planned = card.peekFault();
  if (planned?.kind === "drop") {
    card.apduCount++;
    return { kind: "drop" };
  }
  const response = card.transmit(apdu);
  const fault = card.lastFault;
  if (fault?.kind === "garbage") return { kind: "answer", response: Buffer.from([0x42]), delayMs: 0 };
  if (fault?.kind === "late") return { kind: "answer", response, delayMs: fault.value ?? 5_000 };
  return { kind: "answer", response, delayMs: 0 };
}
