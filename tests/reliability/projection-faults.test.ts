import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { StoredRow, ViewOp, ViewStore } from "../../functions/src/projections/view-store.js";
import { SqliteEventStore } from "../../functions/src/eventstore/sqlite/sqlite-event-store.js";
import { LocalProjector } from "../../functions/src/projections/local-projector.js";
import { SqliteProjectionStore } from "../../functions/src/projections/sqlite/sqlite-projection-store.js";
import { requestedData } from "../support/orders.js";
import { SCALE, seededRandom } from "./scale.js";

const seed = Number(process.env.RELIABILITY_SEED ?? Date.now() % 1_000_000);

describe(`projection under poison events and transient store faults (${SCALE.name}, seed ${seed})`, () => {
  it("skips nothing and applies nothing twice: the views equal a clean rebuild", async () => {
    const random = seededRandom(seed);
    const dir = mkdtempSync(join(tmpdir(), "es-faults-"));
    const events = new SqliteEventStore({ file: join(dir, "events.db") });
    const orders = SCALE.name === "ci" ? 300 : 2000;
    let poison = 0;
    for (let n = 0; n < orders; n++) {
      const orderNumber = `f-${n}`;
      const stream = `order-${orderNumber}`;
      const lifecycle = [
        { type: "OrderRequested", data: requestedData(orderNumber, 50000 + (n % 7), 10000 + (n % 3)) },
        { type: "OrderAccepted", data: { orderNumber } },
        ...(n % 5 === 0
          ? [{ type: "OrderCancelled", data: { orderNumber } }]
          : [{ type: "OrderPickingStarted", data: { orderNumber, pickingStartTime: "2026-11-27T10:00:00.000Z" } }]),
      ];
      // Every ninth order gets a second OrderRequested: a poison event the projector must dead-letter.
      if (n % 9 === 0) {
        lifecycle.splice(2, 0, { type: "OrderRequested", data: requestedData(orderNumber) });
        poison++;
      }
      await events.append(
        stream,
        lifecycle.map((e) => ({ eventId: randomUUID(), ...e, metadata: {} })),
        "no_stream",
      );
    }

    const faulty = new SqliteProjectionStore(join(dir, "faulty-views.db"));
    let faults = 0;
    // Each kind of fault at least once, at a call the seed picks among the first ten of its kind
    // (a random rate alone met only two in some seeds); then at random.
    const calls = new Map<string, number>();
    const faultKinds = new Set<string>();
    const forcedAt = new Map(["before a read", "before a write", "after a write"].map((where) => [where, 1 + Math.floor(random() * 10)]));
    const maybeFail = (where: string) => {
      const call = (calls.get(where) ?? 0) + 1;
      calls.set(where, call);
      if (call === forcedAt.get(where) || random() < 0.006) {
        faults++;
        faultKinds.add(where);
        throw new Error(`transient fault ${where}`);
      }
    };
    const flakyViews: ViewStore = {
      kind: "flaky",
      maxOpsPerCommit: faulty.maxOpsPerCommit,
      async read<T>(group: string, ids: readonly string[]): Promise<ReadonlyMap<string, StoredRow<T>>> {
        maybeFail("before a read");
        return faulty.read<T>(group, ids);
      },
      async commit(group: string, ops: readonly ViewOp[]): Promise<ReadonlyMap<string, string>> {
        maybeFail("before a write");
        const result = await faulty.commit(group, ops);
        // The write landed but its acknowledgement is lost: the retry must not apply it twice.
        maybeFail("after a write");
        return result;
      },
      page: faulty.page.bind(faulty),
      top: faulty.top.bind(faulty),
    };
    const retries: number[] = [];
    const projector = new LocalProjector({
      feed: events,
      events,
      views: flakyViews,
      deadLetters: faulty,
      checkpoints: faulty,
      batchSize: 37,
      onError: (_e, ms) => retries.push(ms),
    });
    // catchUp has no retry of its own: run the loop, which backs off and retries failed batches.
    projector.start();
    const head = await events.headPosition();
    for (let waited = 0; (await faulty.getCheckpoint("views")) < head; waited += 20) {
      if (waited > 120_000) throw new Error("the projector did not catch up");
      await new Promise((r) => setTimeout(r, 20));
    }
    await projector.stop();

    const clean = new SqliteProjectionStore(join(dir, "clean-views.db"));
    await new LocalProjector({ feed: events, events, views: clean, deadLetters: clean, checkpoints: clean }).catchUp();

    expect(faults).toBeGreaterThanOrEqual(3);
    expect([...faultKinds].sort()).toEqual(["after a write", "before a read", "before a write"]);
    // Each failed batch attempt met at least one fault (calls in flight alongside may meet more).
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.length).toBeLessThanOrEqual(faults);
    expect(faulty.dump()).toEqual(clean.dump());
    expect(await faulty.count()).toBe(poison);
    expect(await clean.count()).toBe(poison);
    console.log(`projection faults: ${head} events, ${faults} injected faults retried, ${poison} poison events dead-lettered`);
    faulty.close();
    clean.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
