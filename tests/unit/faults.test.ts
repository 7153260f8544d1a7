/** The fault matrix on every family, in-process (tests/shared/fault-matrix.ts). */
import { beforeEach } from "vitest";
import { CardService } from "../../native-bridge/service/card-service.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { faultMatrix } from "../shared/fault-matrix.js";
import { FAMILY_FACTS, type Rig } from "../shared/family-scenarios.js";

let rig: Rig;
beforeEach(() => {
  const readers = new InProcessReaders(["R"]);
  rig = { service: new CardService(readers), reader: "R", insert: async (c) => readers.insert(c), remove: async () => readers.remove() };
});

for (const facts of FAMILY_FACTS) faultMatrix(facts, () => rig);
