import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PinwardenError } from "../../native-bridge/core/errors.js";
import { checkNewCodePolicy } from "../../native-bridge/service/rules.js";
import { DEFAULT_RULES, isWeakCode } from "../../contract/rules.js";
import { Secret } from "../../native-bridge/core/secret.js";
import { inspect } from "node:util";

const codes = (t: string) => [...t].map((c) => c.charCodeAt(0));

describe("weak codes", () => {
  it.each(["111111", "000000", "123456", "987654", "234567", "12345678"])("%s is weak", (c) => expect(isWeakCode(codes(c))).toBe(true));
  it.each(["112233", "246810", "135790", "123457", "192837"])("%s is not", (c) => expect(isWeakCode(codes(c))).toBe(false));
});

describe("new-code policy", () => {
  const check = (next: string, current?: string) => {
    try {
      checkNewCodePolicy("pin", Secret.fromString(next), current ? Secret.fromString(current) : undefined, DEFAULT_RULES, "auth");
      return "ok";
    } catch (e) {
      return (e as PinwardenError).code;
    }
  };
  it("gives each bad code its own error", () => {
    expect(check("24681a")).toBe("CODE_NOT_DIGITS");
    expect(check("2468")).toBe("CODE_LENGTH");
    expect(check("246810", "246810")).toBe("CODE_SAME_AS_CURRENT");
    expect(check("999999")).toBe("CODE_WEAK");
    expect(check("246810", "123456")).toBe("ok");
  });

  it("never throws anything but a PinwardenError, and only accepts six digits", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        const r = check(text);
        if (r === "ok") expect(text).toMatch(/^\d{6}$/);
      }),
    );
  });
});

describe("Secret", () => {
  it("never shows its value when printed, serialised or inspected", () => {
    const secret = Secret.fromString("246810");
    expect(String(secret)).toBe("[redacted]");
    expect(JSON.stringify({ secret })).toBe('{"secret":"[redacted]"}');
    expect(inspect(secret)).not.toContain("246810");
    secret.wipe();
    expect(() => secret.bytes()).toThrow();
  });
});
