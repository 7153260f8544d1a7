/**
 * Certificates that expire soon (issue 14), in the tray app for real (main entry, preload,
 * renderer on the electron stand-in) with a virtual card behind pcscd whose certificates
 * expire in 30 days (`npm run sim -- --cert-days 30`): the tooltip and the menu say it once
 * the background read is in, one notification comes, and no second one the same day — not
 * after the card is taken out and put back, not after the app starts again. The shipped CLI
 * says the same in `status --json`.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { CERTIFICATE_NOTICES_FILE } from "../../host/certificate-notices.js";
import { Pkcs15Card } from "../../native-bridge/simulator/pkcs15-card.js";
import { pcscBackend, READER_0, vpcdSlot } from "../integration/pcsc-rig.js";
import { shot, startShellApp, until, usePolicy, type ShellApp } from "./rig.js";

let app: ShellApp | undefined;
const slot = vpcdSlot(READER_0);
let policy: ReturnType<typeof usePolicy>;

/** The shipped CLI's status --json on reader 0. */
function cliJson(): Promise<{ certificateWarnings: { codeId: string; daysLeft: number }[] | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["dist/cli/pinwarden.mjs", "status", "--reader", READER_0, "--json"]);
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`the CLI exited ${code}: ${out}`))));
  });
}

const SAID = ["Identification – the certificate expires in 30 days", "Signing – the certificate expires in 30 days"];
const NOTE = `${SAID[0]}. Order a new card in good time.`;

beforeAll(async () => {
  await pcscBackend();
  policy = usePolicy({ readerFilter: READER_0 });
});
afterEach(async () => {
  await app?.quit();
  app = undefined;
  await slot.remove();
});

describe("the tray app and a card whose certificates expire in 30 days", () => {
  it("says it in the tooltip and the menu, notifies once, and not again the same day", async () => {
    const home = mkdtempSync(join(tmpdir(), "pinwarden-shell-home-"));
    await slot.insert(new Pkcs15Card({ certDays: 30 }));
    app = await startShellApp([], "shell-certificates", home);
    const tray = app.tray();
    await until("the warning in the tooltip", () => tray.tooltip === `Pinwarden – card ready · ${SAID[0]}`);
    expect(tray.iconName).toBe("ready-light.png");
    const lines = tray.menuItems().filter((i) => i.id?.startsWith("certificate-"));
    expect(lines.map((i) => [i.label, i.enabled])).toEqual(SAID.map((l) => [l, true]));
    await until("a notification", () => app!.standIn.notifications.length === 1);
    expect(app.standIn.notifications[0]!.body).toBe(NOTE);
    // The day is kept by card serial in the user's data, nothing else.
    const kept = JSON.parse(readFileSync(join(home, "userData", CERTIFICATE_NOTICES_FILE), "utf8")) as Record<string, string>;
    expect(Object.keys(kept)).toEqual(["9752269000004242"]);
    expect(Object.values(kept)[0]).toMatch(/^\d{4}-\d\d-\d\d$/);

    // A click on the menu line opens the status view, which says the same.
    tray.clickItem("certificate-1");
    await until("the window", () => app!.standIn.windows[0]?.visible === true);
    const page = app.window().page!;
    await page.getByText(SAID[1]!).waitFor();
    await shot(app.window(), "certificate-warning");

    // Out and in again: read again (a new insertion), said again in the tray, not notified again.
    await slot.remove();
    await until("no card", () => tray.iconName === "no-card-light.png");
    expect(tray.menuItems().some((i) => i.id?.startsWith("certificate-"))).toBe(false);
    await slot.insert(new Pkcs15Card({ certDays: 30 }));
    await until("the warning again", () => tray.tooltip === `Pinwarden – card ready · ${SAID[0]}`);
    await new Promise((r) => setTimeout(r, 500));
    expect(app.standIn.notifications).toHaveLength(1);

    // A new start the same day: the tray says it, no notification.
    await app.quit();
    app = await startShellApp([], "shell-certificates", home);
    await until("the warning after a restart", () => app!.tray().tooltip === `Pinwarden – card ready · ${SAID[0]}`);
    await new Promise((r) => setTimeout(r, 500));
    expect(app.standIn.notifications).toHaveLength(0);

    // The next day (the kept date is yesterday's): told again.
    await app.quit();
    writeFileSync(join(home, "userData", CERTIFICATE_NOTICES_FILE), JSON.stringify({ "9752269000004242": "2000-01-01" }));
    app = await startShellApp([], "shell-certificates", home);
    await until("a notification the next day", () => app!.standIn.notifications.length === 1);
    expect(app.standIn.notifications[0]!.body).toBe(NOTE);

    // The shipped CLI says the same: status first, then the certificates.
    const cli = await cliJson();
    expect(cli.certificateWarnings?.map((w) => [w.codeId, w.daysLeft])).toEqual([
      ["auth", 30],
      ["sign", 30],
    ]);
  });

  it("says nothing of certificates far from expiry", async () => {
    await slot.insert(new Pkcs15Card());
    app = await startShellApp([], "shell-certificates-none");
    await until("ready", () => app!.tray().iconName === "ready-light.png");
    await new Promise((r) => setTimeout(r, 1000));
    expect(app.tray().tooltip).toBe("Pinwarden – card ready");
    expect(
      app
        .tray()
        .menuItems()
        .some((i) => i.id?.startsWith("certificate-")),
    ).toBe(false);
    expect(app.standIn.notifications).toHaveLength(0);
  });

  it("notifies nobody where policy turns notifications off, and still says it in the tray", async () => {
    policy.write({ readerFilter: READER_0, notifications: false });
    try {
      await slot.insert(new Pkcs15Card({ certDays: 30 }));
      app = await startShellApp([], "shell-certificates-quiet");
      await until("the warning in the tooltip", () => app!.tray().tooltip === `Pinwarden – card ready · ${SAID[0]}`);
      await new Promise((r) => setTimeout(r, 500));
      expect(app.standIn.notifications).toHaveLength(0);
    } finally {
      policy.write({ readerFilter: READER_0 });
    }
  });
});
