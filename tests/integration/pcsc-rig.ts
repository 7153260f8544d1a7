/**
 * A rig on the real PC/SC stack: pcscd with the vpcd driver, our PcscReaders on the
 * pcsclite binding, and virtual cards inserted over vpcd's socket.
 */
import { spawn } from "node:child_process";
import { PcscReaders } from "../../native-bridge/pcsc/pcsc-readers.js";
import type { ReaderBackend } from "../../native-bridge/pcsc/types.js";
import { CardService } from "../../native-bridge/service/card-service.js";
import { insertIntoVpcd, VPCD_PORT, type InsertedCard } from "../../native-bridge/simulator/vpcd-client.js";
import type { VirtualCard } from "../../native-bridge/simulator/virtual-card.js";
import type { Rig } from "../shared/family-scenarios.js";

export const READER_0 = "Virtual PCD 00 00";
export const READER_1 = "Virtual PCD 00 01";
export const PORTS: Record<string, number> = { [READER_0]: VPCD_PORT, [READER_1]: VPCD_PORT + 1 };

let shared: PcscReaders | undefined;

/**
 * One PcscReaders per test process. The binding's watcher threads are not closed: its
 * close() can block joining them, and the process ends after the tests anyway.
 */
export async function pcscBackend(): Promise<PcscReaders> {
  if (!shared) {
    shared = new PcscReaders();
    await shared.ready();
    if (!shared.serviceAvailable || !shared.readers().some((r) => r.name === READER_0)) {
      throw new Error(`pcscd with vpcd is not running (no "${READER_0}"): run scripts/pcscd.sh start`);
    }
  }
  return shared;
}

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const cardPresent = (backend: ReaderBackend, reader: string) =>
  backend.readers().find((r) => r.name === reader)?.cardPresent === true;

/**
 * One of vpcd's readers as a card slot: `insert` puts a virtual card in and waits until the
 * PC/SC service sees it, `remove` takes it out and waits for the empty reader. `backend`:
 * whose view to wait on (default: the shared PC/SC backend of this process).
 */
export function vpcdSlot(
  reader = READER_0,
  backend?: ReaderBackend,
): { insert(card: VirtualCard): Promise<void>; remove(): Promise<void> } {
  let inserted: InsertedCard | undefined;
  const view = async () => backend ?? (await pcscBackend());
  const slot = {
    async insert(card: VirtualCard) {
      if (inserted) await slot.remove();
      const b = await view();
      inserted = await insertIntoVpcd(card, { port: PORTS[reader]! });
      await waitFor(`card in ${reader}`, () => cardPresent(b, reader));
    },
    async remove() {
      const b = await view();
      await inserted?.remove();
      inserted = undefined;
      await waitFor(`${reader} empty`, () => !cardPresent(b, reader));
    },
  };
  return slot;
}

export function vpcdRig(backend: ReaderBackend, reader = READER_0): Rig & { cleanup(): Promise<void> } {
  const slot = vpcdSlot(reader, backend);
  const rig = {
    service: new CardService(backend),
    reader,
    insert: slot.insert,
    remove: slot.remove,
    async cleanup() {
      await rig.remove();
      rig.service.close();
    },
  };
  return rig;
}

/**
 * Runs an independent client (opensc-tool, pkcs15-tool, yubico-piv-tool, gpg) without
 * blocking: the virtual card answers from this same process. Output is stdout and stderr.
 */
export function runClient(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ out: string; status: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, timeout: 30_000 });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (out += d.toString("utf8")));
    child.on("close", (status) => resolve({ out, status }));
  });
}
