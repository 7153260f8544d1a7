import { describe, expect, it } from "vitest";
import { serviceOptionsOf } from "../../host/apply-policy.js";
import { defaultPolicy, loadPolicy, policyFilePath, POLICY_KEYS } from "../../host/policy.js";
import { parseRegQuery, registryToPolicy } from "../../host/policy-registry.js";
import { CardService } from "../../native-bridge/service/card-service.js";
import { describeError } from "../../native-bridge/service/error-catalog.js";
import { InProcessReaders } from "../../native-bridge/simulator/in-process-readers.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import { s } from "../shared/family-scenarios.js";

const load = (file: unknown, registry: Record<string, unknown> | null = null) =>
  loadPolicy({
    platform: "linux",
    env: {},
    registry: () => registry,
    readFile: () => (file === undefined ? null : typeof file === "string" ? file : JSON.stringify(file)),
  });

describe("machine policy", () => {
  it("uses the defaults with no registry and no file", () => {
    const p = load(undefined);
    expect(p.policy).toEqual(defaultPolicy());
    expect(p.policy.pin).toEqual({ minLength: 6, maxLength: 6 });
    expect(p.policy.allowChangePuk).toBe(false);
    expect(Object.values(p.sources).every((x) => x === "default")).toBe(true);
    expect(p.problems).toEqual([]);
  });

  it("takes the registry over the file over the defaults, key by key", () => {
    const p = load(
      { organisationName: "Region Skåne", helpdeskPhone: ["intern 30000"], language: "en" },
      { language: "sv", rejectWeakCodes: false },
    );
    expect(p.policy).toMatchObject({
      organisationName: "Region Skåne",
      helpdeskPhone: ["intern 30000"],
      language: "sv",
      rejectWeakCodes: false,
      startAtLogin: true,
    });
    expect(p.sources).toMatchObject({
      organisationName: "file",
      language: "registry",
      rejectWeakCodes: "registry",
      startAtLogin: "default",
    });
  });

  it("falls back value by value when a value is invalid, and says which", () => {
    const p = load(
      {
        pin: { minLength: 8, maxLength: 6 },
        logLevel: "loud",
        helpdeskUrl: "javascript:alert(1)",
        notifications: "yes",
        readerFilter: "OMNIKEY",
        colour: "blue",
      },
      { pin: { minLength: 3, maxLength: 3 } },
    );
    expect(p.policy.pin).toEqual({ minLength: 6, maxLength: 6 });
    expect(p.policy.logLevel).toBe("info");
    expect(p.policy.helpdeskUrl).toBeNull();
    expect(p.policy.notifications).toBe(true);
    expect(p.policy.readerFilter).toBe("OMNIKEY");
    expect(p.problems.map((x) => `${x.source}:${x.key}`).sort()).toEqual(
      ["file:colour", "file:helpdeskUrl", "file:logLevel", "file:notifications", "file:pin", "registry:pin"].sort(),
    );
    expect(p.problems.find((x) => x.key === "colour")!.message).toBe("unknown key, ignored");
  });

  it("reports a file that is not JSON and keeps the defaults", () => {
    const p = load("{ organisationName: ");
    expect(p.problems).toEqual([{ key: "*", source: "file", message: "the file is not valid JSON" }]);
    expect(p.policy).toEqual(defaultPolicy());
  });

  it("looks for the file at the platform's machine-wide place, or PINWARDEN_POLICY", () => {
    expect(policyFilePath("win32", { ProgramData: "C:\\ProgramData" })).toBe("C:\\ProgramData\\Pinwarden\\policy.json");
    expect(policyFilePath("linux", {})).toBe("/etc/pinwarden/policy.json");
    expect(policyFilePath("darwin", {})).toBe("/Library/Application Support/Pinwarden/policy.json");
    expect(policyFilePath("linux", { PINWARDEN_POLICY: "/tmp/p.json" })).toBe("/tmp/p.json");
  });
});

describe("registry", () => {
  const output = [
    "",
    "HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Pinwarden",
    "    organisationName    REG_SZ    Region Skåne",
    "    helpdeskPhone    REG_MULTI_SZ    intern 30000\\0extern 0776-73 00 00",
    "    rejectWeakCodes    REG_DWORD    0x0",
    "    startAtLogin    REG_DWORD    0x1",
    "    language    REG_SZ    sv",
    "    helpdeskUrl    REG_SZ    ",
    "    cardFamilies    REG_MULTI_SZ    pkcs15\\0piv",
    "",
    "HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Pinwarden\\pin",
    "    minLength    REG_DWORD    0x6",
    "    maxLength    REG_DWORD    0x8",
    "",
  ].join("\r\n");

  it("reads what Group Policy writes: strings, DWORDs as numbers and booleans, multi-strings, subkeys", () => {
    const values = registryToPolicy(parseRegQuery(output));
    expect(values).toEqual({
      organisationName: "Region Skåne",
      helpdeskPhone: ["intern 30000", "extern 0776-73 00 00"],
      rejectWeakCodes: false,
      startAtLogin: true,
      language: "sv",
      helpdeskUrl: null,
      cardFamilies: ["pkcs15", "piv"],
      pin: { minLength: 6, maxLength: 8 },
    });
    const p = loadPolicy({ platform: "win32", env: {}, registry: () => values, readFile: () => null });
    expect(p.problems).toEqual([]);
    expect(p.policy.pin).toEqual({ minLength: 6, maxLength: 8 });
    expect(p.sources.cardFamilies).toBe("registry");
  });
});

describe("the card service under policy", () => {
  it("refuses a PIN of the wrong length with the policy's numbers, before the card sees it", async () => {
    const card = new Pkcs15Card();
    const readers = new InProcessReaders(["R"]);
    readers.insert(card);
    const service = new CardService(readers, serviceOptionsOf(load({}).policy));
    const four = await service.changePin("auth", s("123456"), s("2468"));
    expect(four).toMatchObject({ ok: false, error: { code: "CODE_LENGTH", minLength: 6, maxLength: 6 } });
    if (!four.ok) expect(describeError(four.error.code, four.error, "sv")).toBe("Koden ska vara 6 siffror. (PW-403)");

    service.configure(serviceOptionsOf(load({ pin: { minLength: 8, maxLength: 8 } }).policy));
    const six = await service.changePin("auth", s("123456"), s("246810"));
    if (!six.ok) expect(describeError(six.error.code, six.error, "en")).toBe("The code must be 8 digits. (PW-403)");
    expect((await service.changePin("auth", s("123456"), s("24681357"))).ok).toBe(true);
    expect(card.codeOf(0x81)).toBe("24681357");
    expect(card.pins.get(0x81)!.triesLeft).toBe(3);
  });

  it("turns PUK change on and off; card families only order what is shown", async () => {
    const readers = new InProcessReaders(["R"]);
    readers.insert(new Pkcs15Card());
    const service = new CardService(readers, serviceOptionsOf(load({ cardFamilies: ["piv"] }).policy));
    // A family left out of the list is still found: the list orders, it does not hide.
    expect(await service.status()).toMatchObject({ ok: true, value: { app: "pkcs15" } });
    service.configure(serviceOptionsOf(load({}).policy));
    expect(await service.changePin("puk", s("12345678"), s("24681357"))).toMatchObject({
      ok: false,
      error: { code: "OPERATION_NOT_ALLOWED" },
    });
    service.configure(serviceOptionsOf(load({ allowChangePuk: true }).policy));
    expect((await service.changePin("puk", s("12345678"), s("24681357"))).ok).toBe(true);
  });

  it("has a description in both languages for every key", () => {
    for (const [key, spec] of Object.entries(POLICY_KEYS)) {
      expect(spec.sv.length, key).toBeGreaterThan(10);
      expect(spec.en.length, key).toBeGreaterThan(10);
    }
  });
});
