import { afterEach, beforeEach } from "vitest";
import { CardService } from "../../native-bridge/service/card-service.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { FAMILY_FACTS, familyScenarios, type Rig } from "../shared/family-scenarios.js";
import { PIV_VARIANTS } from "../shared/variants-piv.js";
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

// Every family's default card, every PKCS#15 quirk card and the PIV global-PIN card (the
// OpenPGP variants run in openpgp-kdf.test.ts).
for (const facts of [...FAMILY_FACTS, ...PKCS15_VARIANTS, ...PIV_VARIANTS]) familyScenarios(facts, () => rig);
