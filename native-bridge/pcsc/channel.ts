/**
 * One conversation with a card: encodes commands, handles T=0 (61xx → GET RESPONSE,
 * 6Cxx → resend with the right Le), counts APDUs and keeps secret data out of traces.
 */
import { describeCommand, encodeCommand, getResponse, type CommandApdu } from "../apdu/command.js";
import { decodeStatus, swHex, type Status } from "../apdu/status.js";
import { wipe } from "../core/bytes.js";
import { PinwardenError } from "../core/errors.js";
import type { CardConnection } from "./types.js";

export interface Response {
  data: Buffer;
  sw: number;
  status: Status;
}

export type ApduTrace = (line: string) => void;

/** More than this many chained GET RESPONSEs means the card is misbehaving. */
const MAX_CHAIN = 64;

export class ApduChannel {
  /** APDUs actually sent on this channel, including GET RESPONSEs. */
  count = 0;

  constructor(
    private readonly connection: CardConnection,
    private readonly trace?: ApduTrace,
  ) {}

  get atr(): Buffer {
    return this.connection.atr;
  }

  async send(command: CommandApdu): Promise<Response> {
    let raw = await this.exchange(command);
    let sw = swOf(raw);
    // 6Cxx: wrong Le; the card tells the exact one. Never for a command that carries a code:
    // resending it would present the code twice (each can cost a try).
    if (sw >> 8 === 0x6c && !command.secret) {
      raw = await this.exchange({ ...command, le: sw & 0xff || 256 });
      sw = swOf(raw);
    }
    const parts = [raw.subarray(0, raw.length - 2)];
    let chained = 0;
    while (sw >> 8 === 0x61) {
      if (++chained > MAX_CHAIN) throw new PinwardenError("CARD_ERROR", { technical: "endless 61xx chain" });
      raw = await this.exchange(getResponse(sw & 0xff || 256));
      sw = swOf(raw);
      parts.push(raw.subarray(0, raw.length - 2));
    }
    return { data: Buffer.concat(parts), sw, status: decodeStatus(sw) };
  }

  private async exchange(command: CommandApdu): Promise<Buffer> {
    const encoded = encodeCommand(command);
    this.count++;
    try {
      const response = await this.connection.transmit(encoded);
      if (response.length < 2) throw new PinwardenError("CARD_ERROR", { technical: "response shorter than a status word" });
      this.trace?.(`> ${describeCommand(command)}`);
      this.trace?.(`< ${response.length > 2 ? response.subarray(0, -2).toString("hex").toUpperCase() + " " : ""}${swHex(swOf(response))}`);
      return response;
    } finally {
      if (command.secret) wipe(encoded);
    }
  }
}

function swOf(raw: Buffer): number {
  return (raw[raw.length - 2]! << 8) | raw[raw.length - 1]!;
}
