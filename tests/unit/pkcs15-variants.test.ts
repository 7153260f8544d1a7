/** The shared family scenarios on every PKCS#15 quirk card, in-process. */
import { afterEach, beforeEach } from "vitest";
import { CardService } from "../../native-bridge/service/card-service.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { familyScenarios, type Rig } from "../shared/family-scenarios.js";
import { PKCS15_VARIANTS } from "../shared/variants-pkcs15.js";

let rig: Rig;
let readers: InProcessReaders;

beforeEach(() => {
  readers = new InProcessReaders(["Test Reader"]);
  rig = {
    service: new CardService(readers),
    reader: "Test Reader",
    insert: async (card) => readers.insert(card),
    remove: async () => readers.remove(),
  };
});
afterEach(() => rig.service.close());

for (const facts of PKCS15_VARIANTS) familyScenarios(facts, () => rig);
