/**
 * What ships and how: electron-builder.yml's fuses, checked by electron-builder's own schema,
 * and the release workflow that builds the installers (.github/workflows/release.yml),
 * parsed and held to the build order docs/admin.md describes.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const require = createRequire(import.meta.url);
const builderConfig = parse(readFileSync("electron-builder.yml", "utf8")) as Record<string, unknown>;

describe("electron-builder.yml", () => {
  it("is valid for electron-builder's own configuration schema", async () => {
    const { validateConfiguration } = require("app-builder-lib/out/util/config/config.js") as {
      validateConfiguration(config: unknown, log: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    await expect(
      validateConfiguration(structuredClone(builderConfig), { isEnabled: false, add: () => undefined }),
    ).resolves.toBeUndefined();
    // The same check fails on a misspelt fuse: it is not a check that always passes.
    const misspelt = { ...builderConfig, electronFuses: { runAsNodes: false } };
    await expect(validateConfiguration(misspelt, { isEnabled: false, add: () => undefined })).rejects.toThrow(
      /configuration.electronFuses/,
    );
  });

  it("flips the fuses: no running as Node, no NODE_OPTIONS, no --inspect, the app only from its checked asar, cookies encrypted", () => {
    expect(builderConfig.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
    });
    // The renderer is loaded from file:// as ES modules: file:// keeps its privileges.
    expect((builderConfig.electronFuses as Record<string, unknown>).grantFileProtocolExtraPrivileges).not.toBe(false);
    // OnlyLoadAppFromAsar needs an asar: never switched off.
    expect(builderConfig.asar).not.toBe(false);
  });
});

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  "runs-on": string;
  needs?: string | string[];
  if?: string;
  strategy?: { matrix: { include: Record<string, string>[] } };
  steps: Step[];
  permissions?: Record<string, string>;
}

const workflow = parse(readFileSync(".github/workflows/release.yml", "utf8")) as {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
};

describe(".github/workflows/release.yml", () => {
  const jobs = workflow.jobs;
  const installers = jobs.installers!;
  const steps = installers.steps;
  const at = (test: (s: Step) => boolean, what: string) => {
    const i = steps.findIndex(test);
    expect(i, what).toBeGreaterThanOrEqual(0);
    return i;
  };

  it("is a workflow GitHub can run: triggers, jobs with a runner, each step either runs or uses", () => {
    expect(workflow.name).toBeTruthy();
    expect(workflow.on.push).toEqual({ tags: ["v*"] });
    expect(workflow.on).toHaveProperty("workflow_dispatch");
    for (const [id, job] of Object.entries(jobs)) {
      expect(job["runs-on"], id).toBeTruthy();
      expect(job.steps.length, id).toBeGreaterThan(0);
      for (const step of job.steps) {
        expect(!!step.run !== !!step.uses, `${id}: ${JSON.stringify(step)}`).toBe(true);
        // Actions pinned to a major version of their owner's release.
        if (step.uses) expect(step.uses, id).toMatch(/^actions\/[a-z-]+@v\d+$/);
      }
    }
    // Read-only by default; only the job that drafts the release may write.
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(jobs.release!.permissions).toEqual({ contents: "write" });
  });

  it("builds the MSI on Windows, the .deb on Ubuntu and the .dmg on macOS, the targets electron-builder.yml defines", () => {
    const matrix = installers.strategy!.matrix.include;
    const byOs = Object.fromEntries(matrix.map((m) => [m.os, m]));
    expect(byOs["windows-latest"]).toMatchObject({ target: "--win msi", files: "out/*.msi" });
    expect(byOs["ubuntu-latest"]).toMatchObject({ target: "--linux deb", files: "out/*.deb" });
    expect(byOs["macos-latest"]).toMatchObject({ target: "--mac dmg", files: "out/*.dmg" });
    expect(installers["runs-on"]).toBe("${{ matrix.os }}");
    const targets = builderConfig as {
      win: { target: { target: string }[] };
      linux: { target: string[] };
      mac: { target: string[] };
      directories: { output: string };
    };
    expect(targets.win.target.map((t) => t.target)).toEqual(["msi"]);
    expect(targets.linux.target).toEqual(["deb"]);
    expect(targets.mac.target).toEqual(["dmg"]);
    expect(targets.directories.output).toBe("out");
  });

  it("builds in the order docs/admin.md gives: Node 20, npm ci, the bundles with --cli-runtime, then electron-builder", () => {
    const node = at((s) => !!s.uses?.startsWith("actions/setup-node@"), "setup-node");
    expect(String(steps[node]!.with!["node-version"])).toBe("20");
    const headers = at((s) => !!s.run?.includes("libpcsclite-dev"), "PC/SC headers on Linux");
    expect(steps[headers]!.if).toBe("runner.os == 'Linux'");
    const ci = at((s) => s.run === "npm ci", "npm ci");
    const unit = at((s) => s.run === "npm run test:unit", "unit tests");
    const check = at((s) => s.run === "npm run typecheck", "type check");
    expect(steps[check]!.if).toBeUndefined();
    const build = at((s) => s.run === "npm run build -- --cli-runtime", "the build with the CLI runtime");
    const builder = at((s) => !!s.run?.startsWith("npx electron-builder"), "electron-builder");
    expect(steps[builder]!.run).toBe("npx electron-builder ${{ matrix.target }} --publish never");
    expect(node).toBeLessThan(headers);
    expect(headers).toBeLessThan(ci);
    expect(ci).toBeLessThan(check);
    expect(ci).toBeLessThan(unit);
    expect(unit).toBeLessThan(build);
    // --cli-runtime copies pcsclite while it is built for Node; electron-builder then rebuilds it for Electron.
    expect(build).toBeLessThan(builder);
    const upload = at((s) => !!s.uses?.startsWith("actions/upload-artifact@"), "upload");
    expect(steps[upload]!.with).toMatchObject({ path: "${{ matrix.files }}", "if-no-files-found": "error" });
    const doc = readFileSync("docs/admin.md", "utf8");
    expect(doc).toContain("npm run build -- --cli-runtime");
    expect(doc).toContain(".github/workflows/release.yml");
  });

  it("signs with secrets only, each one documented in docs/admin.md", () => {
    const env = steps.find((s) => s.run?.startsWith("npx electron-builder"))!.env!;
    const doc = readFileSync("docs/admin.md", "utf8");
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining([
        "WIN_CSC_LINK",
        "WIN_CSC_KEY_PASSWORD",
        "CSC_LINK",
        "CSC_KEY_PASSWORD",
        "APPLE_ID",
        "APPLE_APP_SPECIFIC_PASSWORD",
        "APPLE_TEAM_ID",
      ]),
    );
    for (const [key, value] of Object.entries(env)) {
      const secrets = [...value.matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1]!);
      expect(secrets.length, `${key} comes from a secret`).toBeGreaterThan(0);
      for (const secret of secrets) expect(doc, `${secret} is documented`).toContain(`\`${secret}\``);
    }
    // The macOS certificate never reaches the Windows build (electron-builder falls back to CSC_LINK there).
    expect(env.CSC_LINK).toContain("runner.os == 'macOS'");
  });

  it("drafts a GitHub release from a v* tag with every installer and their checksums", () => {
    const release = jobs.release!;
    expect(release.needs).toBe("installers");
    expect(release.if).toBe("startsWith(github.ref, 'refs/tags/v')");
    const runs = release.steps.map((s) => s.run ?? s.uses ?? "");
    expect(runs.some((r) => r.startsWith("actions/download-artifact@"))).toBe(true);
    expect(runs.some((r) => r.includes("sha256sum"))).toBe(true);
    expect(runs.some((r) => r.startsWith("gh release create") && r.includes("--draft"))).toBe(true);
  });
});
