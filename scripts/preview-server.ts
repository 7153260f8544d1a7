/**
 * `npm run preview [-- --pcsc | --auto] [--reader-filter NAME] [--no-build]`: the renderer
 * in a browser, on the real handlers and CardService. Default: a virtual PKCS#15 card
 * in-process, so it works on a machine with no reader; `--pcsc` uses pcscd (put a card in
 * with `npm run sim`); `--auto` (`npm run demo`) uses pcscd where a reader holds a card,
 * else the virtual card.
 *
 * The bridge listens on 127.0.0.1 only, answers only requests that carry the per-run
 * token (in the URL at the end of the first line, which also says what the preview runs on), only for its own Host and Origin, and is
 * never part of the packaged app.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { createReadStream, existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve } from "node:path";
import { parseArgs } from "node:util";
import { build } from "vite";
import { CALL_NAMES, CALLS } from "../contract/calls.js";
import { createHandlers, createStatusFeed, subscribeCardEvents } from "../host/handlers.js";
import { warningDays } from "../native-bridge/certs/index.js";
import { PcscReaders } from "../native-bridge/pcsc/pcsc-readers.js";
import type { ReaderBackend } from "../native-bridge/pcsc/types.js";
import { CardService } from "../native-bridge/service/card-service.js";
import { rulesOf, serviceOptionsOf } from "../host/apply-policy.js";
import { loadPolicy } from "../host/policy.js";
import { supportProvider } from "../host/support.js";
import { defaultLogDirectory } from "../host/logging.js";
import type { ReportSources } from "../host/support-report.js";
import type { AuditEvent } from "../native-bridge/service/types.js";
import { createCard } from "../native-bridge/simulator/cards.js";
import { InProcessReaders } from "../native-bridge/simulator/in-process-readers.js";
import type { AppInfo } from "../contract/api.js";

const { values } = parseArgs({
  options: {
    pcsc: { type: "boolean", default: false },
    auto: { type: "boolean", default: false },
    build: { type: "boolean", default: true },
    port: { type: "string" },
    "reader-filter": { type: "string" },
  },
  allowNegative: true,
});

const HOST = "127.0.0.1";
const PORT = Number(values.port ?? process.env.PORT ?? 5178);
// The port listened on: PORT, or the one the system gave for `--port 0`.
let port = PORT;
// Each run builds into a directory of its own, so two previews (tests) never race on one.
const ROOT = values.build ? mkdtempSync(join(tmpdir(), "pinwarden-renderer-")) : resolve(import.meta.dirname, "../dist/renderer");
const MAX_BODY = 4096;
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

const token = randomBytes(24).toString("base64url");
const tokenBytes = Buffer.from(token);

if (values.build) {
  await build({
    configFile: resolve(import.meta.dirname, "../renderer/vite.config.ts"),
    logLevel: "warn",
    build: { outDir: ROOT, emptyOutDir: true },
  });
}
if (!existsSync(join(ROOT, "index.html"))) {
  process.stderr.write("no renderer build in dist/renderer: run `npm run build:renderer`, or drop --no-build\n");
  process.exit(1);
}

/** Which backend the preview uses, in words for its first line. */
async function pickBackend(): Promise<{ backend: ReaderBackend; real: boolean; what: string }> {
  if (values.pcsc || values.auto) {
    const pcsc = new PcscReaders(values["reader-filter"] ? { readerFilter: values["reader-filter"] } : {});
    await pcsc.ready();
    const withCard = pcsc.readers().find((r) => r.cardPresent);
    if (values.pcsc)
      return { backend: pcsc, real: true, what: withCard ? `the card in ${withCard.name}` : "the PC/SC service (no card yet)" };
    // --auto: a reader is worth using only with a card in it. An empty one (vpcd's virtual
    // readers wait for a card that a test puts in) would show "no card" instead of the demo.
    if (withCard) return { backend: pcsc, real: true, what: `the card in ${withCard.name}` };
    // With the service down the binding holds nothing, so closing cannot block; with it up,
    // closing can block joining the binding's threads, so it is left to the process's end.
    if (!pcsc.serviceAvailable) await pcsc.close();
  }
  const demo = new InProcessReaders(["Pinwarden Demo Reader"]);
  demo.insert(createCard("pkcs15"));
  return { backend: demo, real: false, what: `the built-in virtual card${values.auto ? " (no reader holds a card)" : ""}` };
}

const { backend, real, what } = await pickBackend();
// Machine policy applies here too (PINWARDEN_POLICY=FILE to pilot one); the demo card shows
// an example helpdesk number where policy sets none.
const loaded = loadPolicy();
const { policy } = loaded;
let onAudit: (e: AuditEvent) => void = () => undefined;
const service = new CardService(backend, { ...serviceOptionsOf(policy), audit: (e) => onAudit(e) });
const info = (): AppInfo => ({
  rules: rulesOf(policy),
  helpdeskPhone: policy.helpdeskPhone.length || real ? policy.helpdeskPhone : ["intern 30000"],
  organisationName: policy.organisationName ?? (real ? null : "Pinwarden demo"),
  language: policy.language,
  pukHelp: policy.pukHelp,
});
// The report names the same log directory as the app and the CLI would; diagnostics exports
// go to a temporary directory of the preview's own.
const workDir = mkdtempSync(join(tmpdir(), "pinwarden-preview-"));
const logDirectory = policy.logDirectory || defaultLogDirectory();
let lastOperation: ReportSources["lastOperation"] = null;
const support = supportProvider(
  () => ({ backend, service, policy: loaded, logDirectory, lastOperation, certificateWarnings: feedWarnings }),
  () => workDir,
);
// As in the app: one status read per card event, pushed to every open page; the certificates
// once per insertion, in the background after it (issue 14).
const feed = createStatusFeed(service, backend, { certificateWarningDays: () => warningDays(policy) });
function feedWarnings() {
  const latest = feed.latest();
  return latest?.ok ? (latest.value.certificateWarnings ?? null) : null;
}
const handlers = createHandlers(service, info, support, { feed });
await feed.refresh();
onAudit = (e) => (lastOperation = { ...e, at: new Date().toISOString() });

function tokenOk(candidate: string | undefined): boolean {
  const b = Buffer.from(candidate ?? "");
  return b.length === tokenBytes.length && timingSafeEqual(b, tokenBytes);
}

/** Host and Origin must name this server: no other page (or DNS rebinding) gets in. */
function sameOrigin(req: IncomingMessage): boolean {
  const allowed = [`${HOST}:${port}`, `localhost:${port}`];
  if (!allowed.includes(req.headers.host ?? "")) return false;
  const origin = req.headers.origin;
  return origin === undefined || allowed.some((a) => origin === `http://${a}`);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error("body too large");
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  try {
    return JSON.parse(body.toString("utf8"));
  } finally {
    body.fill(0);
    for (const c of chunks) c.fill(0);
  }
}

function serveStatic(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", `http://${HOST}`);
  const path = normalize(join(ROOT, url.pathname === "/" ? "index.html" : url.pathname));
  if (!path.startsWith(ROOT) || !existsSync(path) || !statSync(path).isFile()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream", "x-content-type-options": "nosniff" });
  createReadStream(path).pipe(res);
}

const server = createServer((req, res) => {
  void (async () => {
    if (!sameOrigin(req)) return void res.writeHead(403).end();
    const url = new URL(req.url ?? "/", `http://${HOST}`);
    if (!url.pathname.startsWith("/api/")) return serveStatic(req, res);
    const route = url.pathname.slice(5);
    if (route === "events") {
      if (!tokenOk(url.searchParams.get("token") ?? undefined)) return void res.writeHead(401).end();
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
      res.write(": connected\n\n");
      const pushStatus = (s: unknown) => res.write(`event: status\ndata: ${JSON.stringify(s)}\n\n`);
      const latest = feed.latest();
      if (latest) pushStatus(latest);
      const offEvents = subscribeCardEvents(backend, (e) => res.write(`data: ${JSON.stringify(e)}\n\n`));
      const offStatus = feed.on(pushStatus);
      req.on("close", () => {
        offEvents();
        offStatus();
      });
      return;
    }
    if (!tokenOk(req.headers["x-pinwarden-token"] as string | undefined)) return send(res, 401, { error: "token" });
    try {
      // The table of calls (contract/calls.ts): its route and method; a request body only where it takes one.
      // Only the page's calls: `latest-status` is the preload's own (here the event stream sends it).
      const name = CALL_NAMES.find((n) => CALLS[n].exposed && CALLS[n].route === route && CALLS[n].method === req.method);
      if (name) return send(res, 200, await handlers[name](CALLS[name].takesRequest ? await readJson(req) : undefined));
      return send(res, 404, { error: "no such route" });
    } catch {
      // Never echo what came in: it may hold a code.
      return send(res, 400, { error: "bad request" });
    }
  })();
});

server.on("error", (error: NodeJS.ErrnoException) => {
  process.stderr.write(error.code === "EADDRINUSE" ? `port ${PORT} is in use: set PORT to another one\n` : `preview: ${error.message}\n`);
  process.exit(1);
});
server.listen(PORT, HOST, () => {
  port = (server.address() as AddressInfo).port;
  // The first line: what the preview runs on, and the URL to open (tests read it from here).
  process.stdout.write(`Pinwarden on ${what}: http://${HOST}:${port}/?token=${token}\n`);
  process.stdout.write("Open that address in a browser; Ctrl-C to stop.\n");
});
