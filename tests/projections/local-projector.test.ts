import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ViewOp } from "../../functions/src/projections/view-store.js";
import { SqliteEventStore } from "../../functions/src/eventstore/sqlite/sqlite-event-store.js";
import { LocalProjector } from "../../functions/src/projections/local-projector.js";
import { SqliteProjectionStore } from "../../functions/src/projections/sqlite/sqlite-projection-store.js";
import { requestedData } from "../support/orders.js";
import { until } from "../support/until.js";
import { orderSummary } from "./read-views.js";

describe("local projector", () => {
  it("is woken by appends, retries transient view-store errors without skipping, and resumes from its checkpoint", async () => {
    const dir = mkdtempSync(join(tmpdir(), "es-projector-"));
    const events = new SqliteEventStore({ file: join(dir, "events.db") });
    const views = new SqliteProjectionStore(join(dir, "views.db"));
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
    for (let n = 0; n < 5; n++)
      await events.append(
        `order-lp-${n}`,
        [{ eventId: crypto.randomUUID(), type: "OrderRequested", data: requestedData(`lp-${n}`), metadata: {} }],
        "no_stream",
      );
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
    await events.close();
    views.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
