import { describe, expect, it } from "vitest";
import { AzureViewGenerations, SERVING_MARK_KEY } from "../../functions/src/azure/azure-view-generations.js";
import type { ViewKind } from "../../functions/src/projections/view-keys.js";
import type { ViewStore } from "../../functions/src/projections/view-store.js";
import { HEADER_ID, PROJECTOR_STATUS_KEY } from "../../functions/src/projections/view-keys.js";
import { readRow } from "../../functions/src/projections/view-store.js";
import { SqliteProjectionStore } from "../../functions/src/projections/sqlite/sqlite-projection-store.js";

interface HeaderWrite {
  readonly key: string;
  readonly kind: ViewKind;
  readonly value: unknown;
}

const status = (at: string): HeaderWrite => ({
  key: PROJECTOR_STATUS_KEY,
  kind: "status",
  value: { lastBatchAt: at, lastEventRecordedAt: at, lagMs: 0, lastBatchSize: 1 },
});
const order = (version: number): HeaderWrite => ({ key: "order:o1", kind: "order", value: { version } });

/** Writes a group's header row at `etag` (undefined: it must not exist yet). */
async function put(store: ViewStore, write: HeaderWrite, etag: string | undefined): Promise<void> {
  await store.commit(write.key, [{ type: "put", row: { id: HEADER_ID, kind: write.kind, value: write.value }, etag }]);
}

const get = <T = unknown>(store: ViewStore, key: string) => readRow<T>(store, key, HEADER_ID);

function twoGenerations() {
  const g1 = new SqliteProjectionStore(":memory:");
  const g2 = new SqliteProjectionStore(":memory:");
  let clock = Date.parse("2026-11-29T10:00:00Z");
  const instance = () =>
    new AzureViewGenerations(
      [
        { generation: 1, views: g1 },
        { generation: 2, views: g2 },
      ],
      { now: () => new Date(clock), refreshMs: 5000, warn: () => undefined },
    );
  return { g1, g2, instance, tick: (ms: number) => (clock += ms) };
}

describe("which generation an Azure instance reads", () => {
  it("reads the old generation while the new one is behind, then the new one, and marks it for everyone", async () => {
    const { g1, g2, instance, tick } = twoGenerations();
    await put(g1, status("2026-11-29T09:59:00.000Z"), undefined);
    await put(g1, order(3), undefined);
    await put(g2, status("2026-11-29T09:00:00.000Z"), undefined);
    await put(g2, order(1), undefined);
    const a = instance();
    expect((await get<{ version: number }>(a.views, "order:o1"))?.value.version).toBe(3);
    expect(a.servingGeneration).toBe(1);
    expect(await get(g2, SERVING_MARK_KEY)).toBeUndefined();

    // Generation 2 catches up; the instance notices at its next look, not before.
    const caughtUp = (await get(g2, PROJECTOR_STATUS_KEY))?.etag;
    await put(g2, status("2026-11-29T09:59:00.000Z"), caughtUp);
    await put(g2, order(3), (await get(g2, "order:o1"))?.etag);
    expect((await a.health()).generations.map((g) => [g.generation, g.serving])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(a.servingGeneration).toBe(2);
    expect(await get(g2, SERVING_MARK_KEY)).toMatchObject({ value: { since: "2026-11-29T10:00:00.000Z" } });

    // Never back: generation 1 racing ahead changes nothing.
    await put(g1, status("2026-11-29T10:30:00.000Z"), (await get(g1, PROJECTOR_STATUS_KEY))?.etag);
    tick(10_000);
    await a.health();
    expect(a.servingGeneration).toBe(2);
  });

  it("a fresh instance waits for its first look and honours the mark, even with generation 1 ahead", async () => {
    const { g1, g2, instance } = twoGenerations();
    await put(g1, status("2026-11-29T10:30:00.000Z"), undefined);
    await put(g1, order(1), undefined);
    await put(g2, status("2026-11-29T10:00:00.000Z"), undefined);
    await put(g2, order(5), undefined);
    await put(g2, { key: SERVING_MARK_KEY, kind: "status", value: { since: "2026-11-29T10:00:00.000Z" } }, undefined);
    const fresh = instance();
    expect((await get<{ version: number }>(fresh.views, "order:o1"))?.value.version).toBe(5);
    expect(fresh.servingGeneration).toBe(2);
  });
});
