/**
 * Stops and starts the machine's pcscd under a running card monitor with a card in, and
 * prints one JSON line: what the monitor said while the service was down, and how long it
 * took to find the service, the readers and the card again after pcscd was back.
 * Used by tests/faults/pcscd-restart.test.ts (in a plain Node process, as the app runs).
 */
import { execFileSync, spawn } from "node:child_process";
import { PcscReaders } from "../native-bridge/pcsc/pcsc-readers.js";
import type { ReaderEvent } from "../native-bridge/pcsc/types.js";
import { CardService } from "../native-bridge/service/card-service.js";
import { Pkcs15Card } from "../native-bridge/simulator/pkcs15-card.js";
import { insertIntoVpcd } from "../native-bridge/simulator/vpcd-client.js";

const READER = "Virtual PCD 00 00";
const pcscd = (cmd: string) => execFileSync("bash", ["scripts/pcscd.sh", cmd], { stdio: "ignore" });

async function until(check: () => boolean, ms: number): Promise<number | null> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) return null;
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now() - start;
}

pcscd("start");
const backend = new PcscReaders();
await backend.ready();
const service = new CardService(backend);
const card = new Pkcs15Card();
await insertIntoVpcd(card);
const cardIn = () => backend.readers().some((r) => r.name === READER && r.cardPresent);
await until(cardIn, 10_000);
const before = (await service.status({ reader: READER })).ok;

const events: ReaderEvent["type"][] = [];
backend.on((e) => events.push(e.type));
pcscd("stop");
const downAfterMs = await until(() => !backend.serviceAvailable, 5_000);
const whileDown = await service.status();
const eventsWhileDown = [...events];

const restart = spawn("bash", ["scripts/pcscd.sh", "start"], { stdio: "ignore" });
const restarted = new Promise((r) => restart.on("exit", r));
for (;;) {
  try {
    await insertIntoVpcd(card);
    break;
  } catch {
    await new Promise((r) => setTimeout(r, 50));
  }
}
await restarted;
const recoveryMs = await until(() => backend.serviceAvailable && cardIn(), 5_000);
const after = await service.status({ reader: READER });
process.stdout.write(
  JSON.stringify({
    before,
    downAfterMs,
    whileDown: whileDown.ok ? "ok" : whileDown.error.code,
    eventsWhileDown,
    recoveryMs,
    eventsAfter: events.slice(eventsWhileDown.length),
    after: after.ok,
    triesAfter: after.ok ? after.value.codes.map((c) => c.triesLeft) : null,
  }) + "\n",
);
process.exit(0);
