/**
 * The PUK help as an admin sets it: machine policy (a JSON file or what Group Policy writes)
 * through loadPolicy, into the app info, onto the PUK step.
 */
import { cleanup, screen } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { loadPolicy } from "../../host/policy.js";
import { parseRegQuery, registryToPolicy } from "../../host/policy-registry.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import type { Language } from "../../contract/api.js";
import { sv } from "../../renderer/src/i18n/sv.js";
import { renderApp } from "./harness.js";

afterEach(() => cleanup());

const fromFile = (values: unknown) =>
  loadPolicy({ platform: "linux", env: {}, registry: () => null, readFile: () => JSON.stringify(values) });

const fromRegistry = (lines: string[]) =>
  loadPolicy({
    platform: "win32",
    env: {},
    registry: () => registryToPolicy(parseRegQuery(["", "HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Pinwarden", ...lines, ""].join("\r\n"))),
    readFile: () => null,
  });

/** What the PUK field says about the PUK, with the policy's value in the app info. */
async function pukStep(pukHelp: string | Record<Language, string>, language: Language = "sv") {
  const card = new Pkcs15Card();
  card.pins.get(0x81)!.triesLeft = 0;
  await renderApp(card, language, undefined, { pukHelp });
  const u = userEvent.setup();
  await u.click(await screen.findByRole("button", { name: language === "sv" ? "Lås upp med PUK-kod" : "Unlock with PUK" }));
  await u.keyboard("{Enter}");
  return document.querySelector(".wizard .puk-help")!.textContent;
}

describe("PUK help from policy", () => {
  it("one text from a policy file, in every language", async () => {
    const { policy, problems } = fromFile({ pukHelp: "  Ring kortadministratören, anknytning 4455.  " });
    expect(problems).toEqual([]);
    expect(await pukStep(policy.pukHelp, "sv")).toBe("Ring kortadministratören, anknytning 4455.");
    cleanup();
    expect(await pukStep(policy.pukHelp, "en")).toBe("Ring kortadministratören, anknytning 4455.");
  });

  it("one per language from a policy file", async () => {
    const { policy } = fromFile({ pukHelp: { sv: "Ring 4455.", en: "Call 4455." } });
    expect(await pukStep(policy.pukHelp, "en")).toBe("Call 4455.");
  });

  it("the text Group Policy writes (REG_SZ, from the ADMX's text box)", async () => {
    const { policy, sources } = fromRegistry(["    pukHelp    REG_SZ    Ring Kortcentrum på 010-123 45 67."]);
    expect(sources.pukHelp).toBe("registry");
    expect(await pukStep(policy.pukHelp)).toBe("Ring Kortcentrum på 010-123 45 67.");
  });

  it("an empty or malformed value is reported and the default shown", async () => {
    for (const bad of ["", "   ", { sv: "Ring 4455." }, { sv: "Ring 4455.", en: "Call 4455.", fi: "Soita 4455." }]) {
      const { policy, problems } = fromFile({ pukHelp: bad });
      expect(
        problems.map((p) => p.key),
        JSON.stringify(bad),
      ).toEqual(["pukHelp"]);
      expect(policy.pukHelp).toEqual({ sv: sv.wizard.pukHelp, en: expect.any(String) });
    }
    expect(await pukStep(fromFile({ pukHelp: "" }).policy.pukHelp)).toBe(sv.wizard.pukHelp);
  });
});
