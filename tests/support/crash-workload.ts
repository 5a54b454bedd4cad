import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { apiClient } from "./http-client.js";
import type { ServerFixture } from "./local-server-process.js";
import { address, CATALOGUE } from "./orders.js";
import { until } from "./until.js";
import { waitForProjection } from "./wait-for-projection.js";

/** What the clients were told was stored: only 2xx answers count. */
export interface Acked {
  readonly placed: Set<string>;
  readonly accepted: Set<string>;
  readonly attempted: Set<string>;
  /** stream -> eventId -> version acknowledged */
  readonly raw: Map<string, Map<string, number>>;
}

export function newAcked(): Acked {
  return { placed: new Set(), accepted: new Set(), attempted: new Set(), raw: new Map() };
}

/** Workers place and accept orders and append raw events until the server dies under them. */
export async function loadUntilKilled(
  baseUrl: string,
  round: number,
  acked: Acked,
  stop: { stopped: boolean },
  workers = 16,
): Promise<void> {
  const api = apiClient(baseUrl);
  const worker = async (w: number) => {
    for (let k = 0; !stop.stopped; k++) {
      const orderNumber = `crash-${round}-${w}-${k}`;
      const customerId = 50050 + (k % 5);
      try {
        acked.attempted.add(orderNumber);
        const placed = await api("POST", "/api/orders", {
          orderNumber,
          hubId: 10005,
          customer: { customerId, deliveryAddress: address(w) },
          articles: [{ ...CATALOGUE[k % 5], quantity: 1 + (k % 3) }],
        });
        if (placed.status === 201) acked.placed.add(orderNumber);
        const accept = await api("POST", `/api/orders/${orderNumber}/accept`);
        if (accept.status === 200) acked.accepted.add(orderNumber);
        const stream = `scratch-${w}`;
        const eventId = randomUUID();
        const raw = await api("POST", `/api/streams/${stream}/events`, {
          events: [{ eventId, type: "OrderAccepted", data: { orderNumber: "raw" } }],
        });
        if (raw.status === 201)
          acked.raw.set(stream, (acked.raw.get(stream) ?? new Map<string, number>()).set(eventId, raw.body.lastVersion as number));
      } catch {
        return; // the connection died with the server
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
}

/** Far above what a round needs on a loaded machine; only a server that stopped answering reaches it. */
const ROUND_CAP_MS = 30_000;

/**
 * One crash round: starts the fixture's server, loads it, and SIGKILLs it with requests in
 * flight once it has acknowledged `orders` new orders. The kill waits for acknowledgements,
 * not for a fixed time, which on a loaded machine may pass before anything is stored and so
 * leave nothing to verify; a round that acknowledges fewer fails.
 */
export async function killAfterAcknowledged(
  fixture: ServerFixture,
  round: number,
  orders: number,
  acked: Acked,
  workers?: number,
): Promise<void> {
  const server = await fixture.start();
  const stop = { stopped: false };
  const before = acked.placed.size;
  const load = loadUntilKilled(server.baseUrl, round, acked, stop, workers);
  await until(() => acked.placed.size - before >= orders, ROUND_CAP_MS);
  await fixture.kill();
  stop.stopped = true;
  await load;
  expect(acked.placed.size - before, `orders acknowledged in round ${round} before the kill`).toBeGreaterThanOrEqual(orders);
}

/**
 * After the crashes: every acknowledged append is stored where it was acknowledged, versions
 * have no gap, and once projected every view equals the fold of the stored events.
 */
export async function verifyAfterCrashes(baseUrl: string, acked: Acked): Promise<void> {
  const api = apiClient(baseUrl);
  for (const orderNumber of acked.placed) expect((await api("GET", `/api/orders/${orderNumber}`)).status, orderNumber).toBe(200);
  for (const orderNumber of acked.accepted) expect((await api("GET", `/api/orders/${orderNumber}`)).body.status).toBe("ACCEPTED");
  for (const [stream, events] of acked.raw) {
    const stored = await api("GET", `/api/streams/${stream}/events?maxCount=1000`);
    const storedEvents = stored.body.events as { eventId: string; version: number }[];
    expect(storedEvents.map((e) => e.version)).toEqual(Array.from({ length: stored.body.version as number }, (_, i) => i + 1));
    const byId = new Map(storedEvents.map((e) => [e.eventId, e.version]));
    for (const [eventId, version] of events) expect(byId.get(eventId)).toBe(version);
  }

  await waitForProjection(api, 30_000);
  const perCustomer = new Map<number, string[]>();
  for (const orderNumber of acked.attempted) {
    const state = await api("GET", `/api/orders/${orderNumber}`);
    const view = await api("GET", `/api/views/orders/${orderNumber}`);
    if (state.status === 404) {
      expect(view.status).toBe(404);
      continue;
    }
    const { status, hubId, articles, customer, version } = state.body;
    expect(view.body).toEqual({ orderNumber, status, hubId, articles, customerId: customer.customerId, version });
    perCustomer.set(customer.customerId as number, [...(perCustomer.get(customer.customerId as number) ?? []), orderNumber]);
  }
  for (const [customerId, orders] of perCustomer) {
    const view = await api("GET", `/api/views/customers/${customerId}?limit=1000`);
    expect(view.body.totalOrders).toBe(orders.length);
    const listed = [...(view.body.orders as { orderNumber: string }[])];
    // The view is paged: follow `next` to the last page.
    for (let next = view.body.next as string | null; next !== null;) {
      const page = await api("GET", `/api/views/customers/${customerId}?limit=1000&after=${next}`);
      listed.push(...(page.body.orders as { orderNumber: string }[]));
      next = page.body.next as string | null;
    }
    expect(new Set(listed.map((o) => o.orderNumber))).toEqual(new Set(orders));
  }
  expect((await api("GET", "/api/health")).body.deadLetters).toBe(0);
}
