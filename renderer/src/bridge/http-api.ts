/**
 * The contract over the preview bridge (scripts/preview-server.ts): loopback HTTP with a
 * per-run token, and one server-sent event stream for card events and pushed statuses
 * (unnamed messages are AppEvents; `event: status` carries a StatusPush). Never part of
 * the packaged app; there the preload provides `window.pinwarden` over IPC.
 */
import type { AppEvent, PinwardenApi, StatusPush } from "../../../contract/api.js";
import { CALL_NAMES, CALLS } from "../../../contract/calls.js";

export function createHttpApi(token: string, base = ""): PinwardenApi {
  const call = async <T>(path: string, method: "GET" | "POST", body?: unknown): Promise<T> => {
    const response = await fetch(`${base}/api/${path}`, {
      method,
      headers: { "content-type": "application/json", "x-pinwarden-token": token },
      ...(method === "POST" ? { body: JSON.stringify(body ?? {}) } : {}),
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

  // Every exposed row of the table of calls: GET without a body, POST with the request (or {}).
  const calls = Object.fromEntries(
    CALL_NAMES.filter((name) => CALLS[name].exposed).map((name) => {
      const { route, method, takesRequest } = CALLS[name];
      return [name, (body?: unknown) => call(route, method, takesRequest ? body : undefined)];
    }),
  ) as unknown as Omit<PinwardenApi, "subscribe" | "onStatus">;

  return {
    ...calls,
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
