/** What admins deploy with: the MSI settings, the Group Policy templates, the admin guide. */
import { readFileSync } from "node:fs";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { adml, ADML_LANGUAGES, admx } from "../../host/admx.js";
import { POLICY_KEYS } from "../../host/policy.js";

describe("electron-builder.yml", () => {
  const config = parse(readFileSync("electron-builder.yml", "utf8")) as Record<string, Record<string, unknown>>;

  it("builds a per-machine x64 MSI with a fixed upgrade code, no run after install, a Start-menu shortcut", () => {
    expect(config.win!.target).toEqual([{ target: "msi", arch: ["x64"] }]);
    expect(config.msi).toMatchObject({ perMachine: true, runAfterFinish: false, createStartMenuShortcut: true });
    // Changing it would make a new MSI install beside the old one instead of upgrading it.
    expect(config.msi!.upgradeCode).toBe("7d3c5b1e-4f2a-4c8e-9b61-2a5d0e8f4c17");
  });

  it("also targets a Linux .deb that depends on pcscd, and a macOS dmg", () => {
    expect(config.linux!.target).toEqual(["deb"]);
    expect((config.deb!.depends as string[]).includes("pcscd")).toBe(true);
    expect(config.mac!.target).toEqual(["dmg"]);
  });

  it("ships the built app, not the preview bridge or the sources, and keeps the PC/SC binding out of the asar", () => {
    const files = config.files as unknown as string[];
    expect(files).toEqual(expect.arrayContaining(["dist/electron/**", "dist/renderer/**", "assets/**"]));
    expect(files.some((f) => f.startsWith("scripts") || f.includes("preview"))).toBe(false);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(["node_modules/pcsclite/**"]));
    expect(config.npmRebuild).toBe(true);
  });
});

describe("Group Policy templates", () => {
  const keys = Object.keys(POLICY_KEYS);

  it("are valid XML and list every policy key", () => {
    const text = admx();
    expect(XMLValidator.validate(text)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(text);
    const policies = doc.policyDefinitions.policies.policy as { "@_name": string }[];
    expect(policies.map((p) => p["@_name"]).sort()).toEqual([...keys].sort());
  });

  it("have an ADML in en-US and sv-SE defining every string and presentation the ADMX uses", () => {
    const text = admx();
    const strings = [...text.matchAll(/\$\(string\.([\w]+)\)/g)].map((m) => m[1]!);
    const presentations = [...text.matchAll(/\$\(presentation\.([\w]+)\)/g)].map((m) => m[1]!);
    for (const language of ADML_LANGUAGES) {
      const res = adml(language);
      expect(XMLValidator.validate(res), language).toBe(true);
      for (const id of strings) expect(res, `${language} ${id}`).toContain(`<string id="${id}">`);
      for (const id of presentations) expect(res, `${language} ${id}`).toContain(`<presentation id="${id}">`);
    }
  });

  it("are committed as generated (npm run admx)", () => {
    expect(readFileSync("assets/policy/Pinwarden.admx", "utf8")).toBe(admx());
    for (const language of ADML_LANGUAGES) expect(readFileSync(`assets/policy/${language}/Pinwarden.adml`, "utf8")).toBe(adml(language));
  });
});

describe("docs/admin.md", () => {
  it("documents every policy key with its type and default", () => {
    const doc = readFileSync("docs/admin.md", "utf8");
    for (const [key, spec] of Object.entries(POLICY_KEYS)) {
      const row = doc.split("\n").find((l) => l.startsWith(`| \`${key}\``));
      expect(row, key).toBeDefined();
      expect(row, key).toContain(JSON.stringify(spec.default));
    }
  });
});
