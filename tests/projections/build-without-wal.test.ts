import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import type { ViewOp } from "../../functions/src/projections/view-store.js";
import { seedEvents } from "../../bench/replay/seed-events.js";
import { SqliteEventStore } from "../../functions/src/eventstore/sqlite/sqlite-event-store.js";
import { LocalProjector } from "../../functions/src/projections/local-projector.js";
import { buildMarkerOf } from "../../functions/src/projections/sqlite/build-marker.js";
import { SqliteProjectionStore } from "../../functions/src/projections/sqlite/sqlite-projection-store.js";

const dir = mkdtempSync(join(tmpdir(), "es-build-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const put = (id: string, value: unknown): ViewOp => ({ type: "put", row: { id, kind: "customer-order", value }, etag: undefined });
const journalMode = (db: Database.Database) => db.pragma("journal_mode", { simple: true }) as string;

/** The file's journal mode as a new connection finds it: "wal" is recorded in the file's header, any rollback mode reads as "delete". */
function fileJournalMode(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return journalMode(db);
  } finally {
    db.close();
  }
}

describe("a views file built without a WAL", () => {
  it("is built with its journal in memory beside its marker, readers follow it, and it ends as a WAL file on disk", async () => {
    const file = join(dir, "new.db");
    const writer = new SqliteProjectionStore(file, { buildWithoutWal: true });
    expect(writer.building).toBe(true);
    expect(existsSync(buildMarkerOf(file))).toBe(true);
    expect(fileJournalMode(file)).toBe("delete");
    const reader = new SqliteProjectionStore(file, { reader: true });

    await writer.inTransaction(async () => {
      await writer.commit("customer:1", [put("o:1", { n: 1 }), put("o:2", { n: 2 })]);
      await writer.setCheckpoint("views", 7);
    });
    // A rolled-back batch leaves nothing: the journal in memory undoes it.
    await expect(
      writer.inTransaction(async () => {
        await writer.commit("customer:1", [put("o:3", { n: 3 })]);
        throw new Error("batch failed");
      }),
    ).rejects.toThrow("batch failed");
    // A failed condition undoes its group's earlier operations (a savepoint), as in WAL mode.
    await writer.inTransaction(async () => {
      await expect(writer.commit("customer:1", [put("o:4", { n: 4 }), put("o:1", { n: 9 })])).rejects.toThrow("changed since it was read");
    });
    expect([...(await reader.read("customer:1", ["o:1", "o:2", "o:3", "o:4"])).keys()]).toEqual(["o:1", "o:2"]);
    // The reader did not turn the file into a WAL file under the writer.
    expect(fileJournalMode(file)).toBe("delete");

    await expect(
      writer.inTransaction(() => {
        writer.finishBuild();
        return Promise.resolve();
      }),
    ).rejects.toThrow("between transactions");
    writer.finishBuild();
    expect(writer.building).toBe(false);
    expect(existsSync(buildMarkerOf(file))).toBe(false);
    expect(fileJournalMode(file)).toBe("wal");
    writer.finishBuild(); // a second call changes nothing
    await writer.inTransaction(() => writer.commit("customer:1", [put("o:5", { n: 5 })]));
    expect([...(await reader.read("customer:1", ["o:1", "o:5"])).keys()]).toEqual(["o:1", "o:5"]);
    reader.close();
    writer.close();

    // Opened again, it is an ordinary file: kept whole, no marker, no build.
    const again = new SqliteProjectionStore(file, { buildWithoutWal: true });
    expect([again.building, existsSync(buildMarkerOf(file)), await again.getCheckpoint("views")]).toEqual([false, false, 7]);
    again.close();
  });

  it("whose build was cut short is removed and built again from nothing, even when torn", async () => {
    const file = join(dir, "cut.db");
    // As a crash in the middle of a commit could leave it: the marker, and pages half written.
    writeFileSync(buildMarkerOf(file), "");
    writeFileSync(file, Buffer.alloc(8192, 0xab));
    writeFileSync(`${file}-journal`, "left over");
    const store = new SqliteProjectionStore(file, { buildWithoutWal: true });
    expect(store.building).toBe(true);
    expect(await store.getCheckpoint("views")).toBe(0);
    expect(store.dump().size).toBe(0);
    expect(existsSync(`${file}-journal`)).toBe(false);
    store.finishBuild();
    store.close();
  });

  it("with background checkpoints, is synced by the checkpoint thread while the writer goes on", async () => {
    const file = join(dir, "background.db");
    const writer = new SqliteProjectionStore(file, { buildWithoutWal: true, backgroundCheckpoints: true });
    await writer.inTransaction(() => writer.commit("customer:1", [put("o:1", { n: 1 })]));
    writer.finishBuild();
    // A WAL file already, its sync still to come on the checkpoint thread: the marker stays until then.
    expect(fileJournalMode(file)).toBe("wal");
    expect(writer.building).toBe(true);
    await writer.inTransaction(() => writer.commit("customer:1", [put("o:2", { n: 2 })]));
    await writer.whenBuilt();
    expect([writer.building, existsSync(buildMarkerOf(file))]).toEqual([false, false]);
    await writer.whenBuilt(); // settled for good
    writer.close();
    const again = new SqliteProjectionStore(file, { buildWithoutWal: true });
    expect([again.building, again.dump().size]).toEqual([false, 2]);
    again.close();
  });

  it("stopped cleanly, ends its build, and the next start goes on from its checkpoint", async () => {
    const file = join(dir, "stopped.db");
    const first = new SqliteProjectionStore(file, { buildWithoutWal: true, backgroundCheckpoints: true });
    await first.inTransaction(async () => {
      await first.commit("customer:1", [put("o:1", { n: 1 })]);
      await first.setCheckpoint("views", 42);
    });
    first.close();
    expect([existsSync(buildMarkerOf(file)), fileJournalMode(file)]).toEqual([false, "wal"]);
    const second = new SqliteProjectionStore(file, { buildWithoutWal: true });
    expect([second.building, await second.getCheckpoint("views"), second.dump().size]).toEqual([false, 42, 1]);
    second.close();
  });

  it("is not how a file that already exists, or one without the option, is written", () => {
    const plain = join(dir, "plain.db");
    const store = new SqliteProjectionStore(plain);
    expect([store.building, existsSync(buildMarkerOf(plain)), fileJournalMode(plain)]).toEqual([false, false, "wal"]);
    store.close();
    const existing = new SqliteProjectionStore(plain, { buildWithoutWal: true });
    expect([existing.building, fileJournalMode(plain)]).toEqual([false, "wal"]);
    existing.close();
    const memory = new SqliteProjectionStore(":memory:", { buildWithoutWal: true });
    expect(memory.building).toBe(false);
    memory.close();
  });

  // Seeding 2,000 orders and two builds through tsx: a few seconds here, more on a loaded machine.
  it(
    "killed part-way through its build, is built again at the next start and comes out as a clean build",
    { timeout: 120_000 },
    async () => {
      const eventsFile = join(dir, "events.db");
      const written = await seedEvents(eventsFile, 9_000);
      const viewsFile = join(dir, "killed.db");
      const child = spawn(process.execPath, ["--import", "tsx", "tests/support/build-views-child.ts", eventsFile, viewsFile], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      const exited = new Promise((resolve) => child.once("exit", resolve));
      let batches = 0;
      for await (const line of createInterface({ input: child.stdout })) {
        if (line === "built") throw new Error("the build ended before it could be killed");
        // Killed in the middle of the build, after a few committed batches, whatever it is doing.
        if (line.startsWith("batch ") && ++batches === 4) {
          child.kill("SIGKILL");
          break;
        }
      }
      await exited;
      expect(existsSync(buildMarkerOf(viewsFile))).toBe(true);
      expect(statSync(viewsFile).size).toBeGreaterThan(0);

      const events = new SqliteEventStore({ file: eventsFile });
      const rebuilt = new SqliteProjectionStore(viewsFile, { buildWithoutWal: true });
      expect([rebuilt.building, await rebuilt.getCheckpoint("views")]).toEqual([true, 0]);
      await new LocalProjector({
        feed: events,
        views: rebuilt,
        deadLetters: rebuilt,
        checkpoints: rebuilt,
        transaction: (work) => rebuilt.inTransaction(work),
        onCaughtUp: () => {
          rebuilt.finishBuild();
        },
      }).catchUp();
      const clean = new SqliteProjectionStore(":memory:");
      await new LocalProjector({ feed: events, views: clean, deadLetters: clean, checkpoints: clean }).catchUp();
      expect(await rebuilt.getCheckpoint("views")).toBe(written);
      expect(rebuilt.dump()).toEqual(clean.dump());
      expect([existsSync(buildMarkerOf(viewsFile)), fileJournalMode(viewsFile)]).toEqual([false, "wal"]);
      rebuilt.close();
      clean.close();
      await events.close();
    },
  );
});
