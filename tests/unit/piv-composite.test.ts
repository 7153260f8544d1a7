/**
 * The virtual security key (composite-card.ts): PIV and OpenPGP side by side on one card,
 * routed by the application selected last. Through CardService, and APDU by APDU.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CardService } from "../../native-bridge/service/card-service.js";
import { knowledgeFor } from "../../native-bridge/profiles/card-knowledge.js";
import { createCard } from "../../native-bridge/simulator/cards.js";
import { CompositeCard } from "../../native-bridge/simulator/composite-card.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { PIV_CARD_ATR, YUBIKEY5_ATR } from "../../native-bridge/simulator/piv-card.js";
import { s, tries } from "../shared/family-scenarios.js";

const SELECT_PIV = "00A4040005A000000308";
const SELECT_OPENPGP = "00A4040006D27600012401";
const sw = (card: CompositeCard, hex: string) => card.transmit(Buffer.from(hex, "hex")).subarray(-2).toString("hex").toUpperCase();

describe("the composite card, APDU by APDU", () => {
  it("routes to the application selected last; an unknown AID answers 6A82 and changes nothing", () => {
    const card = new CompositeCard();
    card.reset();
    expect(sw(card, "00200080")).toBe("6D00"); // nothing selected yet
    expect(sw(card, SELECT_PIV)).toBe("9000");
    expect(card.selected).toBe("piv");
    expect(sw(card, "00A4040006D27600009999")).toBe("6A82");
    expect(card.selected).toBe("piv");
    expect(sw(card, "00200080")).toBe("63C3"); // still the PIV applet's PIN 80
    expect(sw(card, SELECT_OPENPGP)).toBe("9000");
    expect(card.selected).toBe("openpgp");
    expect(sw(card, "00200080")).not.toBe("63C3"); // 80 means nothing to OpenPGP
    expect(card.piv.pin.triesLeft).toBe(3);
  });

  it("drops the PIV PIN's verified state when OpenPGP is selected (OpenSC CI_OTHER_AID_LOSE_STATE)", () => {
    const card = new CompositeCard();
    card.reset();
    sw(card, SELECT_PIV);
    // Verify the right PIN (123456 padded with FF), then check: 9000 = verified.
    expect(sw(card, "0020008008313233343536FFFF")).toBe("9000");
    expect(sw(card, "00200080")).toBe("9000");
    sw(card, SELECT_OPENPGP);
    sw(card, SELECT_PIV);
    expect(sw(card, "00200080")).toBe("63C3");
  });

  it("reset() resets both applications and the selection", () => {
    const card = new CompositeCard();
    sw(card, SELECT_PIV);
    sw(card, "0020008008313233343536FFFF");
    card.reset();
    expect(card.selected).toBeUndefined();
    expect(card.piv.pin.verified).toBe(false);
    expect(card.openpgp.pw1.verified).toBe(false);
  });

  it("carries the YubiKey 5 ATR, which card-knowledge.ts knows carries PIV and OpenPGP", () => {
    expect(new CompositeCard().atr).toEqual(YUBIKEY5_ATR);
    expect(knowledgeFor(YUBIKEY5_ATR)).toMatchObject({ name: "YubiKey", apps: ["piv", "openpgp"] });
    expect(knowledgeFor(PIV_CARD_ATR).name).toBe("unknown");
    // ISO 7816-3 §8.2.5: T0 … TCK XOR to zero.
    for (const atr of [YUBIKEY5_ATR, PIV_CARD_ATR]) expect(atr.subarray(1).reduce((x, b) => x ^ b, 0)).toBe(0);
  });
});

describe("the composite card through CardService", () => {
  let readers: InProcessReaders;
  let service: CardService;
  beforeEach(() => {
    readers = new InProcessReaders(["R"]);
    service = new CardService(readers);
  });
  afterEach(() => service.close());

  it("shows both applications, each with its own codes and the applets' true counters", async () => {
    const card = createCard("piv", {}, { openpgp: true }) as CompositeCard;
    card.piv.pin.triesLeft = 2;
    card.openpgp.pw1.triesLeft = 1;
    readers.insert(card);
    const r = await service.status();
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    expect(r.value.applications.map((a) => a.app)).toEqual(["piv", "openpgp"]);
    expect(tries(r, "auth")).toBe(2);
    const pgp = await service.status({ app: "openpgp" });
    expect(tries(pgp, "user")).toBe(1);
    expect(tries(pgp, "admin")).toBe(3);
    expect({ piv: card.piv.pin.triesLeft, pgp: card.openpgp.pw1.triesLeft }).toEqual({ piv: 2, pgp: 1 });
  });

  it("changes the PIV PIN and the OpenPGP PIN, each in its own applet", async () => {
    const card = createCard("piv", {}, { openpgp: true }) as CompositeCard;
    readers.insert(card);
    expect((await service.changePin("auth", s("123456"), s("246810"), { app: "piv" })).ok).toBe(true);
    expect(card.piv.codeOf(0x80)).toBe("246810");
    expect(card.openpgp.holds("user", "123456")).toBe(true);
    const r = await service.changePin("user", s("123456"), s("135790"), { app: "openpgp" });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(card.openpgp.holds("user", "135790")).toBe(true);
    expect(card.piv.codeOf(0x80)).toBe("246810");
    expect({ piv: card.piv.pin.triesLeft, pgp: card.openpgp.pw1.triesLeft }).toEqual({ piv: 3, pgp: 3 });
  });

  it("a cold status of both applications: 4 APDUs for PIV, then OpenPGP's own", async () => {
    const card = createCard("piv", {}, { openpgp: true }) as CompositeCard;
    readers.insert(card);
    expect((await service.status()).ok).toBe(true);
    // No missed SELECT: the ATR names exactly the two applications the card has.
    expect(card.apduCount).toBeLessThanOrEqual(4 + 2);
  });
});
