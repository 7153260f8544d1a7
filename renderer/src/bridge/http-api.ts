/**
 * The contract over the preview bridge (scripts/preview-server.ts): loopback HTTP with a
 * per-run token, and one server-sent event stream for card events and pushed statuses
 * (unnamed messages are AppEvents; `event: status` carries a StatusPush). Never part of
 * the packaged app; there the preload provides `window.pinwarden` over IPC.
 */
import type { AppEvent, PinwardenApi, StatusPush } from "../../contract.js";

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

  // One stream for both kinds of listener, opened with the first and closed with the last.
  const eventListeners = new Set<(event: AppEvent) => void>();
  const statusListeners = new Set<(status: StatusPush) => void>();
  let source: EventSource | null = null;
  let latest: StatusPush | null = null;
  const open = () => {
    if (source) return;
    source = new EventSource(`${base}/api/events?token=${encodeURIComponent(token)}`);
    source.onmessage = (m) => {
      const event = JSON.parse(m.data as string) as AppEvent;
      for (const l of [...eventListeners]) l(event);
    };
    source.addEventListener("status", (m) => {
      latest = JSON.parse((m as MessageEvent<string>).data) as StatusPush;
      for (const l of [...statusListeners]) l(latest);
    });
  };
  const closeIfUnused = () => {
    if (eventListeners.size === 0 && statusListeners.size === 0) {
      source?.close();
      source = null;
      latest = null;
    }
  };

  return {
    info: () => call("info"),
    status: () => call("status"),
    changePin: (request) => call("change-pin", request),
    checkCode: (request) => call("check-code", request),
    unblockPin: (request) => call("unblock-pin", request),
    support: () => call("support"),
    exportDiagnostics: () => call("export-diagnostics", {}),
    subscribe(listener) {
      eventListeners.add(listener);
      open();
      return () => {
        eventListeners.delete(listener);
        closeIfUnused();
      };
    },
    onStatus(listener) {
      statusListeners.add(listener);
      open();
      // The stream sends the latest status on connect; a listener added later gets it too.
      if (latest) listener(latest);
      return () => {
        statusListeners.delete(listener);
        closeIfUnused();
      };
    },
  };
}
