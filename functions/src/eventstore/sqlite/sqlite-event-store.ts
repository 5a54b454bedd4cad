import type Database from "better-sqlite3";
import type {
  AppendResult,
  EventFeed,
  EventStore,
  ExpectedVersion,
  JsonObject,
  NewEvent,
  PositionedEvent,
  ReadOptions,
  StreamSlice,
} from "../event-store.js";
import { checkExpectedVersion } from "../expected-version.js";
import { detectReplay } from "../replay-detection.js";
import { currentShapes, schemaVersionOf } from "../upcasting.js";
import { openDatabase } from "./open-database.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY,
  stream_id   TEXT    NOT NULL,
  version     INTEGER NOT NULL,
  event_id    TEXT    NOT NULL,
  type        TEXT    NOT NULL,
  schema_version INTEGER NOT NULL DEFAULT 1,
  data        TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  recorded_at TEXT    NOT NULL,
  UNIQUE (stream_id, version),
  UNIQUE (stream_id, event_id)
) STRICT;
`;

/**
 * Files written before events carried a schema version have no such column: it is added, and
 * every event already there is version 1, the shape before any change (docs/adr/0012).
 */
function addSchemaVersionColumn(db: Database.Database): void {
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('events')").all();
  if (!columns.some((c) => c.name === "schema_version")) db.exec("ALTER TABLE events ADD COLUMN schema_version INTEGER NOT NULL DEFAULT 1");
}

export interface SqliteEventStoreOptions {
  /** Path of the database file, or ":memory:". */
  readonly file: string;
  /** The store's clock; default the system clock. */
  readonly clock?: () => Date;
  /**
   * Fault injection for tests: called before each event row is written, with its index in the
   * append. Throwing from it aborts the append the way a failing disk write would.
   */
  readonly beforeEventWrite?: (index: number) => void;
}

interface PendingAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expected: ExpectedVersion;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A stored row as better-sqlite3's raw mode returns it, in EVENT_COLUMNS' order: an array per
 * row rather than an object with nine named properties, which a replay reads a million of.
 */
type EventRow = [
  position: number,
  streamId: string,
  version: number,
  eventId: string,
  type: string,
  schemaVersion: number,
  data: string,
  metadata: string,
  recordedAt: string,
];
const EVENT_COLUMNS = "position, stream_id, version, event_id, type, schema_version, data, metadata, recorded_at";

/** A stored row as the store's readers see it: every read path goes through here, and so through the upcasters. */
function toEvent([position, streamId, version, eventId, type, schemaVersion, data, metadata, recordedAt]: EventRow): PositionedEvent {
  return currentShapes({
    position,
    eventId,
    streamId,
    version,
    type,
    schemaVersion,
    data: JSON.parse(data) as unknown,
    // Most events carry no metadata: skip the parse of "{}".
    metadata: metadata === "{}" ? {} : (JSON.parse(metadata) as JsonObject),
    recordedAt,
  });
}

/**
 * The embedded event store. Appends that arrive in the same turn of the event loop share one
 * transaction and so one fsync (group commit); each runs inside its own savepoint, so one
 * append's conflict never affects another's, and each promise settles only after the commit.
 */
export class SqliteEventStore implements EventStore, EventFeed {
  readonly kind = "sqlite";
  private readonly db: Database.Database;
  private readonly clock: () => Date;
  private readonly beforeEventWrite: ((index: number) => void) | undefined;
  private readonly listeners = new Set<() => void>();
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly statements;
  /** One append inside the group's transaction: a savepoint, rolled back alone on failure. */
  private readonly appendOne: (p: PendingAppend) => AppendResult;

  constructor(options: SqliteEventStoreOptions) {
    this.db = openDatabase(options.file);
    this.db.exec(SCHEMA);
    addSchemaVersionColumn(this.db);
    this.clock = options.clock ?? (() => new Date());
    this.beforeEventWrite = options.beforeEventWrite;
    this.statements = {
      currentVersion: this.db.prepare<[string], { version: number }>(
        "SELECT version FROM events WHERE stream_id = ? ORDER BY version DESC LIMIT 1",
      ),
      versionOfEventId: this.db.prepare<[string, string], { version: number }>(
        "SELECT version FROM events WHERE stream_id = ? AND event_id = ?",
      ),
      insert: this.db.prepare(
        "INSERT INTO events (stream_id, version, event_id, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      readStream: this.db
        .prepare<[string, number, number], EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND version >= ? ORDER BY version LIMIT ?`,
        )
        .raw(),
      readAll: this.db
        .prepare<[number, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`)
        .raw(),
      head: this.db.prepare<[], { head: number | null }>("SELECT MAX(position) AS head FROM events"),
    };
    this.appendOne = this.db.transaction((p: PendingAppend) => this.appendInTransaction(p));
  }

  append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error("the event store is closed"));
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push({ streamId, events, expected: expectedVersion, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const outcomes: ({ ok: true; result: AppendResult } | { ok: false; error: unknown })[] = [];
    try {
      this.db.transaction(() => {
        for (const p of batch) {
          try {
            outcomes.push({ ok: true, result: this.appendOne(p) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      })();
    } catch (commitError) {
      // The commit itself failed (disk full, I/O error): nothing of this batch is stored.
      for (const p of batch) p.reject(commitError);
      return;
    }
    let stored = false;
    for (const [i, p] of batch.entries()) {
      const outcome = outcomes[i];
      if (outcome?.ok === true) {
        stored ||= !outcome.result.replayed;
        p.resolve(outcome.result);
      } else {
        p.reject(outcome?.error);
      }
    }
    if (stored) for (const listener of this.listeners) listener();
  }

  private appendInTransaction({ streamId, events, expected }: PendingAppend): AppendResult {
    const eventIds = events.map((e) => e.eventId);
    const current = this.statements.currentVersion.get(streamId)?.version ?? 0;
    // At the expected place with nothing after it, the events cannot be stored yet: no lookup.
    if (!(typeof expected === "number" && expected === current) && !(expected === "no_stream" && current === 0)) {
      const storedVersions = new Map<string, number>();
      for (const id of eventIds) {
        const row = this.statements.versionOfEventId.get(streamId, id);
        if (row) storedVersions.set(id, row.version);
      }
      const replay = detectReplay(streamId, eventIds, storedVersions, expected);
      if (replay) return replay;
    }
    checkExpectedVersion(streamId, expected, current);
    const recordedAt = this.clock().toISOString();
    events.forEach((event, index) => {
      this.beforeEventWrite?.(index);
      this.statements.insert.run(
        streamId,
        current + 1 + index,
        event.eventId,
        event.type,
        schemaVersionOf(event),
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
        recordedAt,
      );
    });
    return { streamId, firstVersion: current + 1, lastVersion: current + events.length, eventIds, replayed: false };
  }

  read(streamId: string, options: ReadOptions = {}): Promise<StreamSlice> {
    const fromVersion = options.fromVersion ?? 1;
    const maxCount = options.maxCount ?? 100;
    const events = this.statements.readStream.all(streamId, fromVersion, maxCount).map(toEvent);
    const last = events.at(-1);
    // A short slice that starts inside the stream ends at its head: one query, no transaction.
    if (last !== undefined && events.length < maxCount) return Promise.resolve({ version: last.version, events });
    const slice = this.db.transaction(() => ({
      version: this.statements.currentVersion.get(streamId)?.version ?? 0,
      events: this.statements.readStream.all(streamId, fromVersion, maxCount).map(toEvent),
    }))();
    return Promise.resolve(slice);
  }

  readAll(afterPosition: number, maxCount: number): Promise<readonly PositionedEvent[]> {
    return Promise.resolve(this.statements.readAll.all(afterPosition, maxCount).map(toEvent));
  }

  headPosition(): Promise<number> {
    return Promise.resolve(this.statements.head.get()?.head ?? 0);
  }

  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Waits for queued appends to commit, then closes the file. */
  close(): Promise<void> {
    if (!this.db.open) return Promise.resolve();
    this.closed = true;
    this.flush();
    this.db.close();
    return Promise.resolve();
  }
}
