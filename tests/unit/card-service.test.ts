/** CardService behaviour beyond the family scenarios, on in-process virtual cards. */
import { describe, expect, it } from "vitest";
import type { ParsedCommand } from "../../native-bridge/apdu/command.js";
import { CardService } from "../../native-bridge/service/card-service.js";
import { Secret } from "../../native-bridge/core/secret.js";
import type { AuditEvent } from "../../native-bridge/service/types.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { OpenPgpCard } from "../../native-bridge/simulator/openpgp-card.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import { PivCard } from "../../native-bridge/simulator/piv-card.js";
import { SW, VirtualCard, type CardResponse } from "../../native-bridge/simulator/virtual-card.js";
import { s, tries } from "../shared/family-scenarios.js";

function setup(card?: VirtualCard, options: ConstructorParameters<typeof CardService>[1] = {}) {
  const readers = new InProcessReaders(["R"]);
  if (card) readers.insert(card);
  return { readers, service: new CardService(readers, options) };
}

class UnknownCard extends VirtualCard {
  readonly family = "unknown";
  readonly atr = Buffer.from("3B0212", "hex");
  reset(): void {}
  protected handle(): CardResponse {
    return { sw: SW.FILE_NOT_FOUND };
  }
}

/** Wraps a card the way a T=0 reader shows it: data comes via 61xx + GET RESPONSE, Le errors via 6Cxx. */
class T0Card extends VirtualCard {
  readonly family: string;
  readonly atr: Buffer;
  #pending = Buffer.alloc(0);
  getResponses = 0;
  constructor(private readonly inner: VirtualCard) {
    super();
    this.family = inner.family;
    this.atr = inner.atr;
  }
  reset(): void {
    this.inner.reset();
  }
  protected handle(cmd: ParsedCommand): CardResponse {
    if (cmd.ins === 0xc0) {
      this.getResponses++;
      const chunk = this.#pending.subarray(0, cmd.le ?? 256);
      this.#pending = this.#pending.subarray(chunk.length);
      return { data: Buffer.from(chunk), sw: this.#pending.length ? 0x6100 | Math.min(this.#pending.length, 255) : SW.OK };
    }
    const raw = Buffer.from([cmd.cla, cmd.ins, cmd.p1, cmd.p2, ...(cmd.data.length ? [cmd.data.length, ...cmd.data] : [])]);
    const r = this.inner.transmit(raw);
    const data = r.subarray(0, -2);
    const sw = r.readUInt16BE(r.length - 2);
    if (data.length === 0) return { sw };
    // Hand out at most 16 bytes a time to force chaining.
    this.#pending = Buffer.from(data);
    return { sw: 0x6100 | Math.min(this.#pending.length, 16) };
  }
}

describe("where is the card", () => {
  it("says NO_READER, NO_CARD, READER_NOT_FOUND and PCSC_UNAVAILABLE", async () => {
    const none = new CardService(new InProcessReaders([]));
    expect(await none.status()).toMatchObject({ ok: false, error: { code: "NO_READER" } });
    const { readers, service } = setup();
    expect(await service.status()).toMatchObject({ ok: false, error: { code: "NO_CARD" } });
    expect(await service.status({ reader: "Other" })).toMatchObject({ ok: false, error: { code: "READER_NOT_FOUND" } });
    readers.setServiceAvailable(false);
    expect(await service.status()).toMatchObject({ ok: false, error: { code: "PCSC_UNAVAILABLE" } });
  });

  it("says CARD_UNSUPPORTED with the ATR for a card of no known family", async () => {
    const { service } = setup(new UnknownCard());
    expect(await service.status()).toMatchObject({ ok: false, error: { code: "CARD_UNSUPPORTED", atr: "3B0212" } });
  });
});

describe("one operation per card", () => {
  it("answers BUSY to a second change while the first runs, and the first completes", async () => {
    const card = new Pkcs15Card();
    const { service } = setup(card);
    const first = service.changePin("auth", s("123456"), s("246810"));
    const second = await service.changePin("sign", s("654321"), s("135790"));
    expect(second).toMatchObject({ ok: false, error: { code: "BUSY" } });
    expect((await first).ok).toBe(true);
    expect(card.codeOf(0x81)).toBe("246810");
    expect(card.codeOf(0x82)).toBe("654321");
  });

  it("queues a status read behind a change and reports the counters after it", async () => {
    const { service } = setup(new Pkcs15Card());
    const change = service.changePin("auth", s("999999"), s("246810"));
    const status = await service.status();
    expect(tries(status, "auth")).toBe(2);
    expect((await change).ok).toBe(false);
  });
});

describe("reading status", () => {
  it("costs one SELECT and one APDU per code once the card's layout is known", async () => {
    // Counted by the card itself: what it received, GET RESPONSEs included.
    const card = new Pkcs15Card();
    const { service } = setup(card);
    await service.status();
    const first = card.apduCount;
    await service.status();
    expect(card.apduCount - first).toBe(4);
    expect(first).toBeGreaterThan(4);
  });

  it("learns the layout again after the card is swapped", async () => {
    const { readers, service } = setup(new Pkcs15Card());
    await service.status();
    readers.insert(new PivCard(), "R");
    const r = await service.status();
    expect(r.ok && r.value.card.profile).toBe("piv");
  });

  it("reads a blocked PIN on cards answering 63C0 instead of 6983", async () => {
    const card = new Pkcs15Card({ blockedSw: 0x63c0, pinTries: 1 });
    const { service } = setup(card);
    await service.changePin("auth", s("999999"), s("246810"));
    const r = await service.status();
    expect(r.ok && r.value.codes.find((c) => c.id === "auth")).toMatchObject({ triesLeft: 0, blocked: true, state: "blocked" });
  });

  it("marks one try left as low", async () => {
    const { service } = setup(new Pkcs15Card());
    await service.changePin("auth", s("999999"), s("246810"));
    await service.changePin("auth", s("999998"), s("246810"));
    const r = await service.status();
    expect(r.ok && r.value.codes.find((c) => c.id === "auth")?.state).toBe("low");
  });

  it("reports the PIV PUK as unknown on cards without GET METADATA, and never VERIFYs it", async () => {
    const card = new PivCard({ metadata: false });
    const { service } = setup(card);
    const r = await service.status();
    expect(r.ok && r.value.codes.find((c) => c.id === "puk")).toMatchObject({ triesLeft: null, state: "unknown" });
    expect(tries(r, "auth")).toBe(3);
    expect(card.puk.triesLeft).toBe(3);
  });

  it("reads a 630x wrong-PIN answer on PIV cards that use it", async () => {
    const { service } = setup(new PivCard({ sw630x: true, metadata: false }));
    const r = await service.changePin("auth", s("999999"), s("246810"));
    expect(r).toMatchObject({ ok: false, error: { code: "PIN_WRONG", triesLeft: 2 } });
  });

  it("shows an unset OpenPGP resetting code as unavailable, not blocked", async () => {
    const { service } = setup(new OpenPgpCard());
    const r = await service.status();
    expect(r.ok && r.value.codes.find((c) => c.id === "reset")).toMatchObject({ triesLeft: 0, blocked: false, state: "unavailable" });
  });

  it("works through T=0 chaining (61xx and GET RESPONSE)", async () => {
    const card = new T0Card(new Pkcs15Card());
    const { service } = setup(card);
    const r = await service.status();
    expect(r.ok && r.value.card.serial).toBe("9752269000004242");
    expect(card.getResponses).toBeGreaterThan(3);
  });
});

describe("OpenPGP specifics", () => {
  it("takes the count from C4 when a wrong PIN answers 6982", async () => {
    const { service } = setup(new OpenPgpCard({ wrongSw6982: true }));
    const r = await service.changePin("user", s("999999"), s("246810"));
    expect(r).toMatchObject({ ok: false, error: { code: "PIN_WRONG", triesLeft: 2 } });
  });

  it("unblocks PW1 with the resetting code when asked to", async () => {
    const card = new OpenPgpCard({ resetCode: "87654321" });
    const { service } = setup(card);
    const r = await service.unblockPin("user", s("87654321"), s("246810"), { using: "reset" });
    expect(r.ok).toBe(true);
    expect(card.pw1.value.toString()).toBe("246810");
  });

  it("changes the admin PIN under the PUK rules (8 digits)", async () => {
    const card = new OpenPgpCard();
    const { service } = setup(card);
    expect(await service.changePin("admin", s("12345678"), s("246810"))).toMatchObject({ ok: false, error: { code: "CODE_LENGTH" } });
    expect((await service.changePin("admin", s("12345678"), s("24681357"))).ok).toBe(true);
    expect(card.pw3.value.toString()).toBe("24681357");
  });
});

describe("rules and secrets", () => {
  it("wipes the codes it was given, whatever the outcome", async () => {
    const { service } = setup(new Pkcs15Card());
    const cases: [string, string][] = [
      ["123456", "246810"], // success
      ["999999", "135790"], // wrong PIN
      ["135790", "1"], // refused before the card
    ];
    for (const [a, b] of cases) {
      const current = Secret.fromString(a);
      const next = Secret.fromString(b);
      await service.changePin("auth", current, next);
      expect(current.wiped && next.wiped).toBe(true);
    }
  });

  it("refuses to change the PUK when policy does not allow it", async () => {
    const { service } = setup(new Pkcs15Card(), { allowChangePuk: false });
    expect(await service.changePin("puk", s("12345678"), s("24681357"))).toMatchObject({
      ok: false,
      error: { code: "OPERATION_NOT_ALLOWED" },
    });
    const status = await service.status();
    expect(status.ok && status.value.codes.find((c) => c.id === "puk")?.canChange).toBe(false);
  });

  it("changes the PUK where the card and the policy allow it", async () => {
    const card = new Pkcs15Card();
    const { service } = setup(card);
    expect((await service.changePin("puk", s("12345678"), s("24681357"))).ok).toBe(true);
    expect(card.codeOf(0x83)).toBe("24681357");
  });

  it("checks the current code against the card's bounds before sending it", async () => {
    const card = new Pkcs15Card();
    const { service } = setup(card);
    await service.status();
    const sent = card.apduCount;
    expect(await service.changePin("auth", s("123456789"), s("246810"))).toMatchObject({ ok: false, error: { code: "CODE_LENGTH" } });
    expect(card.apduCount).toBe(sent);
  });

  it("says CODE_UNKNOWN for a code the card does not have", async () => {
    const { service } = setup(new Pkcs15Card());
    expect(await service.changePin("nope", s("123456"), s("246810"))).toMatchObject({ ok: false, error: { code: "CODE_UNKNOWN" } });
  });

  it("writes an audit event per operation, with no code in it", async () => {
    const events: AuditEvent[] = [];
    const { service } = setup(new Pkcs15Card(), { audit: (e) => events.push(e) });
    await service.changePin("auth", s("123456"), s("246810"));
    await service.changePin("sign", s("999999"), s("135790"));
    expect(events).toEqual([
      { operation: "changePin", codeId: "auth", reader: "R", serial: "9752269000004242", result: "ok", triesLeft: 3 },
      { operation: "changePin", codeId: "sign", reader: "R", serial: "9752269000004242", result: "PIN_WRONG", triesLeft: 2 },
    ]);
    expect(JSON.stringify(events)).not.toMatch(/123456|246810|999999|135790/);
  });
});
