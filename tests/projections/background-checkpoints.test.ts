import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteProjectionStore } from "../../functions/src/projections/sqlite/sqlite-projection-store.js";
import { until } from "../support/until.js";

const dir = mkdtempSync(join(tmpdir(), "es-checkpoints-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Commits about 8 MB of view rows (some 2,000 pages, over SQLite's default threshold of 1,000) in one transaction. */
async function writeRows(store: SqliteProjectionStore, prefix: string): Promise<void> {
  await store.inTransaction(async () => {
    for (let g = 0; g < 800; g++) {
      const ops = Array.from({ length: 10 }, (_, i) => ({
        type: "put" as const,
        row: { id: `r${i}`, kind: "customer-order" as const, value: { filler: "x".repeat(1000), g, i } },
        etag: undefined,
      }));
      await store.commit(`${prefix}:${g}`, ops);
    }
  });
}

describe("background checkpoints of the projection store", () => {
  it("leave the writer's commits free of checkpoints, and copy the WAL into the database on their own thread", async () => {
    const file = join(dir, "background.db");
    const store = new SqliteProjectionStore(file, { backgroundCheckpoints: true });
    await writeRows(store, "b");
    // Synchronously after the COMMIT: pages reach the database file only through a checkpoint,
    // and the writer's own threshold (25,000 pages) was not crossed. (The thread may have copied
    // the tables' first pages already; a checkpoint of 8 MB begins with an fsync and cannot
    // have landed between the COMMIT and this line.)
    expect(statSync(file).size).toBeLessThan(1_000_000);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(4_000_000);
    expect(await until(() => statSync(file).size > 4_000_000, 10_000, 20)).toBe(true);
    store.close();
  });

  it("without them, the writer checkpoints inside its COMMIT (the default SQLite behaviour this replaces)", async () => {
    const file = join(dir, "inline.db");
    const store = new SqliteProjectionStore(file);
    await writeRows(store, "i");
    expect(statSync(file).size).toBeGreaterThan(4_000_000);
    store.close();
  });
});
