import { describe, expect, it } from "vitest";
import type { RecordedEvent } from "../../functions/src/eventstore/event-store.js";
import type { CustomerOrdersDoc } from "../../functions/src/projections/customer-orders.js";
import type { HubDayDoc } from "../../functions/src/projections/hub-day.js";
import type { OrderSummaryDoc } from "../../functions/src/projections/order-summary.js";
import type { StoredView, ViewWrite } from "../../functions/src/projections/view-store.js";
import { customerResponse } from "../../functions/src/projections/customer-orders.js";
import { hubDayResponse } from "../../functions/src/projections/hub-day.js";
import { orderSummaryResponse } from "../../functions/src/projections/order-summary.js";
import { projectBatch } from "../../functions/src/projections/projection-engine.js";
import { SqliteViewStore } from "../../functions/src/projections/sqlite/sqlite-view-store.js";
import { viewKeys } from "../../functions/src/projections/view-keys.js";
import { requestedData } from "../support/orders.js";

const now = () => new Date("2030-01-01T00:00:00.000Z");
let position = 0;
function recorded(orderNumber: string, version: number, type: string, data: object, recordedAt = "2026-11-27T09:00:00.000Z"): RecordedEvent {
  position++;
  return { eventId: `00000000-0000-4000-8000-${position.toString().padStart(12, "0")}`, streamId: `order-${orderNumber}`, version, type, schemaVersion: 1, data: { orderNumber, ...data }, metadata: {}, recordedAt };
}

async function view<T>(store: SqliteViewStore, key: string): Promise<T | undefined> {
  return (await store.get<T>(key))?.value;
}

describe("projection engine", () => {
  it("given a requested, updated and cancelled order and a delivered one, the views are exact", async () => {
    const store = new SqliteViewStore(":memory:");
    const a = requestedData("a", 50001, 10001, [
      { article: "Mojito", quantity: 2, price: 7.5, currency: "EUR" },
      { article: "Club-Mate", quantity: 1, price: 3.2, currency: "EUR" },
    ]);
    const b = requestedData("b", 50001, 10001, [{ article: "Mojito", quantity: 3, price: 7.5, currency: "EUR" }]);
    const c = requestedData("c", 50002, 10001, [{ article: "Fanta Orange", quantity: 4, price: 2.5, currency: "EUR" }]);
    await projectBatch(
      [
        recorded("b", 1, "OrderRequested", b, "2026-11-27T09:30:00.000Z"),
        recorded("a", 1, "OrderRequested", a, "2026-11-27T09:00:00.000Z"),
        recorded("c", 1, "OrderRequested", c, "2026-11-27T23:59:59.999Z"),
        recorded("a", 2, "OrderAccepted", {}),
        recorded("a", 3, "OrderArticlesUpdated", { articles: [{ article: "Mojito", quantity: 5, price: 7.5, currency: "EUR" }] }),
        recorded("b", 2, "OrderCancelled", {}),
      ],
      { views: store, deadLetters: store, now },
    );
    await projectBatch(
      [
        recorded("c", 2, "OrderAccepted", {}),
        recorded("c", 3, "OrderPickingStarted", { pickingStartTime: "2026-11-28T08:00:00.000Z" }),
        recorded("c", 4, "OrderOutForDelivery", { pickingEndTime: "2026-11-28T08:10:00.000Z" }),
        recorded("c", 5, "OrderDelivered", { deliveredTime: "2026-11-28T09:00:00.000Z" }),
      ],
      { views: store, deadLetters: store, now },
    );

    const customer = await view<CustomerOrdersDoc>(store, viewKeys.customer(50001));
    expect(customer && customerResponse(customer)).toEqual({
      customerId: 50001,
      totalOrders: 2,
      orders: [
        { orderNumber: "a", status: "ACCEPTED", articles: [{ article: "Mojito", quantity: 5, price: 7.5, currency: "EUR" }] },
        { orderNumber: "b", status: "CANCELLED", articles: b.articles },
      ],
    });
    const hub = await view<HubDayDoc>(store, viewKeys.hubDay(10001, "2026-11-27"));
    expect(hub && hubDayResponse(hub)).toEqual({
      hubId: 10001,
      day: "2026-11-27",
      ordersRequested: 3,
      ordersCancelled: 1,
      ordersDelivered: 1,
      articles: { Mojito: 5, "Fanta Orange": 4 },
    });
    const summary = await view<OrderSummaryDoc>(store, viewKeys.order("c"));
    expect(summary && orderSummaryResponse(summary)).toEqual({ orderNumber: "c", status: "DELIVERED", customerId: 50002, hubId: 10001, articles: c.articles, version: 5 });
    expect(await store.top(("customer"), 10)).toHaveLength(2);
  });

  it("dead-letters a poison event with its reason and still projects later events", async () => {
    const store = new SqliteViewStore(":memory:");
    const outcome = await projectBatch(
      [
        recorded("p", 1, "OrderAccepted", {}),
        recorded("p", 2, "OrderRequested", requestedData("p")),
        recorded("p", 3, "OrderAccepted", {}),
        recorded("q", 1, "OrderRequested", { ...requestedData("q"), orderNumber: "not-q" }),
      ],
      { views: store, deadLetters: store, now },
    );
    expect(outcome).toMatchObject({ applied: 2, deadLettered: 2 });
    const letters = await store.list(10);
    expect(letters.map((l) => [l.event.streamId, l.event.version, l.reason])).toEqual([
      ["order-p", 1, "OrderAccepted for order p, which was never requested"],
      ["order-q", 1, "OrderRequested names order not-q but is stored in stream order-q"],
    ]);
    expect(letters[0]?.failedAt).toBe("2030-01-01T00:00:00.000Z");
    const summary = await view<OrderSummaryDoc>(store, viewKeys.order("p"));
    expect(summary?.order?.status).toBe("ACCEPTED");
    expect(summary?.version).toBe(3);
    // Redelivery does not add the letters again.
    await projectBatch([recorded("p", 1, "OrderAccepted", {})], { views: store, deadLetters: store, now });
    expect(await store.count()).toBe(2);
  });

  it("ignores streams that are not order streams, and counts them", async () => {
    const store = new SqliteViewStore(":memory:");
    const event = { ...recorded("x", 1, "OrderAccepted", {}), streamId: "scratch-1" };
    expect(await projectBatch([event], { views: store, deadLetters: store, now })).toMatchObject({ ignored: 1, applied: 0 });
    expect(store.dump().size).toBe(0);
  });

  it("fills a gap from the event store rather than skipping missing versions", async () => {
    const store = new SqliteViewStore(":memory:");
    const first = recorded("g", 1, "OrderRequested", requestedData("g"));
    const second = recorded("g", 2, "OrderAccepted", {});
    const third = recorded("g", 3, "OrderCancelled", {});
    const events = { read: () => Promise.resolve({ version: 3, events: [second] }) };
    await projectBatch([first], { views: store, deadLetters: store, now });
    await projectBatch([third], { views: store, deadLetters: store, now, events });
    expect((await view<OrderSummaryDoc>(store, viewKeys.order("g")))?.version).toBe(3);
    await expect(projectBatch([recorded("h", 2, "OrderAccepted", {})], { views: store, deadLetters: store, now })).rejects.toThrow(/missing versions 1..1/);
  });

  it("two projector instances racing on the same documents both land, with 412s retried", async () => {
    const store = new SqliteViewStore(":memory:");
    let conflicts = 0;
    // Interleave the two instances: every read yields, so both read before either writes.
    const racing = {
      kind: "racing",
      async get<T>(key: string): Promise<StoredView<T> | undefined> {
        const value = await store.get<T>(key);
        await new Promise((resolve) => setImmediate(resolve));
        return value;
      },
      async put(write: ViewWrite, etag: string | undefined): Promise<string> {
        try {
          return await store.put(write, etag);
        } catch (error) {
          conflicts++;
          throw error;
        }
      },
      top: store.top.bind(store),
    };
    // A lease handoff can deliver r1 to both instances; r2 shares r1's customer and hub documents.
    const r1 = recorded("r1", 1, "OrderRequested", requestedData("r1", 50009, 10009));
    const one = [r1];
    const two = [recorded("r2", 1, "OrderRequested", requestedData("r2", 50009, 10009)), r1];
    await Promise.all([projectBatch(one, { views: racing, deadLetters: store, now }), projectBatch(two, { views: racing, deadLetters: store, now })]);
    expect(conflicts).toBeGreaterThan(0);
    const customer = await view<CustomerOrdersDoc>(store, viewKeys.customer(50009));
    expect(customer?.orders.map((o) => [o.orderNumber, o.status])).toEqual([
      ["r1", "REQUESTED"],
      ["r2", "REQUESTED"],
    ]);
    expect((await view<HubDayDoc>(store, viewKeys.hubDay(10009, "2026-11-27")))?.ordersRequested).toBe(2);
  });

  it("writes nothing more once a batch has failed: no straggler can land after a rollback", async () => {
    const store = new SqliteViewStore(":memory:");
    let rejected = false;
    let writesAfterRejection = 0;
    const slow = {
      kind: "slow",
      get: <T,>(key: string) => store.get<T>(key),
      async put(write: ViewWrite, etag: string | undefined): Promise<string> {
        await new Promise((r) => setTimeout(r, write.key === "order:s0" ? 1 : 20));
        if (write.key === "order:s0") throw new Error("disk unavailable");
        if (rejected) writesAfterRejection++;
        return store.put(write, etag);
      },
      top: store.top.bind(store),
    };
    const batch = Array.from({ length: 8 }, (_, n) => recorded(`s${n}`, 1, "OrderRequested", requestedData(`s${n}`, 50100 + n, 10100 + n)));
    await expect(projectBatch(batch, { views: slow, deadLetters: store, now, concurrency: 4 })).rejects.toThrow("disk unavailable");
    rejected = true;
    await new Promise((r) => setTimeout(r, 100));
    expect(writesAfterRejection).toBe(0);
  });
});
