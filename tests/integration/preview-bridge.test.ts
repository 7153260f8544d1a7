/** The preview bridge keeps to itself: loopback, its token, its own Host and Origin, no echo. */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPreview, type Preview } from "../e2e/browser.js";

let preview: Preview;
let base: URL;
let token: string;

beforeAll(async () => {
  preview = await startPreview("", false);
  base = new URL(preview.url);
  token = base.searchParams.get("token")!;
});
afterAll(() => preview?.stop());

function call(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: base.hostname, port: base.port, path, method: options.method ?? "GET", headers: options.headers ?? {} },
      (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("preview bridge", () => {
  it("prints a loopback URL with a token, and serves the renderer", async () => {
    expect(preview.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
    const page = await call("/");
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
  });

  it("refuses calls without the token, from another Host, or from another Origin", async () => {
    expect((await call("/api/status")).status).toBe(401);
    expect((await call("/api/status", { headers: { "x-pinwarden-token": "wrong" } })).status).toBe(401);
    expect((await call("/api/status", { headers: { "x-pinwarden-token": token, host: "evil.example:80" } })).status).toBe(403);
    expect((await call("/api/status", { headers: { "x-pinwarden-token": token, origin: "http://evil.example" } })).status).toBe(403);
    expect((await call("/api/events?token=wrong")).status).toBe(401);
    const ok = await call("/api/status", { headers: { "x-pinwarden-token": token } });
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, value: { card: { profile: "pkcs15" } } });
  });

  it("rejects a malformed request without echoing what it held", async () => {
    const r = await call("/api/change-pin", {
      method: "POST",
      headers: { "x-pinwarden-token": token, "content-type": "application/json" },
      body: JSON.stringify({ pinId: "auth", current: "123456", next: "246810", extra: "975310" }),
    });
    expect(JSON.parse(r.body)).toEqual({ ok: false, error: { code: "REQUEST_REJECTED", support: "PW-499" } });
    expect(r.body).not.toMatch(/123456|246810|975310/);
    const garbage = await call("/api/change-pin", { method: "POST", headers: { "x-pinwarden-token": token }, body: "{not json 123456" });
    expect(garbage.status).toBe(400);
    expect(garbage.body).not.toContain("123456");
  });

  it("changes a PIN on the built-in card, and never sends a code back", async () => {
    const r = await call("/api/change-pin", {
      method: "POST",
      headers: { "x-pinwarden-token": token, "content-type": "application/json" },
      body: JSON.stringify({ pinId: "auth", current: "123456", next: "246810" }),
    });
    expect(JSON.parse(r.body)).toMatchObject({ ok: true });
    expect(r.body).not.toMatch(/123456|246810/);
  });

  it("pushes the status it read over the event stream, at once on connect: the page reads nothing for an event", async () => {
    const first = await new Promise<string>((resolve, reject) => {
      const req = request({ host: base.hostname, port: base.port, path: `/api/events?token=${token}` }, (res) => {
        let body = "";
        res.on("data", (d: Buffer) => {
          body += d;
          const at = body.indexOf("event: status\n");
          const end = body.indexOf("\n\n", at);
          if (at >= 0 && end > at) {
            req.destroy();
            resolve(body.slice(at, end));
          }
        });
      });
      req.on("error", reject);
      req.end();
    });
    const data = JSON.parse(first.split("\ndata: ")[1]!) as { ok: boolean; value: { app: string; applications: { app: string }[] } };
    expect(data).toMatchObject({ ok: true, value: { app: "pkcs15" } });
    expect(data.value.applications.map((a) => a.app)).toEqual(["pkcs15"]);
  });

  it("takes app and using on a request, and refuses an unknown application", async () => {
    const bad = await call("/api/change-pin", {
      method: "POST",
      headers: { "x-pinwarden-token": token, "content-type": "application/json" },
      body: JSON.stringify({ pinId: "sign", current: "654321", next: "135790", app: "gpg" }),
    });
    expect(JSON.parse(bad.body)).toEqual({ ok: false, error: { code: "REQUEST_REJECTED", support: "PW-499" } });
    const ok = await call("/api/change-pin", {
      method: "POST",
      headers: { "x-pinwarden-token": token, "content-type": "application/json" },
      body: JSON.stringify({ pinId: "sign", current: "654321", next: "135790", app: "pkcs15" }),
    });
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, value: { app: "pkcs15" } });
  });
});
