import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RecordedEvent } from "../../functions/src/eventstore/event-store.js";
import type { ViewKind } from "../../functions/src/projections/view-keys.js";
import type { SortedRow, StoredRow, ViewOp, ViewStore } from "../../functions/src/projections/view-store.js";
import { projectBatch, projectChunks } from "../../functions/src/projections/projection-engine.js";
import { SQLITE_MAX_OPS_PER_COMMIT, SqliteProjectionStore } from "../../functions/src/projections/sqlite/sqlite-projection-store.js";
import { history } from "../support/order-histories.js";

const now = () => new Date("2030-01-01T00:00:00.000Z");

/**
 * A view store that crashes (throws) after a given number of commits, like a killed process:
 * between two commits of one group too, when a group's changes take several.
 */
class CrashingViews implements ViewStore {
  writesLeft = Infinity;
  /** The plans' limit under test, which the SQLite store beneath would not enforce; commits above it are recorded. */
  opsLimit = Infinity;
  readonly oversized: number[] = [];
  readonly kind = "crashing";
  readonly maxOpsPerCommit = SQLITE_MAX_OPS_PER_COMMIT;
  constructor(readonly inner: SqliteProjectionStore) {}
  read<T>(group: string, ids: readonly string[]): Promise<ReadonlyMap<string, StoredRow<T>>> {
    return this.inner.read<T>(group, ids);
  }
  commit(group: string, ops: readonly ViewOp[]): Promise<ReadonlyMap<string, string>> {
    if (this.writesLeft-- <= 0) return Promise.reject(new Error("crash"));
    if (ops.length > this.opsLimit) this.oversized.push(ops.length);
    return this.inner.commit(group, ops);
  }
  page<T>(group: string, after: string, limit: number): Promise<readonly SortedRow<T>[]> {
    return this.inner.page<T>(group, after, limit);
  }
  top<T>(kind: ViewKind, limit: number): Promise<readonly T[]> {
    return this.inner.top<T>(kind, limit);
  }
}

async function cleanPass(log: readonly RecordedEvent[]): Promise<SqliteProjectionStore> {
  const store = new SqliteProjectionStore(":memory:");
  // One batch, and group commits as large as the store takes.
  await projectBatch(log, { views: store, deadLetters: store, now });
  return store;
}

/**
 * Feeds the log the way an at-least-once runtime may: random batch sizes, random duplicates of
 * earlier events inside batches, whole batches delivered twice, and crashes mid-batch after
 * which delivery restarts from the last checkpoint.
 */
/** Draws from a fast-check generated list, so a failing case shrinks and replays. */
class Choices {
  private next = 0;
  constructor(private readonly values: readonly number[]) {}
  nextInt(min: number, max: number): number {
    const value = this.values[this.next++ % this.values.length] ?? 0;
    return min + (value % (max - min + 1));
  }
}

/** The batch as consecutive chunks of `size` events, as a feed read a chunk at a time gives them. */
async function* inChunks(batch: readonly RecordedEvent[], size: number): AsyncGenerator<readonly RecordedEvent[]> {
  for (let i = 0; i < batch.length; i += size) {
    await Promise.resolve();
    yield batch.slice(i, i + size);
  }
}

async function chaoticPass(log: readonly RecordedEvent[], rng: Choices): Promise<SqliteProjectionStore> {
  const store = new SqliteProjectionStore(":memory:");
  const views = new CrashingViews(store);
  // Small commits: a group's changes, even one order's articles, then span several commits.
  const maxOpsPerCommit = rng.nextInt(3, 8);
  views.opsLimit = maxOpsPerCommit;
  let checkpoint = 0;
  let crashes = 0;
  while (checkpoint < log.length) {
    const size = rng.nextInt(1, 7);
    const batch: RecordedEvent[] = [...log.slice(checkpoint, checkpoint + size)];
    if (rng.nextInt(0, 3) === 0 && checkpoint > 0) batch.push(...log.slice(rng.nextInt(0, checkpoint - 1), checkpoint).slice(0, 3));
    const crash = crashes < 5 && rng.nextInt(0, 4) === 0;
    views.writesLeft = crash ? rng.nextInt(0, 6) : Infinity;
    // Half the batches as the local projector delivers them: in chunks, folded as they come.
    const project = () =>
      rng.nextInt(0, 1) === 0
        ? projectBatch(batch, { views, deadLetters: store, now, maxOpsPerCommit })
        : projectChunks(inChunks(batch, rng.nextInt(1, 3)), { views, deadLetters: store, now, maxOpsPerCommit });
    try {
      await project();
    } catch {
      crashes++;
      continue; // the checkpoint did not move: the same events come again
    }
    if (rng.nextInt(0, 3) === 0) await project();
    checkpoint += Math.min(size, log.length - checkpoint);
  }
  // Every commit kept to the limit, as Cosmos DB's TransactionalBatch would insist.
  expect(views.oversized).toEqual([]);
  return store;
}

describe("projections under at-least-once delivery (property)", () => {
  it("equal a clean pass whatever the batching, duplicates, redelivery and crashes; a rebuild reproduces them", async () => {
    await fc.assert(
      fc.asyncProperty(history, fc.array(fc.nat(), { minLength: 1, maxLength: 300 }), async ({ log }, choices) => {
        const clean = await cleanPass(log);
        const expected = clean.dump();
        const chaotic = await chaoticPass(log, new Choices(choices));
        expect(chaotic.dump()).toEqual(expected);
        expect(await chaotic.count()).toBe(await clean.count());

        // Rebuild from position 0, one event at a time, into a fresh store.
        const rebuilt = new SqliteProjectionStore(":memory:");
        for (const event of log) await projectBatch([event], { views: rebuilt, deadLetters: rebuilt, now, maxOpsPerCommit: 3 });
        expect(rebuilt.dump()).toEqual(expected);

        // Replaying the whole log over finished views changes nothing, and all of it counts as duplicates.
        const again = await projectBatch(log, { views: chaotic, deadLetters: chaotic, now });
        expect(chaotic.dump()).toEqual(expected);
        expect(again).toMatchObject({ applied: 0, deadLettered: 0, duplicates: log.length });
        const againInChunks = await projectChunks(inChunks(log, 4), { views: chaotic, deadLetters: chaotic, now });
        expect(chaotic.dump()).toEqual(expected);
        expect(againInChunks).toMatchObject({ applied: 0, deadLettered: 0, duplicates: log.length });
        for (const s of [clean, chaotic, rebuilt]) s.close();
      }),
      { numRuns: 150 },
    );
  });
});
