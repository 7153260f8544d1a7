import { afterEach, beforeEach } from "vitest";
import { FAMILY_FACTS, familyScenarios } from "../shared/family-scenarios.js";
import { pcscBackend, vpcdRig } from "./pcsc-rig.js";

let rig: ReturnType<typeof vpcdRig>;

beforeEach(async () => {
  rig = vpcdRig(await pcscBackend());
});
afterEach(async () => rig.cleanup());

for (const facts of FAMILY_FACTS) familyScenarios(facts, () => rig);
