/**
 * The shared family scenarios through the real pcscd + vpcd: the default card of each
 * family, every PKCS#15 quirk card and the PIV global-PIN card (the OpenPGP variants run
 * in openpgp-gnupg-pcscd.test.ts, beside GnuPG).
 */
import { afterEach, beforeEach } from "vitest";
import { FAMILY_FACTS, familyScenarios } from "../shared/family-scenarios.js";
import { PIV_VARIANTS } from "../shared/variants-piv.js";
import { PKCS15_VARIANTS } from "../shared/variants-pkcs15.js";
import { pcscBackend, vpcdRig } from "./pcsc-rig.js";

let rig: ReturnType<typeof vpcdRig>;

beforeEach(async () => {
  rig = vpcdRig(await pcscBackend());
});
afterEach(async () => rig.cleanup());

for (const facts of [...FAMILY_FACTS, ...PKCS15_VARIANTS, ...PIV_VARIANTS]) familyScenarios(facts, () => rig);
