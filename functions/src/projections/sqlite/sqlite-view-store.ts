import type Database from "better-sqlite3";
import type { RecordedEvent } from "../../eventstore/event-store.js";
import type { DeadLetter, DeadLetterStore } from "../dead-letters.js";
import type { ViewKind } from "../view-keys.js";
import type { CheckpointStore, StoredView, ViewStore, ViewWrite } from "../view-store.js";
import { openDatabase } from "../../eventstore/sqlite/open-database.js";
import { PreconditionFailedError } from "../view-store.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS views (
  key  TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  rank INTEGER,
  etag INTEGER NOT NULL,
  body TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS views_by_rank ON views (kind, rank DESC, key);
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

/**
 * Views, dead letters and the projector's checkpoint in one SQLite file apart from the events,
 * so deleting it rebuilds the views from the first event. synchronous=NORMAL is enough here:
 * WAL keeps commits in order, so a crash can only lose the newest view writes together with
 * the checkpoint that follows them, and the projector redoes them from the event log.
 */
export class SqliteViewStore implements ViewStore, DeadLetterStore, CheckpointStore {
  readonly kind = "sqlite";
  private readonly db: Database.Database;
  private readonly statements;

  constructor(file: string) {
    this.db = openDatabase(file, "NORMAL");
    this.db.exec(SCHEMA);
    this.statements = {
      get: this.db.prepare<[string], { etag: number; body: string }>("SELECT etag, body FROM views WHERE key = ?"),
      insert: this.db.prepare<[string, string, number | null, string]>("INSERT OR IGNORE INTO views (key, kind, rank, etag, body) VALUES (?, ?, ?, 1, ?)"),
      update: this.db.prepare<[number | null, string, string, number]>("UPDATE views SET rank = ?, body = ?, etag = etag + 1 WHERE key = ? AND etag = ?"),
      top: this.db.prepare<[string, number], { body: string }>("SELECT body FROM views WHERE kind = ? ORDER BY rank DESC, key LIMIT ?"),
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
  }

  get<T>(key: string): Promise<StoredView<T> | undefined> {
    const row = this.statements.get.get(key);
    return Promise.resolve(row ? { value: JSON.parse(row.body) as T, etag: String(row.etag) } : undefined);
  }

  put(write: ViewWrite, etag: string | undefined): Promise<string> {
    const body = JSON.stringify(write.value);
    const rank = write.rank ?? null;
    if (etag === undefined) {
      if (this.statements.insert.run(write.key, write.kind, rank, body).changes === 0) return Promise.reject(new PreconditionFailedError(write.key));
      return Promise.resolve("1");
    }
    const expected = Number(etag);
    if (this.statements.update.run(rank, body, write.key, expected).changes === 0) return Promise.reject(new PreconditionFailedError(write.key));
    return Promise.resolve(String(expected + 1));
  }

  top<T>(kind: ViewKind, limit: number): Promise<readonly T[]> {
    return Promise.resolve(this.statements.top.all(kind, limit).map((row) => JSON.parse(row.body) as T));
  }

  /** Every view document as stored, by key: what rebuild tests compare byte for byte. */
  dump(): ReadonlyMap<string, string> {
    const rows = this.db.prepare<[], { key: string; body: string }>("SELECT key, body FROM views ORDER BY key").all();
    return new Map(rows.map((r) => [r.key, r.body]));
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
      this.statements.listDeadLetters.all(limit).map((row) => ({ reason: row.reason, failedAt: row.failed_at, event: JSON.parse(row.event) as RecordedEvent })),
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
   * commit together, once. Give the projector its own SqliteViewStore (connection): readers on
   * another connection then see only whole batches.
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

  close(): void {
    if (this.db.open) this.db.close();
  }
}
