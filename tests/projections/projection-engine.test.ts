import { describe, expect, it } from "vitest";
import type { RecordedEvent } from "../../functions/src/eventstore/event-store.js";
import type { ViewOp, ViewStore } from "../../functions/src/projections/view-store.js";
import { projectBatch, projectChunks } from "../../functions/src/projections/projection-engine.js";
import { ViewWriteConflictError } from "../../functions/src/projections/view-store.js";
import { SQLITE_MAX_OPS_PER_COMMIT, SqliteProjectionStore } from "../../functions/src/projections/sqlite/sqlite-projection-store.js";
import { requestedData } from "../support/orders.js";
import { customerView, hubDayView, orderSummary, orderView } from "./read-views.js";

const now = () => new Date("2030-01-01T00:00:00.000Z");
let position = 0;
function recorded(
  orderNumber: string,
  version: number,
  type: string,
  data: object,
  recordedAt = "2026-11-27T09:00:00.000Z",
): RecordedEvent {
  position++;
  return {
    eventId: `00000000-0000-4000-8000-${position.toString().padStart(12, "0")}`,
    streamId: `order-${orderNumber}`,
    version,
    type,
    schemaVersion: 1,
    data: { orderNumber, ...data },
    metadata: {},
    recordedAt,
  };
}

/** The store with each call passing through `wrap`, for instrumented or faulty doubles. */
function around(store: SqliteProjectionStore, wrap: { commit?: ViewStore["commit"]; read?: ViewStore["read"] }): ViewStore {
  return {
    kind: "wrapped",
    maxOpsPerCommit: store.maxOpsPerCommit,
    read: wrap.read ?? ((group, ids) => store.read(group, ids)),
    commit: wrap.commit ?? ((group, ops) => store.commit(group, ops)),
    page: (group, after, limit) => store.page(group, after, limit),
    top: (kind, limit) => store.top(kind, limit),
  };
}

describe("projection engine", () => {
  it("given a requested, updated and cancelled order and a delivered one, the views are exact", async () => {
    const store = new SqliteProjectionStore(":memory:");
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

    expect(await customerView(store, 50001)).toEqual({
      customerId: 50001,
      totalOrders: 2,
      orders: [
        { orderNumber: "a", status: "ACCEPTED", articles: [{ article: "Mojito", quantity: 5, price: 7.5, currency: "EUR" }] },
        { orderNumber: "b", status: "CANCELLED", articles: b.articles },
      ],
      next: null,
    });
    expect(await hubDayView(store, 10001, "2026-11-27")).toEqual({
      hubId: 10001,
      day: "2026-11-27",
      ordersRequested: 3,
      ordersCancelled: 1,
      ordersDelivered: 1,
      articles: { Mojito: 5, "Fanta Orange": 4 },
    });
    expect(await orderView(store, "c")).toEqual({
      orderNumber: "c",
      status: "DELIVERED",
      customerId: 50002,
      hubId: 10001,
      articles: c.articles,
      version: 5,
    });
    expect(await store.top("customer", 10)).toHaveLength(2);
  });

  it("dead-letters a poison event with its reason and still projects later events", async () => {
    const store = new SqliteProjectionStore(":memory:");
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
    const summary = await orderSummary(store, "p");
    expect(summary?.order?.status).toBe("ACCEPTED");
    expect(summary?.version).toBe(3);
    // Redelivery does not add the letters again.
    await projectBatch([recorded("p", 1, "OrderAccepted", {})], { views: store, deadLetters: store, now });
    expect(await store.count()).toBe(2);
  });

  it("ignores streams that are not order streams, and counts them", async () => {
    const store = new SqliteProjectionStore(":memory:");
    const event = { ...recorded("x", 1, "OrderAccepted", {}), streamId: "scratch-1" };
    expect(await projectBatch([event], { views: store, deadLetters: store, now })).toMatchObject({ ignored: 1, applied: 0 });
    expect(store.dump().size).toBe(0);
  });

  it("fills a gap from the event store rather than skipping missing versions", async () => {
    const store = new SqliteProjectionStore(":memory:");
    const first = recorded("g", 1, "OrderRequested", requestedData("g"));
    const second = recorded("g", 2, "OrderAccepted", {});
    const third = recorded("g", 3, "OrderCancelled", {});
    const events = { read: () => Promise.resolve({ version: 3, events: [second] }) };
    await projectBatch([first], { views: store, deadLetters: store, now });
    await projectBatch([third], { views: store, deadLetters: store, now, events });
    expect((await orderSummary(store, "g"))?.version).toBe(3);
    await expect(projectBatch([recorded("h", 2, "OrderAccepted", {})], { views: store, deadLetters: store, now })).rejects.toThrow(
      /missing versions 1..1/,
    );
  });

  it("fills a gap after events already folded in the batch, and after a dead-lettered one, counting each event once", async () => {
    const store = new SqliteProjectionStore(":memory:");
    const v1 = recorded("k", 1, "OrderRequested", requestedData("k"));
    const v2 = recorded("k", 2, "OrderAccepted", {});
    const v3 = recorded("k", 3, "OrderPickingStarted", { pickingStartTime: "2026-11-27T10:00:00.000Z" });
    const served = (missing: RecordedEvent) => ({ read: () => Promise.resolve({ version: 4, events: [missing] }) });
    expect(await projectBatch([v1, v3], { views: store, deadLetters: store, now, events: served(v2) })).toMatchObject({
      applied: 3,
      duplicates: 0,
      deadLettered: 0,
    });
    expect(await orderSummary(store, "k")).toMatchObject({ version: 3, order: { status: "PICKING" } });

    const other = new SqliteProjectionStore(":memory:");
    const poison = recorded("k", 2, "OrderRequested", requestedData("k"));
    const v4 = recorded("k", 4, "OrderPickingStarted", { pickingStartTime: "2026-11-27T10:00:00.000Z" });
    const accepted = recorded("k", 3, "OrderAccepted", {});
    expect(await projectBatch([v1, poison, v4], { views: other, deadLetters: other, now, events: served(accepted) })).toMatchObject({
      applied: 3,
      duplicates: 0,
      deadLettered: 1,
    });
    expect(await orderSummary(other, "k")).toMatchObject({ version: 4, order: { status: "PICKING" } });
  });

  it("plans to the SQLite store's own limit, above Cosmos DB's 100", async () => {
    const orders = Array.from({ length: 150 }, (_, n) =>
      recorded(`big-${n}`, 1, "OrderRequested", requestedData(`big-${n}`, 50400, 10400)),
    );
    const customerCommits = async (maxOpsPerCommit?: number) => {
      const store = new SqliteProjectionStore(":memory:");
      const sizes: number[] = [];
      const counted = around(store, {
        commit(group, ops) {
          if (group.startsWith("customer:")) sizes.push(ops.length);
          return store.commit(group, ops);
        },
      });
      await projectBatch(orders, { views: counted, deadLetters: store, now, ...(maxOpsPerCommit ? { maxOpsPerCommit } : {}) });
      return sizes;
    };
    expect(await customerCommits(101)).toEqual([101, 51]);
    // By default, the header and all 150 entries in one commit.
    expect(await customerCommits()).toEqual([151]);
  });

  it("two projector instances racing on the same groups both land, with conflicts retried", async () => {
    const store = new SqliteProjectionStore(":memory:");
    let conflicts = 0;
    // Interleave the two instances: every read yields, so both read before either writes.
    const racing = around(store, {
      async read<T>(group: string, ids: readonly string[]) {
        const rows = await store.read<T>(group, ids);
        await new Promise((resolve) => setImmediate(resolve));
        return rows;
      },
      async commit(group, ops) {
        try {
          return await store.commit(group, ops);
        } catch (error) {
          conflicts++;
          throw error;
        }
      },
    });
    // A lease handoff can deliver r1 to both instances; r2 shares r1's customer and hub-day.
    const r1 = recorded("r1", 1, "OrderRequested", requestedData("r1", 50009, 10009));
    const one = [r1];
    const two = [recorded("r2", 1, "OrderRequested", requestedData("r2", 50009, 10009)), r1];
    await Promise.all([
      projectBatch(one, { views: racing, deadLetters: store, now }),
      projectBatch(two, { views: racing, deadLetters: store, now }),
    ]);
    expect(conflicts).toBeGreaterThan(0);
    expect((await customerView(store, 50009))?.orders.map((o) => [o.orderNumber, o.status])).toEqual([
      ["r1", "REQUESTED"],
      ["r2", "REQUESTED"],
    ]);
    expect((await customerView(store, 50009))?.totalOrders).toBe(2);
    expect(await hubDayView(store, 10009, "2026-11-27")).toMatchObject({ ordersRequested: 2, articles: { Mojito: 4 } });
  });

  it("writes nothing more once a batch has failed: no straggler can land after a rollback", async () => {
    const store = new SqliteProjectionStore(":memory:");
    let rejected = false;
    let writesAfterRejection = 0;
    let inFlight = 0;
    const slow = around(store, {
      async commit(group: string, ops: readonly ViewOp[]) {
        inFlight++;
        try {
          await new Promise((r) => setTimeout(r, group === "customer:0000000000050100" ? 1 : 20));
          if (group === "customer:0000000000050100") throw new Error("disk unavailable");
          if (rejected) writesAfterRejection++;
          return await store.commit(group, ops);
        } finally {
          inFlight--;
        }
      },
    });
    const batch = Array.from({ length: 8 }, (_, n) => recorded(`s${n}`, 1, "OrderRequested", requestedData(`s${n}`, 50100 + n, 10100 + n)));
    await expect(projectBatch(batch, { views: slow, deadLetters: store, now, concurrency: 4 })).rejects.toThrow("disk unavailable");
    rejected = true;
    // Settled before the rejection: nothing of the batch is still on its way to the store.
    expect(inFlight).toBe(0);
    // Nor is anything started later (the slowest commit waits 20 ms).
    await new Promise((r) => setTimeout(r, 50));
    expect(writesAfterRejection).toBe(0);
  });

  it("counts each event once when a summary write loses a race and its stream is projected again", async () => {
    const store = new SqliteProjectionStore(":memory:");
    // The first summary write of each listed order loses; for "w" another instance wrote the same summary first.
    const losing = new Set(["order:x", "order:d", "order:w"]);
    const racing = around(store, {
      async commit(group, ops) {
        if (!losing.delete(group)) return store.commit(group, ops);
        if (group === "order:w") await store.commit(group, ops);
        throw new ViewWriteConflictError(group);
      },
    });
    const poison = await projectBatch(
      [
        recorded("x", 1, "OrderRequested", requestedData("x")),
        recorded("x", 2, "OrderAccepted", {}),
        recorded("x", 3, "OrderRequested", requestedData("x")),
      ],
      { views: racing, deadLetters: store, now },
    );
    expect(poison).toMatchObject({ applied: 2, deadLettered: 1, duplicates: 0 });
    expect(await store.count()).toBe(1);

    await projectBatch([recorded("d", 1, "OrderRequested", requestedData("d"))], { views: store, deadLetters: store, now });
    const redelivered = [recorded("d", 1, "OrderRequested", requestedData("d")), recorded("d", 2, "OrderAccepted", {})];
    expect(await projectBatch(redelivered, { views: racing, deadLetters: store, now })).toMatchObject({ applied: 1, duplicates: 1 });

    // The winner applied both events: they are neither this batch's work nor duplicates it was sent.
    const won = [recorded("w", 1, "OrderRequested", requestedData("w")), recorded("w", 2, "OrderAccepted", {})];
    expect(await projectBatch(won, { views: racing, deadLetters: store, now })).toMatchObject({ applied: 0, duplicates: 0 });
    expect((await orderSummary(store, "w"))?.order?.status).toBe("ACCEPTED");
    expect(losing.size).toBe(0);
  });

  it("in chunks, folds a stream across chunks into one summary write, and fails the batch if a summary write loses a race", async () => {
    const store = new SqliteProjectionStore(":memory:");
    const summaryWrites: string[] = [];
    const counting = around(store, {
      commit(group, ops) {
        if (group.startsWith("order:")) summaryWrites.push(group);
        return store.commit(group, ops);
      },
    });
    async function* chunks(...parts: RecordedEvent[][]) {
      for (const part of parts) {
        await Promise.resolve();
        yield part;
      }
    }
    const outcome = await projectChunks(
      chunks(
        [recorded("c1", 1, "OrderRequested", requestedData("c1")), recorded("c2", 1, "OrderRequested", requestedData("c2"))],
        [
          recorded("c1", 2, "OrderAccepted", {}),
          recorded("c1", 3, "OrderPickingStarted", { pickingStartTime: "2026-11-27T10:00:00.000Z" }),
        ],
        [recorded("c1", 2, "OrderAccepted", {}), recorded("c2", 2, "OrderCancelled", { reason: "changed" })],
      ),
      { views: counting, deadLetters: store, now },
    );
    expect(outcome).toMatchObject({ applied: 5, duplicates: 0, deadLettered: 0 });
    expect(summaryWrites.sort()).toEqual(["order:c1", "order:c2"]);
    expect((await orderSummary(store, "c1"))?.version).toBe(3);
    expect((await orderSummary(store, "c2"))?.order?.status).toBe("CANCELLED");

    // Another writer got there first: no events are kept to project the stream again, so the batch fails.
    const losing = around(store, {
      commit: (group, ops) => (group === "order:c3" ? Promise.reject(new ViewWriteConflictError(group)) : store.commit(group, ops)),
    });
    await expect(
      projectChunks(chunks([recorded("c3", 1, "OrderRequested", requestedData("c3"))]), { views: losing, deadLetters: store, now }),
    ).rejects.toThrow("order summaries changed by another writer during the batch: c3");
  });

  it.each([2, SQLITE_MAX_OPS_PER_COMMIT + 1, 2.5, 0])("refuses %s operations per commit", async (maxOpsPerCommit) => {
    const store = new SqliteProjectionStore(":memory:");
    const batch = [recorded("m", 1, "OrderRequested", requestedData("m"))];
    await expect(projectBatch(batch, { views: store, deadLetters: store, now, maxOpsPerCommit })).rejects.toThrow(RangeError);
  });

  it("does not read the entries of orders it has never seen, yet counts an entry left by a crash only once", async () => {
    const store = new SqliteProjectionStore(":memory:");
    const reads: string[] = [];
    let commits = 0;
    const counted = around(store, {
      read<T>(group: string, ids: readonly string[]) {
        reads.push(...ids.map((id) => `${group} ${id}`));
        return store.read<T>(group, ids);
      },
    });
    const crashing = around(store, {
      commit(group, ops) {
        // The customer's commit lands, then the process dies before the hub-day's and the summary's.
        if (commits++ > 0) return Promise.reject(new Error("crash"));
        return store.commit(group, ops);
      },
    });
    const p1 = recorded("p1", 1, "OrderRequested", requestedData("p1", 50200, 10200));
    const p2 = recorded("p2", 1, "OrderRequested", requestedData("p2", 50200, 10200));
    await expect(projectBatch([p1], { views: crashing, deadLetters: store, now })).rejects.toThrow("crash");
    expect((await customerView(store, 50200))?.totalOrders).toBe(1);
    expect(await orderSummary(store, "p1")).toBeUndefined();

    await projectBatch([p1, p2], { views: counted, deadLetters: store, now });
    // p1's customer entry exists without its summary: the first attempt presumes both entries
    // absent, p1's create conflicts, and only the retry reads the customer's entries. The
    // hub-day, where nothing conflicts, never reads an entry.
    const entryReads = reads.filter((r) => / o:p[12]$/.test(r));
    expect(entryReads.sort()).toEqual(["customer:0000000000050200 o:p1", "customer:0000000000050200 o:p2"]);
    expect(await customerView(store, 50200)).toMatchObject({ totalOrders: 2 });
    expect(await hubDayView(store, 10200, "2026-11-27")).toMatchObject({ ordersRequested: 2, articles: { Mojito: 4 } });
  });
});
