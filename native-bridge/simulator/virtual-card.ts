/**
 * The common ground of the virtual cards: APDU parsing, PIN counters that behave like
 * a real card's (count down, block at zero, reset on success), an APDU log that masks
 * code-bearing data, and a hook to inject faults.
 */
import { INS, parseCommand, type ParsedCommand } from "../apdu/command.js";
import { swHex } from "../apdu/status.js";

export const SW = {
  OK: 0x9000,
  WRONG_LENGTH: 0x6700,
  SECURITY_STATUS: 0x6982,
  BLOCKED: 0x6983,
  CONDITIONS: 0x6985,
  WRONG_DATA: 0x6a80,
  FILE_NOT_FOUND: 0x6a82,
  WRONG_P1P2: 0x6a86,
  REF_NOT_FOUND: 0x6a88,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  END_OF_FILE: 0x6282,
  WRONG_OFFSET: 0x6b00,
} as const;

export const wrongCodeSw = (left: number) => 0x63c0 | Math.min(left, 15);

export interface CardResponse {
  data?: Buffer;
  sw: number;
}

/** What a fault does to the n-th APDU (see native-bridge/simulator/README.md). */
export type FaultKind = "drop" | "garbage" | "late" | "sw";
export interface Fault {
  /** 1-based index of the APDU to fail, counted from insertion. */
  at: number;
  kind: FaultKind;
  /** For "sw": the status word to answer instead. For "late": delay in ms. */
  value?: number;
}

/** One PIN, PUK or password on a virtual card. */
export class PinSlot {
  triesLeft: number;
  verified = false;

  constructor(
    public value: Buffer,
    readonly maxTries: number,
    readonly minLength: number,
    readonly maxLength: number,
  ) {
    this.triesLeft = maxTries;
  }

  get blocked(): boolean {
    return this.triesLeft === 0;
  }

  /** Compares and counts. Returns true on a match (the counter is reset). */
  check(candidate: Buffer): boolean {
    if (this.blocked) return false;
    if (candidate.equals(this.value)) {
      this.triesLeft = this.maxTries;
      this.verified = true;
      return true;
    }
    this.triesLeft--;
    this.verified = false;
    return false;
  }

  set(value: Buffer): void {
    this.value = Buffer.from(value);
    this.triesLeft = this.maxTries;
  }
}

export interface VirtualCardOptions {
  /** Receives one line per command and response, hex, code data masked. */
  apduLog?: (line: string) => void;
  faults?: Fault[];
}

/** Instructions whose data field is a code: the log masks it. */
const SECRET_INS = new Set<number>([INS.VERIFY, INS.CHANGE_REFERENCE_DATA, INS.RESET_RETRY_COUNTER]);

export abstract class VirtualCard {
  abstract readonly family: string;
  abstract readonly atr: Buffer;
  /** APDUs received since insertion. */
  apduCount = 0;
  /** The fault applied to the last APDU; transports act on drop, garbage and late. */
  lastFault: Fault | undefined;
  protected faults: Fault[];
  readonly #log: ((line: string) => void) | undefined;

  constructor(options: VirtualCardOptions = {}) {
    this.faults = options.faults ?? [];
    this.#log = options.apduLog;
  }

  /** Power cycle: the verified state and the selected application are lost. */
  abstract reset(): void;

  protected abstract handle(cmd: ParsedCommand): CardResponse;

  /** The fault planned for the next APDU, if any. */
  peekFault(): Fault | undefined {
    return this.faults.find((f) => f.at === this.apduCount + 1);
  }

  setFaults(faults: Fault[]): void {
    this.faults = faults;
  }

  /** Processes one raw C-APDU and returns the raw R-APDU. */
  transmit(raw: Buffer): Buffer {
    const fault = this.peekFault();
    this.apduCount++;
    let response: CardResponse;
    let cmd: ParsedCommand | undefined;
    try {
      cmd = parseCommand(raw);
      response = cmd.cla !== 0x00 && cmd.cla !== 0x80 ? { sw: SW.CLA_NOT_SUPPORTED } : this.handle(cmd);
    } catch {
      response = { sw: SW.WRONG_LENGTH };
    }
    this.lastFault = fault;
    if (fault?.kind === "sw" && fault.value !== undefined) response = { sw: fault.value };
    const data = response.data ?? Buffer.alloc(0);
    const out = Buffer.concat([data, Buffer.from([response.sw >> 8, response.sw & 0xff])]);
    if (this.#log) {
      const masked =
        cmd && SECRET_INS.has(cmd.ins) && cmd.data.length > 0
          ? `${raw.subarray(0, 5).toString("hex")} ${"**".repeat(cmd.data.length)}`
          : raw.toString("hex");
      this.#log(`> ${masked.toUpperCase()}`);
      this.#log(`< ${data.length ? data.toString("hex").toUpperCase() + " " : ""}${swHex(response.sw)}`);
    }
    return out;
  }
}

/** Length checks common to the families: a code outside its slot's bounds is 6700. */
export function lengthOk(slot: PinSlot, code: Buffer): boolean {
  return code.length >= slot.minLength && code.length <= slot.maxLength;
}
