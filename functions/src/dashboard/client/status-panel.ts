import type { CallRecord } from "./api.js";
import { get, onCall } from "./api.js";
import { bodyOf, row, setText } from "./dom.js";

interface Health {
  readonly store: string;
  readonly projection: { readonly lagEvents: number | null; readonly lagMs: number | null };
  readonly deadLetters: number;
}

const CALLS_SHOWN = 8;
const CHARGE_WINDOW_MS = 60_000;

/** Projection lag and dead letters from GET /api/health. */
export function healthPanel(): () => Promise<void> {
  return async () => {
    const health = await get<Health>("/health");
    if (!health) return;
    setText("store-kind", health.store);
    const { lagEvents, lagMs } = health.projection;
    const parts = [lagEvents === null ? undefined : `${lagEvents} events`, lagMs === null ? undefined : `${Math.round(lagMs)} ms`].filter(
      (p) => p !== undefined,
    );
    setText("projection-lag", parts.length === 0 ? "unknown" : parts.join(", "));
    setText("dead-letters", String(health.deadLetters));
  };
}

/** Every call the page makes, with the request units Cosmos DB charged for it (x-request-charge). */
export function chargesPanel(): void {
  const body = bodyOf("charges");
  const recent: CallRecord[] = [];
  onCall((record) => {
    recent.push(record);
    while (recent.length > 0 && (recent[0]?.at ?? 0) < Date.now() - CHARGE_WINDOW_MS) recent.shift();
    const charged = recent.filter((r) => r.requestCharge !== undefined);
    const total = charged.reduce((sum, r) => sum + (r.requestCharge ?? 0), 0);
    setText(
      "request-charge",
      charged.length === 0 ? "none (this store charges no request units)" : `${total.toFixed(1)} RU in the last minute`,
    );
    body.replaceChildren(
      ...recent
        .slice(-CALLS_SHOWN)
        .reverse()
        .map((r) => row(`${r.method} ${r.path}`, r.status, r.requestCharge === undefined ? "–" : r.requestCharge.toFixed(2))),
    );
  });
}
