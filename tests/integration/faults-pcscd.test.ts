/**
 * The fault matrix on the real stack: a PKCS#15 card behind pcscd + vpcd, every fault at
 * every APDU of a change, a wrong change and an unblock (the other families run it in-process).
 */
import { afterEach, beforeEach } from "vitest";
import { faultMatrix } from "../shared/fault-matrix.js";
import { FAMILY_FACTS } from "../shared/family-scenarios.js";
import { pcscBackend, vpcdRig } from "./pcsc-rig.js";

let rig: ReturnType<typeof vpcdRig>;
beforeEach(async () => {
  rig = vpcdRig(await pcscBackend());
});
afterEach(async () => rig.cleanup());

faultMatrix(
  FAMILY_FACTS.find((f) => f.profile === "pkcs15")!,
  () => rig,
);
