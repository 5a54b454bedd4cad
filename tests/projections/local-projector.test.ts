import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ViewOp } from "../../functions/src/projections/view-store.js";
import { SqliteEventStore } from "../../functions/src/eventstore/sqlite/sqlite-event-store.js";
import { LocalProjector, type LocalProjectorOptions } from "../../functions/src/projections/local-projector.js";
import { SqliteProjectionStore } from "../../functions/src/projections/sqlite/sqlite-projection-store.js";
import { requestedData } from "../support/orders.js";
import { until } from "../support/until.js";
import { orderSummary } from "./read-views.js";

/** Closes and removes what openStores opened, after each test (passed or not). */
const opened: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of opened.splice(0)) await close();
});

/** An event store and a views store in a fresh folder. */
function openStores() {
  const dir = mkdtempSync(join(tmpdir(), "es-projector-"));
  const events = new SqliteEventStore({ file: join(dir, "events.db") });
  const views = new SqliteProjectionStore(join(dir, "views.db"));
  opened.push(async () => {
    await events.close();
    views.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { events, views };
}

function placeOrder(events: SqliteEventStore, orderNumber: string) {
  return events.append(
    `order-${orderNumber}`,
    [{ eventId: crypto.randomUUID(), type: "OrderRequested", data: requestedData(orderNumber), metadata: {} }],
    "no_stream",
  );
}

/** The store's feed, recording the batch size of each read. */
function sizeRecordingFeed(events: SqliteEventStore) {
  const sizes: number[] = [];
  const feed = {
    readAll: (after: number, max: number) => {
      sizes.push(max);
      return events.readAll(after, max);
    },
    headPosition: () => events.headPosition(),
    onAppended: (listener: () => void) => events.onAppended(listener),
  };
  return { feed, sizes };
}

/**
 * `orders` orders of one event each, and a projector over a feed that records its reads: batches
 * of 100, catch-up batches of 2,500 in a transaction each, every batch's outcome kept.
 */
async function chunkedCatchUp(orders: number, prefix: string, options: Partial<LocalProjectorOptions> = {}) {
  const { events, views } = openStores();
  await Promise.all(Array.from({ length: orders }, (_, n) => placeOrder(events, `${prefix}-${n}`)));
  const { feed, sizes } = sizeRecordingFeed(events);
  const outcomes: Parameters<NonNullable<LocalProjectorOptions["onBatch"]>>[0][] = [];
  const projector = new LocalProjector({
    feed,
    views,
    deadLetters: views,
    checkpoints: views,
    batchSize: 100,
    catchUpBatchSize: 2_500,
    transaction: (work) => views.inTransaction(work),
    onBatch: (outcome) => outcomes.push(outcome),
    ...options,
  });
  return { views, sizes, outcomes, projector };
}

describe("local projector", () => {
  it("is woken by appends, retries transient view-store errors without skipping, and resumes from its checkpoint", async () => {
    const { events, views } = openStores();
    let failuresLeft = 3;
    const flaky = Object.assign(Object.create(views) as SqliteProjectionStore, {
      commit(group: string, ops: readonly ViewOp[]) {
        if (failuresLeft-- > 0) return Promise.reject(new Error("transient: disk busy"));
        return views.commit(group, ops);
      },
    });
    const errors: number[] = [];
    const projector = new LocalProjector({
      feed: events,
      views: flaky,
      deadLetters: views,
      checkpoints: views,
      idlePollMs: 60_000,
      batchSize: 2,
      onError: (_e, retryIn) => errors.push(retryIn),
    });
    projector.start();
    for (let n = 0; n < 5; n++) await placeOrder(events, `lp-${n}`);
    // The idle poll is a minute: only the append wake-up can make this finish in time.
    expect(await until(async () => (await views.getCheckpoint("views")) === 5, 5000, 5)).toBe(true);
    // Three failing commits; a batch's customer and hub-day commits may fail in the same attempt.
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([50, 100, 200].slice(0, errors.length));
    for (let n = 0; n < 5; n++) expect(await orderSummary(views, `lp-${n}`)).toMatchObject({ version: 1 });
    await projector.stop();

    await events.append(
      "order-lp-0",
      [{ eventId: crypto.randomUUID(), type: "OrderAccepted", data: { orderNumber: "lp-0" }, metadata: {} }],
      1,
    );
    const restarted = new LocalProjector({ feed: events, views, deadLetters: views, checkpoints: views });
    await restarted.catchUp();
    expect(restarted.checkpoint).toBe(6);
    expect((await orderSummary(views, "lp-0"))?.order?.status).toBe("ACCEPTED");
  });
  it("keeps its back-off while appends arrive, and a stop ends the back-off at once", async () => {
    const { events, views } = openStores();
    const broken = Object.assign(Object.create(views) as SqliteProjectionStore, {
      commit: () => Promise.reject(new Error("disk unavailable")),
    });
    const backoffs: number[] = [];
    const projector = new LocalProjector({
      feed: events,
      views: broken,
      deadLetters: views,
      checkpoints: views,
      idlePollMs: 60_000,
      batchSize: 2,
      onError: (_e, retryIn) => backoffs.push(retryIn),
    });
    projector.start();
    // Appends every 10 ms for 1.2 s: each would wake a projector that let appends end its back-off.
    const appendsUntil = Date.now() + 1200;
    for (let n = 0; Date.now() < appendsUntil; n++) {
      await placeOrder(events, `bo-${n}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    // Back-offs of 50, 100, 200, 400 and 800 ms: at most six attempts fit in 1.2 s.
    expect(backoffs.length).toBeGreaterThanOrEqual(3);
    expect(backoffs.length).toBeLessThanOrEqual(6);
    expect(backoffs).toEqual([50, 100, 200, 400, 800, 1600].slice(0, backoffs.length));
    // The projector now waits out a back-off of 800 ms or more.
    const stopping = Date.now();
    await projector.stop();
    expect(Date.now() - stopping).toBeLessThan(700);
  });

  it("switches to catch-up batches when far behind, and retries a failed batch smaller", async () => {
    const { events, views } = openStores();
    for (let n = 0; n < 100; n++) await placeOrder(events, `cu-${n}`);
    const { feed, sizes } = sizeRecordingFeed(events);
    let failuresLeft = 1;
    const flaky = Object.assign(Object.create(views) as SqliteProjectionStore, {
      commit(group: string, ops: readonly ViewOp[]) {
        if (failuresLeft-- > 0) return Promise.reject(new Error("transient: disk busy"));
        return views.commit(group, ops);
      },
    });
    const projector = new LocalProjector({
      feed,
      views: flaky,
      deadLetters: views,
      checkpoints: views,
      batchSize: 8,
      catchUpBatchSize: 40,
    });
    projector.start();
    expect(await until(async () => (await views.getCheckpoint("views")) === 100, 10_000, 5)).toBe(true);
    await projector.stop();
    // A failed batch of 8 is retried as 2; then, 90 events behind, batches of 40.
    expect(sizes.slice(0, 3)).toEqual([8, 2, 40]);
    expect(sizes.filter((size) => size === 40).length).toBeGreaterThanOrEqual(2);
  });

  it("reads a catch-up batch a thousand events at a time, projects each event once and checkpoints the batch's end", async () => {
    // 2,600 orders of one event each: positions 1 to 2,600.
    const { views, sizes, outcomes, projector } = await chunkedCatchUp(2_600, "bulk");
    projector.start();
    expect(await until(async () => (await views.getCheckpoint("views")) === 2_600, 20_000, 5)).toBe(true);
    await projector.stop();
    // A first small batch, then a catch-up batch of 2,500 read as 1,000 + 1,000 + 500, then the rest.
    expect(sizes.slice(0, 4)).toEqual([100, 1_000, 1_000, 500]);
    expect(outcomes.slice(0, 2).map((o) => o.position)).toEqual([100, 2_600]);
    expect(outcomes.reduce((sum, o) => sum + o.applied, 0)).toBe(2_600);
    expect(outcomes.reduce((sum, o) => sum + o.duplicates, 0)).toBe(0);
    expect(await orderSummary(views, "bulk-2599")).toMatchObject({ version: 1 });
  });

  it("ends a catch-up batch before the chunk that would follow a used heap over its budget, and goes on catching up", async () => {
    // The used heap each time the projector asks: under the budget, over it, then under again.
    const heap = [500, 1_500];
    let checks = 0;
    // Where the last batch had brought the projector when it reported itself caught up.
    const caughtUpAt: number[] = [];
    const { views, sizes, outcomes, projector } = await chunkedCatchUp(3_600, "heavy", {
      batchHeapBudget: { bytes: 1_000, used: () => heap[checks++] ?? 0 },
      onCaughtUp: () => caughtUpAt.push(outcomes.at(-1)?.position ?? -1),
    });
    projector.start();
    expect(await until(() => Promise.resolve(caughtUpAt.length === 1), 20_000, 5)).toBe(true);
    await projector.stop();
    // Without a budget: 100, then 1,000 + 1,000 + 500 in one batch (the test above). Here the
    // second catch-up chunk finds the heap over the budget: that batch ends at 2,100, as a full
    // one, and the next batch reads on (1,000, then the last 500, short: caught up).
    expect(sizes.slice(0, 5)).toEqual([100, 1_000, 1_000, 1_000, 1_000]);
    expect(outcomes.map((o) => [o.position, o.endedOnHeapBudget])).toEqual([
      [100, false],
      [2_100, true],
      [3_600, false],
    ]);
    // Asked only before another chunk would be read: not for a batch that a chunk fills or ends.
    expect(checks).toBe(3);
    expect(caughtUpAt).toEqual([3_600]);
    expect(outcomes.reduce((sum, o) => sum + o.applied, 0)).toBe(3_600);
    expect(outcomes.reduce((sum, o) => sum + o.duplicates, 0)).toBe(0);
    expect(await orderSummary(views, "heavy-3599")).toMatchObject({ version: 1 });
  });

  it("reports that it has caught up when its catch-up ends on a full batch, at the feed's head", async () => {
    const { events, views } = openStores();
    // A first small batch of 5, then catch-up batches of 100: 305 events end exactly on a full one.
    for (let n = 0; n < 305; n++) await placeOrder(events, `full-${n}`);
    let caughtUp = 0;
    const projector = new LocalProjector({
      feed: events,
      views,
      deadLetters: views,
      checkpoints: views,
      batchSize: 5,
      catchUpBatchSize: 100,
      idlePollMs: 20,
      onCaughtUp: () => caughtUp++,
    });
    projector.start();
    expect(await until(() => Promise.resolve(caughtUp === 1), 10_000, 5)).toBe(true);
    expect(await views.getCheckpoint("views")).toBe(305);
    await projector.stop();
  });

  it("retries a failing report on its own back-off, and keeps projecting at full batch size meanwhile", async () => {
    const { events, views } = openStores();
    const { feed, sizes } = sizeRecordingFeed(events);
    const retries: number[] = [];
    const projector = new LocalProjector({
      feed,
      views,
      deadLetters: views,
      checkpoints: views,
      batchSize: 8,
      idlePollMs: 20,
      onCaughtUp: () => {
        throw new Error("the build cannot end yet");
      },
      onError: (_error, retryInMs) => retries.push(retryInMs),
    });
    projector.start();
    for (let n = 0; n < 40; n++) await placeOrder(events, `go-${n}`);
    expect(await until(async () => (await views.getCheckpoint("views")) === 40, 10_000, 5)).toBe(true);
    expect(await until(() => Promise.resolve(retries.length >= 2), 10_000, 5)).toBe(true);
    await projector.stop();
    expect(retries.slice(0, 2)).toEqual([1000, 2000]);
    expect(sizes.every((size) => size === 8)).toBe(true);
  });

  it("reports once that it has caught up, between batches, and again after a report that failed", async () => {
    const { events, views } = openStores();
    for (let n = 0; n < 100; n++) await placeOrder(events, `up-${n}`);
    const reports: { position: number; inTransaction: boolean }[] = [];
    const errors: unknown[] = [];
    let inTransaction = false;
    let failuresLeft = 1;
    const projector: LocalProjector = new LocalProjector({
      feed: events,
      views,
      deadLetters: views,
      checkpoints: views,
      batchSize: 8,
      catchUpBatchSize: 40,
      transaction: async (work) => {
        inTransaction = true;
        try {
          return await views.inTransaction(work);
        } finally {
          inTransaction = false;
        }
      },
      onCaughtUp: () => {
        reports.push({ position: projector.checkpoint, inTransaction });
        if (failuresLeft-- > 0) throw new Error("not this time");
      },
      onError: (error) => errors.push(error),
    });
    projector.start();
    expect(await until(() => Promise.resolve(reports.length === 2), 10_000, 5)).toBe(true);
    // More appends later: the report is not repeated.
    for (let n = 0; n < 20; n++) await placeOrder(events, `later-${n}`);
    expect(await until(async () => (await views.getCheckpoint("views")) === 120, 10_000, 5)).toBe(true);
    await projector.stop();
    expect(reports).toHaveLength(2);
    expect(reports.every((r) => !r.inTransaction)).toBe(true);
    // Caught up means no longer behind by catch-up batches: within 4 small batches of the head.
    expect(reports[0]?.position).toBeGreaterThanOrEqual(100 - 4 * 8);
    expect(errors.map(String)).toEqual(["Error: not this time"]);

    // catchUp() reports at its end, and a projector that has reported does not report again.
    const { events: more, views: fresh } = openStores();
    for (let n = 0; n < 30; n++) await placeOrder(more, `cu-${n}`);
    let caughtUp = 0;
    const catching = new LocalProjector({ feed: more, views: fresh, deadLetters: fresh, checkpoints: fresh, onCaughtUp: () => caughtUp++ });
    await catching.catchUp();
    expect([caughtUp, await fresh.getCheckpoint("views")]).toEqual([1, 30]);
    await catching.catchUp();
    expect(caughtUp).toBe(1);
  });
});
