/**
 * Puts a virtual card into vpcd's reader: the card is a TCP client of vpcd (default
 * 127.0.0.1:35963 = "Virtual PCD 00 00"). Frames both ways are a 2-byte big-endian
 * length and a payload; a 1-byte payload from vpcd is control (0 off, 1 on, 2 reset,
 * 4 send ATR), anything longer a C-APDU. Connecting inserts the card, closing removes it.
 */
import net from "node:net";
import { deliver } from "./transport-faults.js";
import type { VirtualCard } from "./virtual-card.js";

export const VPCD_PORT = 35963;

/** Splits vpcd's byte stream into frames (2-byte big-endian length, then the payload). */
export class VpcdFrames {
  #buffered = Buffer.alloc(0);

  /** Adds bytes as they arrive; returns every frame now complete. */
  push(chunk: Buffer): Buffer[] {
    this.#buffered = Buffer.concat([this.#buffered, chunk]);
    const frames: Buffer[] = [];
    while (this.#buffered.length >= 2) {
      const len = this.#buffered.readUInt16BE(0);
      if (this.#buffered.length < 2 + len) break;
      frames.push(Buffer.from(this.#buffered.subarray(2, 2 + len)));
      this.#buffered = this.#buffered.subarray(2 + len);
    }
    return frames;
  }
}

export function encodeFrame(payload: Buffer): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(payload.length);
  return Buffer.concat([head, payload]);
}

export interface InsertedCard {
  /** Removes the card (closes the socket). */
  remove(): Promise<void>;
  /** Resolves when the card is out, whoever removed it. */
  readonly removed: Promise<void>;
}

const CONTROL = { POWER_OFF: 0, POWER_ON: 1, RESET: 2, GET_ATR: 4 } as const;

export function insertIntoVpcd(card: VirtualCard, options: { host?: string; port?: number } = {}): Promise<InsertedCard> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? VPCD_PORT;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    const frames = new VpcdFrames();
    let resolveRemoved!: () => void;
    const removed = new Promise<void>((r) => (resolveRemoved = r));
    const send = (payload: Buffer) => socket.write(encodeFrame(payload));
    const onFrame = (frame: Buffer) => {
      if (frame.length === 1) {
        const code = frame[0];
        if (code === CONTROL.GET_ATR) send(card.atr);
        else if (code === CONTROL.RESET || code === CONTROL.POWER_ON || code === CONTROL.POWER_OFF) card.reset();
        return;
      }
      const d = deliver(card, frame);
      if (d.kind === "drop") {
        socket.destroy();
        return;
      }
      if (d.delayMs > 0) setTimeout(() => !socket.destroyed && send(d.response), d.delayMs);
      else send(d.response);
    };
    socket.on("data", (chunk: Buffer) => frames.push(chunk).forEach(onFrame));
    socket.once("connect", () => {
      card.apduCount = 0;
      card.reset();
      resolve({
        remove: () => {
          socket.end();
          socket.destroy();
          return removed;
        },
        removed,
      });
    });
    socket.once("error", (error) => reject(error));
    socket.once("close", () => resolveRemoved());
  });
}
