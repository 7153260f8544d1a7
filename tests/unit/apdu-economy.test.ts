/**
 * What a person waits for on a real card is APDUs (5–50 ms each): these are the budgets
 * of issue 11, counted from the service's own APDU trace on the default virtual cards.
 * - a cold status (first sight of the card): PIV ≤ 5, OpenPGP ≤ 5, PKCS#15 ≤ 12, and no
 *   command other than SELECT or READ BINARY sent twice;
 * - a change on a card whose layout is known: SELECT + the command + a re-read of the
 *   code it changed;
 * - the CLI's change on PKCS#15 (a status of only the codes involved, then the change on
 *   a second connection, after the prompt) ≤ cold status + 2; elsewhere, where a cold
 *   status is already one or two APDUs, ≤ cold status + SELECT + command + re-read.
 * The figures for every family and transport are in docs/benchmarks.md (npm run bench).
 */
import { describe, expect, it } from "vitest";
import { CardService } from "../../native-bridge/service/card-service.js";
import { Secret } from "../../native-bridge/core/secret.js";
import { createCard, type SimProfile } from "../../native-bridge/simulator/cards.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";

const COLD_STATUS: Record<SimProfile, number> = { piv: 5, openpgp: 5, pkcs15: 12 };
const PIN: Record<SimProfile, { id: string; pin: string }> = {
  pkcs15: { id: "auth", pin: "123456" },
  piv: { id: "auth", pin: "123456" },
  openpgp: { id: "user", pin: "123456" },
};

function rig(profile: SimProfile) {
  const lines: string[] = [];
  const readers = new InProcessReaders(["R"]);
  readers.insert(createCard(profile));
  const service = new CardService(readers, { trace: (line) => lines.push(line) });
  /** The commands sent since the last call: header (and data where not secret). */
  const sent = () => lines.splice(0).filter((l) => l.startsWith(">"));
  return { service, sent };
}

const header = (line: string) => line.slice(2, 6); // CLA INS
const isSelectOrRead = (line: string) => ["00A4", "00B0"].includes(header(line));

describe.each(["pkcs15", "piv", "openpgp"] as const)("APDUs on the %s virtual card", (profile) => {
  it(`a cold status sends at most ${COLD_STATUS[profile]} APDUs and no command twice but SELECT/READ BINARY`, async () => {
    const { service, sent } = rig(profile);
    expect((await service.status()).ok).toBe(true);
    const cold = sent();
    expect(cold.length, cold.join("\n")).toBeLessThanOrEqual(COLD_STATUS[profile]);
    const repeated = cold.filter((l, i) => !isSelectOrRead(l) && cold.indexOf(l) !== i);
    expect(repeated, cold.join("\n")).toEqual([]);
  });

  it("a change on a known card costs SELECT + the command + one re-read", async () => {
    const { service, sent } = rig(profile);
    await service.status();
    sent();
    const { id, pin } = PIN[profile];
    const r = await service.changePin(id, Secret.fromString(pin), Secret.fromString("246810"));
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const change = sent();
    expect(change.length, change.join("\n")).toBeLessThanOrEqual(3);
    expect(header(change[0]!)).toBe("00A4");
  });

  const extra = profile === "pkcs15" ? 2 : 3;
  it(`the CLI's cold change costs at most a cold status + ${extra}`, async () => {
    const cold = rig(profile);
    await cold.service.status();
    const coldStatus = cold.sent().length;

    const { service, sent } = rig(profile);
    const { id, pin } = PIN[profile];
    expect((await service.status({ codes: [id] })).ok).toBe(true);
    expect((await service.changePin(id, Secret.fromString(pin), Secret.fromString("246810"))).ok).toBe(true);
    const all = sent();
    expect(all.length, all.join("\n")).toBeLessThanOrEqual(coldStatus + extra);
  });
});
