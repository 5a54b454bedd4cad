import { describe, expect, it } from "vitest";
import { AzureViewGenerations, SERVING_MARK_KEY } from "../../functions/src/azure/azure-view-generations.js";
import { PROJECTOR_STATUS_KEY } from "../../functions/src/projections/view-keys.js";
import { SqliteViewStore } from "../../functions/src/projections/sqlite/sqlite-view-store.js";

const status = (at: string) => ({ key: PROJECTOR_STATUS_KEY, kind: "status" as const, value: { lastBatchAt: at, lastEventRecordedAt: at, lagMs: 0, lastBatchSize: 1 } });
const order = (version: number) => ({ key: "order:o1", kind: "order" as const, value: { version } });

function twoGenerations() {
  const g1 = new SqliteViewStore(":memory:");
  const g2 = new SqliteViewStore(":memory:");
  let clock = Date.parse("2026-11-29T10:00:00Z");
  const instance = () => new AzureViewGenerations([{ generation: 1, views: g1 }, { generation: 2, views: g2 }], { now: () => new Date(clock), refreshMs: 5000, warn: () => undefined });
  return { g1, g2, instance, tick: (ms: number) => (clock += ms) };
}

describe("which generation an Azure instance reads", () => {
  it("reads the old generation while the new one is behind, then the new one, and marks it for everyone", async () => {
    const { g1, g2, instance, tick } = twoGenerations();
    await g1.put(status("2026-11-29T09:59:00.000Z"), undefined);
    await g1.put(order(3), undefined);
    await g2.put(status("2026-11-29T09:00:00.000Z"), undefined);
    await g2.put(order(1), undefined);
    const a = instance();
    expect((await a.views.get<{ version: number }>("order:o1"))?.value.version).toBe(3);
    expect(a.servingGeneration).toBe(1);
    expect(await g2.get(SERVING_MARK_KEY)).toBeUndefined();

    // Generation 2 catches up; the instance notices at its next look, not before.
    const caughtUp = (await g2.get(PROJECTOR_STATUS_KEY))?.etag;
    await g2.put(status("2026-11-29T09:59:00.000Z"), caughtUp);
    await g2.put(order(3), (await g2.get("order:o1"))?.etag);
    expect((await a.health()).generations.map((g) => [g.generation, g.serving])).toEqual([[1, false], [2, true]]);
    expect(a.servingGeneration).toBe(2);
    expect(await g2.get(SERVING_MARK_KEY)).toMatchObject({ value: { since: "2026-11-29T10:00:00.000Z" } });

    // Never back: generation 1 racing ahead changes nothing.
    await g1.put(status("2026-11-29T10:30:00.000Z"), (await g1.get(PROJECTOR_STATUS_KEY))?.etag);
    tick(10_000);
    await a.health();
    expect(a.servingGeneration).toBe(2);
  });

  it("a fresh instance waits for its first look and honours the mark, even with generation 1 ahead", async () => {
    const { g1, g2, instance } = twoGenerations();
    await g1.put(status("2026-11-29T10:30:00.000Z"), undefined);
    await g1.put(order(1), undefined);
    await g2.put(status("2026-11-29T10:00:00.000Z"), undefined);
    await g2.put(order(5), undefined);
    await g2.put({ key: SERVING_MARK_KEY, kind: "status", value: { since: "2026-11-29T10:00:00.000Z" } }, undefined);
    const fresh = instance();
    expect((await fresh.views.get<{ version: number }>("order:o1"))?.value.version).toBe(5);
    expect(fresh.servingGeneration).toBe(2);
  });
});
