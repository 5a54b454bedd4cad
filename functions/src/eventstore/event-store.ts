/**
 * The EventStore port. Every adapter meets the guarantees of docs/guarantees.md and passes the
 * shared contract suite in tests/eventstore/event-store-contract.ts.
 */

/** A number is the exact version the stream must be at (0: empty). */
export type ExpectedVersion = number | "any" | "no_stream" | "stream_exists";

export type JsonObject = { [key: string]: unknown };

export interface NewEvent {
  readonly eventId: string;
  readonly type: string;
  /** The version of the shape of `data` (docs/adr/0012); absent means 1, the shape before any change. */
  readonly schemaVersion?: number;
  readonly data: unknown;
  readonly metadata: JsonObject;
}

export interface RecordedEvent {
  readonly eventId: string;
  readonly streamId: string;
  /** 1-based position in the stream. */
  readonly version: number;
  readonly type: string;
  /**
   * The schema version of `data` as read: stores apply the upcasters on every read path (stream
   * reads, the feed, change-feed documents), so known types arrive in their current version.
   */
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: JsonObject;
  /** The store's clock at append: ISO 8601, UTC, millisecond precision. */
  readonly recordedAt: string;
}

export interface AppendResult {
  readonly streamId: string;
  readonly firstVersion: number;
  readonly lastVersion: number;
  readonly eventIds: readonly string[];
  /** True when the same events were already stored at the same place: nothing was written. */
  readonly replayed: boolean;
}

export interface StreamSlice {
  /** The stream's current version (its number of events), whatever slice was asked for. */
  readonly version: number;
  readonly events: readonly RecordedEvent[];
}

export interface ReadOptions {
  /** First version to return; default 1. */
  readonly fromVersion?: number;
  /** Most events to return; default 100. */
  readonly maxCount?: number;
}

export interface EventStore {
  /** Short name shown by the health endpoint, e.g. "sqlite" or "cosmos". */
  readonly kind: string;
  append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult>;
  read(streamId: string, options?: ReadOptions): Promise<StreamSlice>;
  close(): Promise<void>;
}

/** An event with its place in the store-wide order, as the embedded feed delivers it. */
export interface PositionedEvent extends RecordedEvent {
  readonly position: number;
}

/** The embedded store's ordered feed of all events, which the local projector follows. */
export interface EventFeed {
  /** Events with a position above `afterPosition`, in position order. */
  readAll(afterPosition: number, maxCount: number): Promise<readonly PositionedEvent[]>;
  /** The position of the last stored event (0 when empty). */
  headPosition(): Promise<number>;
  /** Called after every commit that stored events; returns a function that unsubscribes. */
  onAppended(listener: () => void): () => void;
}
