import type Database from "better-sqlite3";
import type { RecordedEvent } from "../../eventstore/event-store.js";
import type { DeadLetter, DeadLetterStore } from "../dead-letters.js";
import type { ViewKind } from "../view-keys.js";
import type { CheckpointStore, SortedRow, StoredRow, ViewOp, ViewStore } from "../view-store.js";
import type { BackgroundCheckpointer } from "./background-checkpointer.js";
import { openDatabase } from "../../eventstore/sqlite/open-database.js";
import { startBackgroundCheckpoints } from "./background-checkpointer.js";
import { beginBuild, endBuild } from "./build-marker.js";
import { ViewWriteConflictError } from "../view-store.js";

/** Bumped when the views table changes shape: an older file's views are dropped and rebuilt from the first event. */
const SCHEMA_VERSION = 3;

/**
 * A rowid table with a unique (grp, id) index, not a WITHOUT ROWID table keyed by (grp, id):
 * order numbers arrive in no key order, so clustering whole rows by key made every new row
 * land on a random page of the table, and a catch-up batch dirtied (and wrote to the WAL) a
 * page per order. Here new rows are appended and only the small index entries land at random.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS views (
  grp  TEXT NOT NULL,
  id   TEXT NOT NULL,
  kind TEXT NOT NULL,
  rank INTEGER,
  sort TEXT,
  etag INTEGER NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (grp, id)
) STRICT;
CREATE INDEX IF NOT EXISTS views_by_rank ON views (kind, rank DESC, grp) WHERE rank IS NOT NULL;
CREATE INDEX IF NOT EXISTS views_by_sort ON views (grp, sort) WHERE sort IS NOT NULL;
CREATE TABLE IF NOT EXISTS dead_letters (
  stream_id TEXT NOT NULL,
  version   INTEGER NOT NULL,
  reason    TEXT NOT NULL,
  failed_at TEXT NOT NULL,
  event     TEXT NOT NULL,
  PRIMARY KEY (stream_id, version)
) STRICT;
CREATE TABLE IF NOT EXISTS checkpoints (
  name     TEXT PRIMARY KEY,
  position INTEGER NOT NULL
) STRICT;
`;

export interface SqliteProjectionStoreOptions {
  /**
   * Checkpoint the WAL on a thread of its own (./background-checkpointer.ts) rather than inside
   * this connection's commits. For the projector's writing connection; readers need none.
   */
  readonly backgroundCheckpoints?: boolean;
  /** SQLite's page cache for this connection; SQLite's default is 2 MiB. */
  readonly cacheMiB?: number;
  /**
   * For the projector's writing connection (docs/adr/0017): a file that does not exist yet, or
   * whose build a crash cut short, is built with its rollback journal in memory and without
   * syncs, until finishBuild() makes it a WAL file like any other.
   */
  readonly buildWithoutWal?: boolean;
  /**
   * Another connection writes this file: read it in the journal mode its writer chose (a file
   * being built has no WAL yet), and leave its schema to that writer.
   */
  readonly reader?: boolean;
  /** What went wrong beside the writer's own calls (on the checkpoint thread, or at the end of a build), and when it is tried again. */
  readonly onBackgroundError?: (message: string, retryInMs: number) => void;
}

/**
 * A commit is a savepoint, which takes any number of operations; this bound only keeps one
 * commit's work and memory in proportion. Well above Cosmos DB's 100: a hub-day's article rows
 * are then written once per catch-up batch rather than once per 100 operations, which was a
 * tenth of a replay's view writes.
 */
export const SQLITE_MAX_OPS_PER_COMMIT = 5_000;

/**
 * With background checkpoints, the writer checkpoints by itself only past this many WAL pages
 * (about 100 MB): the safety net should the checkpoint thread fall behind or be gone.
 */
const WRITER_CHECKPOINT_PAGES = 25_000;

/**
 * Everything the local projector keeps, in one SQLite file apart from the events: the views,
 * the dead letters and its checkpoint, so deleting the file rebuilds the views from the first
 * event. synchronous=NORMAL is enough here: WAL keeps commits in order, so a crash can only
 * lose the newest view writes together with the checkpoint that follows them, and the
 * projector redoes them from the event log.
 */
export class SqliteProjectionStore implements ViewStore, DeadLetterStore, CheckpointStore {
  readonly kind = "sqlite";
  readonly maxOpsPerCommit = SQLITE_MAX_OPS_PER_COMMIT;
  private readonly db: Database.Database;
  private readonly statements;
  private readonly commitAll: (group: string, ops: readonly ViewOp[]) => Map<string, string>;
  private readonly commitOne: (group: string, ops: readonly ViewOp[]) => Map<string, string>;
  private checkpointer: BackgroundCheckpointer | undefined;
  /**
   * "building": the file is written without a WAL; "ending": it is a WAL file again, and the
   * checkpoint thread's first complete checkpoint is still to sync it (docs/adr/0017).
   */
  private build: "none" | "building" | "ending";
  private readonly built: Promise<void>;
  private resolveBuilt: () => void = () => undefined;

  constructor(
    private readonly file: string,
    private readonly options: SqliteProjectionStoreOptions = {},
  ) {
    const building = options.buildWithoutWal === true && file !== ":memory:" && beginBuild(file);
    this.build = building ? "building" : "none";
    this.built = building ? new Promise((resolve) => (this.resolveBuilt = resolve)) : Promise.resolve();
    this.db = openDatabase(file, "NORMAL", building || options.reader === true ? "as-found" : "wal");
    if (building) {
      // Savepoints and rollbacks work as ever; each commit writes its pages once, into the file
      // itself, where a WAL writes them to the log and a checkpoint copies them again.
      this.db.pragma("journal_mode = MEMORY");
      this.db.pragma("synchronous = OFF");
      // A spill writes into the file before the commit, under an exclusive lock that would hold
      // readers off for the rest of the batch: a batch's dirty pages stay in memory instead.
      this.db.pragma("cache_spill = OFF");
    }
    if (options.reader !== true) {
      if ((this.db.pragma("user_version", { simple: true }) as number) < SCHEMA_VERSION) {
        // Views of an older shape: rebuild them (dead letters are kept; a rebuild adds none twice).
        this.db.exec("DROP TABLE IF EXISTS views; DROP TABLE IF EXISTS checkpoints;");
        this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
      }
      this.db.exec(SCHEMA);
    }
    // Negative: KiB, SQLite's unit for a cache given by size rather than pages.
    if (options.cacheMiB !== undefined) this.db.pragma(`cache_size = -${Math.round(options.cacheMiB * 1024)}`);
    if (!building) this.startCheckpoints();
    this.statements = {
      get: this.db.prepare<[string, string], { etag: number; body: string }>("SELECT etag, body FROM views WHERE grp = ? AND id = ?"),
      insert: this.db.prepare<[string, string, string, number | null, string | null, string]>(
        "INSERT OR IGNORE INTO views (grp, id, kind, rank, sort, etag, body) VALUES (?, ?, ?, ?, ?, 1, ?)",
      ),
      // A row's sort key rarely changes (an entry's request time, an article's name): this
      // update leaves the sort index alone, and the one below runs only when it does change.
      updateSameSort: this.db.prepare<[number | null, string, string, string, number, string | null]>(
        "UPDATE views SET rank = ?, body = ?, etag = etag + 1 WHERE grp = ? AND id = ? AND etag = ? AND sort IS ?",
      ),
      update: this.db.prepare<[number | null, string | null, string, string, string, number]>(
        "UPDATE views SET rank = ?, sort = ?, body = ?, etag = etag + 1 WHERE grp = ? AND id = ? AND etag = ?",
      ),
      delete: this.db.prepare<[string, string, number]>("DELETE FROM views WHERE grp = ? AND id = ? AND etag = ?"),
      page: this.db.prepare<[string, string, number], { sort: string; body: string }>(
        "SELECT sort, body FROM views WHERE grp = ? AND sort IS NOT NULL AND sort > ? ORDER BY sort LIMIT ?",
      ),
      top: this.db.prepare<[string, number], { body: string }>(
        "SELECT body FROM views WHERE kind = ? AND rank IS NOT NULL ORDER BY rank DESC, grp LIMIT ?",
      ),
      addDeadLetter: this.db.prepare<[string, number, string, string, string]>(
        "INSERT OR IGNORE INTO dead_letters (stream_id, version, reason, failed_at, event) VALUES (?, ?, ?, ?, ?)",
      ),
      countDeadLetters: this.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM dead_letters"),
      listDeadLetters: this.db.prepare<[number], { reason: string; failed_at: string; event: string }>(
        "SELECT reason, failed_at, event FROM dead_letters ORDER BY failed_at, stream_id, version LIMIT ?",
      ),
      getCheckpoint: this.db.prepare<[string], { position: number }>("SELECT position FROM checkpoints WHERE name = ?"),
      setCheckpoint: this.db.prepare<[string, number]>(
        "INSERT INTO checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position",
      ),
    };
    // better-sqlite3 nests this in a savepoint inside the projector's batch transaction: a
    // failed condition undoes the group's earlier operations, as a Cosmos batch does.
    this.commitOne = (group: string, ops: readonly ViewOp[]) => {
      const etags = new Map<string, string>();
      for (const op of ops) {
        if (op.type === "delete") {
          if (this.statements.delete.run(group, op.id, Number(op.etag)).changes === 0) throw new ViewWriteConflictError(group);
          continue;
        }
        const { row } = op;
        const body = JSON.stringify(row.value);
        const [rank, sort] = [row.rank ?? null, row.sort ?? null];
        if (op.etag === undefined) {
          if (this.statements.insert.run(group, row.id, row.kind, rank, sort, body).changes === 0) throw new ViewWriteConflictError(group);
          etags.set(row.id, "1");
        } else {
          const etag = Number(op.etag);
          if (
            this.statements.updateSameSort.run(rank, body, group, row.id, etag, sort).changes === 0 &&
            this.statements.update.run(rank, sort, body, group, row.id, etag).changes === 0
          )
            throw new ViewWriteConflictError(group);
          etags.set(row.id, String(etag + 1));
        }
      }
      return etags;
    };
    // A single statement is atomic by itself: most commits (order summaries) skip the savepoint.
    this.commitAll = this.db.transaction(this.commitOne);
  }

  read<T>(group: string, ids: readonly string[]): Promise<ReadonlyMap<string, StoredRow<T>>> {
    const rows = new Map<string, StoredRow<T>>();
    for (const id of ids) {
      const row = this.statements.get.get(group, id);
      if (row) rows.set(id, { value: JSON.parse(row.body) as T, etag: String(row.etag) });
    }
    return Promise.resolve(rows);
  }

  commit(group: string, ops: readonly ViewOp[]): Promise<ReadonlyMap<string, string>> {
    if (ops.length > this.maxOpsPerCommit)
      return Promise.reject(new Error(`a commit takes at most ${this.maxOpsPerCommit} operations, not ${ops.length}`));
    try {
      return Promise.resolve(ops.length === 1 ? this.commitOne(group, ops) : this.commitAll(group, ops));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  page<T>(group: string, after: string, limit: number): Promise<readonly SortedRow<T>[]> {
    return Promise.resolve(
      this.statements.page.all(group, after, limit).map((row) => ({ sort: row.sort, value: JSON.parse(row.body) as T })),
    );
  }

  top<T>(kind: ViewKind, limit: number): Promise<readonly T[]> {
    return Promise.resolve(this.statements.top.all(kind, limit).map((row) => JSON.parse(row.body) as T));
  }

  /** Every view row as stored, by "group id": what rebuild tests compare byte for byte. */
  dump(): ReadonlyMap<string, string> {
    const rows = this.db.prepare<[], { grp: string; id: string; body: string }>("SELECT grp, id, body FROM views ORDER BY grp, id").all();
    return new Map(rows.map((r) => [`${r.grp} ${r.id}`, r.body]));
  }

  /** The largest stored row in bytes of JSON, and which: what the size-bound tests check. */
  largestRow(): { group: string; id: string; bytes: number } | undefined {
    const row = this.db
      .prepare<[], { grp: string; id: string; bytes: number }>(
        "SELECT grp, id, length(CAST(body AS BLOB)) AS bytes FROM views ORDER BY bytes DESC, grp, id LIMIT 1",
      )
      .get();
    return row && { group: row.grp, id: row.id, bytes: row.bytes };
  }

  add(letter: DeadLetter): Promise<void> {
    const { event } = letter;
    this.statements.addDeadLetter.run(event.streamId, event.version, letter.reason, letter.failedAt, JSON.stringify(event));
    return Promise.resolve();
  }

  count(): Promise<number> {
    return Promise.resolve(this.statements.countDeadLetters.get()?.n ?? 0);
  }

  list(limit: number): Promise<readonly DeadLetter[]> {
    return Promise.resolve(
      this.statements.listDeadLetters
        .all(limit)
        .map((row) => ({ reason: row.reason, failedAt: row.failed_at, event: JSON.parse(row.event) as RecordedEvent })),
    );
  }

  getCheckpoint(name: string): Promise<number> {
    return Promise.resolve(this.statements.getCheckpoint.get(name)?.position ?? 0);
  }

  setCheckpoint(name: string, position: number): Promise<void> {
    this.statements.setCheckpoint.run(name, position);
    return Promise.resolve();
  }

  /**
   * Runs a projector batch in one transaction: its view writes, dead letters and checkpoint
   * commit together, once. Give the projector its own SqliteProjectionStore (connection):
   * readers on another connection then see only whole batches.
   */
  async inTransaction<T>(work: () => Promise<T>): Promise<T> {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = await work();
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      throw error;
    }
  }

  /** True from the start of a build without a WAL (options.buildWithoutWal) until its end is on disk. */
  get building(): boolean {
    return this.build !== "none";
  }

  /** Settles once a build's end is on disk and its marker gone; at once for a file not being built. */
  whenBuilt(): Promise<void> {
    return this.built;
  }

  /** True between finishBuild() and the checkpoint thread's sync that ends the build. */
  get buildEnding(): boolean {
    return this.build === "ending";
  }

  /**
   * Ends a build without a WAL, between transactions: the file becomes a WAL file, and once it
   * has reached the disk its marker goes. Readers follow the file into WAL mode. With background
   * checkpoints the sync is the checkpoint thread's first complete checkpoint, beside the
   * projection (whenBuilt() tells when); without, it happens here. Does nothing for a file that
   * is not being built. Throws if the switch or the sync could not be done yet (a reader in the
   * way); calling it again retries.
   */
  finishBuild(): void {
    if (this.build !== "building") return;
    if (this.db.inTransaction) throw new Error("a build ends between transactions, not inside one");
    this.switchToWal();
    if (this.options.backgroundCheckpoints === true && this.file !== ":memory:") {
      this.startCheckpoints(() => {
        this.buildEnded();
      });
      this.build = "ending";
      return;
    }
    this.endBuildHere();
  }

  private switchToWal(): void {
    const mode = this.db.pragma("journal_mode = WAL", { simple: true }) as string;
    if (mode !== "wal") throw new Error(`${this.file} is still in journal mode ${mode} at the end of its build`);
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("cache_spill = ON");
    // One commit in WAL mode (the header's user_version, rewritten) for the checkpoint that ends
    // the build to copy: with synchronous=NORMAL, SQLite syncs the database file after a
    // checkpoint that copied the whole WAL (https://www.sqlite.org/pragma.html#pragma_synchronous),
    // and that sync flushes every page the build wrote into the file without one.
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }

  /**
   * The end of the build on this connection's thread: a checkpoint that copies the whole WAL, and
   * so syncs the file. PASSIVE suffices here, unlike on the checkpoint thread: this connection is
   * the file's only writer and runs it between its own transactions, so no commit can overtake it.
   * No checkpoint thread starts here: finishBuild started the store's own, and close() has no use
   * for one.
   */
  private endBuildHere(): void {
    const [result] = this.db.pragma("wal_checkpoint(PASSIVE)") as { busy: number; log: number; checkpointed: number }[];
    if (result === undefined || result.busy !== 0 || result.checkpointed !== result.log)
      throw new Error(`the checkpoint that ends the build of ${this.file} did not complete (${JSON.stringify(result)})`);
    this.buildEnded();
  }

  /** The checkpoint thread failed while ending a build: the writer ends it, between batches, trying every second. */
  private endBuildOnWriterSoon(): void {
    setTimeout(() => {
      if (this.build !== "ending" || !this.db.open) return;
      try {
        if (this.db.inTransaction) throw new Error("a batch is in progress");
        this.endBuildHere();
      } catch {
        this.endBuildOnWriterSoon();
      }
    }, 1000).unref();
  }

  /** The file is on disk: the marker goes (tried again every second until it does). */
  private buildEnded(): void {
    if (this.build === "none" || !this.db.open) return;
    try {
      endBuild(this.file);
    } catch (error) {
      this.options.onBackgroundError?.(`could not remove the build marker of ${this.file}: ${String(error)}`, 1000);
      setTimeout(() => {
        this.buildEnded();
      }, 1000).unref();
      return;
    }
    this.build = "none";
    this.resolveBuilt();
  }

  private startCheckpoints(onFirstCompleteCheckpoint?: () => void): void {
    if (this.options.backgroundCheckpoints !== true || this.file === ":memory:" || this.checkpointer) return;
    this.db.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`);
    const onError = this.options.onBackgroundError;
    this.checkpointer = startBackgroundCheckpoints(this.file, {
      onError: (message, retryInMs) => {
        onError?.(message, retryInMs);
        // Should the thread fail before it has ended a build, the writer ends it itself.
        if (this.build === "ending") this.endBuildOnWriterSoon();
      },
      ...(onFirstCompleteCheckpoint ? { onFirstCompleteCheckpoint } : {}),
    });
  }

  /**
   * Closes the connection; the checkpoint thread, if any, finishes its checkpoint and closes its
   * own. A build stopped cleanly is ended first, so the next start goes on from its checkpoint;
   * if it cannot be ended, its marker stays and the next start builds the file again.
   */
  close(): void {
    if (this.db.open && this.build !== "none" && !this.db.inTransaction) {
      try {
        if (this.build === "building") this.switchToWal();
        // While the checkpoint thread is ending the build, its checkpoint may hold this one off.
        this.endBuildHere();
      } catch {
        // Left to the marker, as after a crash.
      }
    }
    if (this.db.open) this.db.close();
    void this.checkpointer?.stop();
  }
}
