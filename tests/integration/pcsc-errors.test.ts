/** PC/SC failures as typed errors, on the real stack. */
import { afterEach, describe, expect, it } from "vitest";
import { PcscReaders } from "../../native-bridge/pcsc/pcsc-readers.js";
import { CardService } from "../../native-bridge/service/card-service.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import { s, tries } from "../shared/family-scenarios.js";
import { pcscBackend, READER_0, READER_1, vpcdRig } from "./pcsc-rig.js";

let rig: ReturnType<typeof vpcdRig> | undefined;
afterEach(async () => rig?.cleanup());

describe("PC/SC errors", () => {
  it("says NO_CARD for an empty reader and READER_NOT_FOUND for one that does not exist", async () => {
    const service = new CardService(await pcscBackend());
    expect(await service.status({ reader: READER_1 })).toMatchObject({ ok: false, error: { code: "NO_CARD" } });
    expect(await service.status({ reader: "No Such Reader" })).toMatchObject({ ok: false, error: { code: "READER_NOT_FOUND" } });
    service.close();
  });

  it("gives TIMEOUT when the card does not answer in time, and the card's counters stay true", async () => {
    // A backend of its own with a short APDU timeout; the shared one keeps the default.
    const backend = new PcscReaders({ transmitTimeoutMs: 300 });
    await backend.ready();
    rig = vpcdRig(backend, READER_0);
    const card = new Pkcs15Card();
    await rig.insert(card);
    await rig.service.status({ reader: READER_0 });
    card.setFaults([{ at: card.apduCount + 2, kind: "late", value: 1_000 }]);
    const r = await rig.service.changePin("auth", s("999999"), s("246810"), { reader: READER_0 });
    expect(!r.ok && r.error.code).toBe("TIMEOUT");
    // The late answer still arrives at pcscd; once it has, the card is usable and tells the truth.
    await new Promise((done) => setTimeout(done, 1_200));
    card.setFaults([]);
    const after = await rig.service.status({ reader: READER_0 });
    expect(tries(after, "auth")).toBe(card.pins.get(0x81)!.triesLeft);
  });
});
