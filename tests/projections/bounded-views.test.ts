import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedEvent } from "../../functions/src/eventstore/event-store.js";
import type { CosmosTestEndpoint } from "../support/cosmos-test-endpoint.js";
import { CosmosDeadLetters } from "../../functions/src/projections/cosmos/cosmos-dead-letters.js";
import { CosmosViewStore } from "../../functions/src/projections/cosmos/cosmos-view-store.js";
import { projectBatch } from "../../functions/src/projections/projection-engine.js";
import { SqliteProjectionStore } from "../../functions/src/projections/sqlite/sqlite-projection-store.js";
import { REAL_COSMOS, startCosmosTestEndpoint } from "../support/cosmos-test-endpoint.js";
import {
  BOUND_OF_KIND,
  expectTheDayServed,
  kindOfKey,
  largestByKind,
  now,
  oneCustomerOneHubOneDay,
  projectInBatches,
} from "../support/one-customer-day.js";
import { requestedData } from "../support/orders.js";
import { hubDayView } from "./read-views.js";

describe("bounded views: 20,000 orders of one customer at one hub on one day", () => {
  it("on SQLite, no row outgrows its kind's bound, and the largest row is the same size as at 1,000 orders", async () => {
    const largest = async (orders: number) => {
      const store = new SqliteProjectionStore(":memory:");
      await store.inTransaction(() => projectInBatches(oneCustomerOneHubOneDay(orders), store, store, 5000));
      await expectTheDayServed(store, orders);
      const rows = store.dump();
      const byKind = new Map<string, number>();
      for (const [key, body] of rows) {
        const kind = kindOfKey(key);
        byKind.set(kind, Math.max(byKind.get(kind) ?? 0, Buffer.byteLength(body)));
      }
      store.close();
      return byKind;
    };
    const [small, large] = [await largest(1000), await largest(20_000)];
    for (const [kind, bytes] of large) expect(bytes, kind).toBeLessThanOrEqual(BOUND_OF_KIND[kind] ?? 0);
    // Flat: only counters (headers, article totals) gain digits.
    for (const [kind, bytes] of large)
      expect(bytes - (small.get(kind) ?? 0), kind).toBeLessThanOrEqual(
        kind === "customer" || kind === "hub-day" || kind === "hub-day-article" ? 6 : 0,
      );
  }, 120_000);

  it("an order with 100 lines of 200 escaped characters stays within the bounds, and changing all of them takes several commits", async () => {
    const store = new SqliteProjectionStore(":memory:");
    const lines = (tag: string) =>
      Array.from({ length: 100 }, (_, n) => ({
        article: `${tag}${n.toString().padStart(3, "0")}${"\u0001".repeat(196)}`,
        quantity: 10_000,
        price: 1_000_000,
      }));
    const base = { streamId: "order-huge", schemaVersion: 1, metadata: {}, recordedAt: "2026-11-27T12:00:00.000Z" };
    const log: RecordedEvent[] = [
      { ...base, eventId: crypto.randomUUID(), version: 1, type: "OrderRequested", data: requestedData("huge", 50001, 10001, lines("a")) },
      {
        ...base,
        eventId: crypto.randomUUID(),
        version: 2,
        type: "OrderArticlesUpdated",
        data: { orderNumber: "huge", articles: lines("b") },
      },
    ];
    await projectBatch(log.slice(0, 1), { views: store, deadLetters: store, now });
    const outcome = await projectBatch(log.slice(1), { views: store, deadLetters: store, now });
    // 200 article rows move (100 deleted, 100 created): more than one 100-operation commit holds.
    expect(outcome.writes).toBeGreaterThan(200);
    expect(await store.count()).toBe(0);
    for (const [key, body] of store.dump()) expect(Buffer.byteLength(body), key).toBeLessThanOrEqual(BOUND_OF_KIND[kindOfKey(key)] ?? 0);
    const hub = await hubDayView(store, 10001, "2026-11-27");
    expect(Object.keys(hub?.articles ?? {})).toEqual(lines("b").map((l) => l.article));
    store.close();
  });
});

let endpoint: CosmosTestEndpoint;
beforeAll(async () => {
  endpoint = await startCosmosTestEndpoint();
});
afterAll(async () => {
  await endpoint.close();
});

describe(`bounded views on Cosmos DB (${REAL_COSMOS ? "COSMOS_ENDPOINT" : "@vercel/cosmosdb-server in process"})`, () => {
  // What the stand-in cannot show: it applies a batch's operations one by one (a failed
  // operation leaves the earlier ones written), so the atomicity of a group's commit rests on
  // Cosmos DB's TransactionalBatch and on the SQLite adapter's test; and it enforces neither the
  // 2 MB item limit nor request units. It does check the composite index the top list needs.
  // Every request to the in-process stand-in costs about 10 ms on a shared two-core machine, and
  // 20,000 orders take over 40,000 requests: the 20,000-order run is in the reliability suite
  // (tests/reliability/bounded-views-cosmos.test.ts); here the same check runs at 1,000.
  it("1,000 orders: every document within its kind's bound, the views served from headers and pages", async () => {
    const { containers } = await endpoint.createDatabase();
    const views = new CosmosViewStore(containers.views);
    const deadLetters = new CosmosDeadLetters(containers.deadLetters);
    await projectInBatches(oneCustomerOneHubOneDay(1000), views, deadLetters, 500);
    await expectTheDayServed(views, 1000);
    expect(await views.top("customer", 5)).toEqual([{ customerId: 50001, totalOrders: 1000 }]);
    for (const [kind, bytes] of await largestByKind(containers.views)) expect(bytes, kind).toBeLessThanOrEqual(BOUND_OF_KIND[kind] ?? 0);
  }, 120_000);
});
