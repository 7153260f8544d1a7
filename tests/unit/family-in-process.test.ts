import { afterEach, beforeEach } from "vitest";
import { CardService } from "../../native-bridge/service/card-service.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { FAMILY_FACTS, familyScenarios, type Rig } from "../shared/family-scenarios.js";
import { PIV_VARIANTS } from "../shared/variants-piv.js";

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

for (const facts of [...FAMILY_FACTS, ...PIV_VARIANTS]) familyScenarios(facts, () => rig);
