/**
 * The contract over the preview bridge (scripts/preview-server.ts): loopback HTTP with a
 * per-run token, and server-sent events for card events. Never part of the packaged app;
 * there the preload provides `window.pinwarden` over IPC.
 */
import type { AppEvent, PinwardenApi } from "../../contract.js";

export function createHttpApi(token: string, base = ""): PinwardenApi {
  const call = async <T>(path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}/api/${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "content-type": "application/json", "x-pinwarden-token": token },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`bridge answered ${response.status}`);
    return (await response.json()) as T;
  };
  return {
    info: () => call("info"),
    status: () => call("status"),
    changePin: (request) => call("change-pin", request),
    unblockPin: (request) => call("unblock-pin", request),
    support: () => call("support"),
    exportDiagnostics: () => call("export-diagnostics", {}),
    subscribe(listener) {
      const source = new EventSource(`${base}/api/events?token=${encodeURIComponent(token)}`);
      source.onmessage = (m) => listener(JSON.parse(m.data as string) as AppEvent);
      return () => source.close();
    },
  };
}
