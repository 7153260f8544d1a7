/** Codes fed through every logger path never reach the log file. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLogger, LOG_FILE } from "../../host/logging.js";
import { PinwardenError } from "../../native-bridge/core/errors.js";
import { Secret } from "../../native-bridge/core/secret.js";

const CODES = ["123456", "246810", "12345678", "87654321", "4711", "135790246810"];

async function logAndRead(write: (log: ReturnType<typeof createLogger>) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "pinwarden-log-"));
  const log = createLogger({ directory: dir, level: "debug" });
  write(log);
  await new Promise<void>((resolve) => {
    log.on("finish", () => resolve());
    log.end();
  });
  await new Promise((r) => setTimeout(r, 50));
  return readFileSync(join(dir, LOG_FILE), "utf8");
}

describe("redacting logger", () => {
  it("keeps every code out of the file, whatever path it takes", async () => {
    const text = await logAndRead((log) => {
      for (const code of CODES) {
        log.info(`user typed ${code} by mistake`);
        log.warn("fields", { pin: code, puk: code, current: code, next: code, newPin: code, oldPin: code, confirm: code });
        log.error("nested", { request: { body: { current: code }, payload: code, deep: [{ next: code }] } });
        log.debug("secret objects", { value: Secret.fromString(code), raw: Buffer.from(code), again: Secret.fromString(code) });
        log.info("free text in a field", { note: `the code was ${code}`, list: [`${code}`] });
        log.error("an error", { error: new Error(`failed with ${code}`).message });
        log.child({ component: "ipc" }).info(`child ${code}`, { pin: code });
        log.log("info", `level form ${code}`);
      }
    });
    expect(text.length).toBeGreaterThan(1000);
    for (const code of CODES) expect(text, code).not.toContain(code);
    expect(text).toContain("[redacted]");
  });

  it("keeps what support needs: audit lines with code id, reader, serial, result and tries", async () => {
    const text = await logAndRead((log) => {
      log.info("audit", {
        operation: "changePin",
        codeId: "auth",
        reader: "Virtual PCD 00 00",
        serial: "9752269000004242",
        result: "PIN_WRONG",
        triesLeft: 2,
      });
      log.warn("card error", { error: new PinwardenError("CARD_UNSUPPORTED", { atr: "3B8D800150494E57415244454E2D50313529" }).toJSON() });
    });
    const [audit, warn] = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(audit).toMatchObject({
      message: "audit",
      operation: "changePin",
      codeId: "auth",
      reader: "Virtual PCD 00 00",
      serial: "9752269000004242",
      result: "PIN_WRONG",
      triesLeft: 2,
      level: "info",
    });
    expect(warn).toMatchObject({ error: { code: "CARD_UNSUPPORTED", atr: "3B8D800150494E57415244454E2D50313529" } });
  });
});
