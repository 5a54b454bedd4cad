import type { ViewKind } from "./view-keys.js";

/**
 * A view is a group of small rows sharing a group key (a customer, a hub-day, an order): a
 * header and its entries. On Cosmos DB the group key is the partition key, so a group's rows
 * are written together in one TransactionalBatch.
 */
export interface ViewRow {
  /** Unique within its group. */
  readonly id: string;
  readonly kind: ViewKind;
  readonly value: unknown;
  /** Headers of a kind are ranked by `top`: higher first, ties by group key. */
  readonly rank?: number;
  /** Rows of a group listed by `page`, ascending. */
  readonly sort?: string;
}

/** A row of a group as `page` lists it. */
export interface SortedRow<T> {
  readonly sort: string;
  readonly value: T;
}

export interface StoredRow<T> {
  readonly value: T;
  /** Opaque version of the stored row, for conditional writes. */
  readonly etag: string;
}

/** A conditional write: `put` creates (etag undefined: must not exist) or replaces at `etag`; `delete` removes at `etag`. */
export type ViewOp =
  | { readonly type: "put"; readonly row: ViewRow; readonly etag: string | undefined }
  | { readonly type: "delete"; readonly id: string; readonly etag: string };

/**
 * Cosmos DB's TransactionalBatch takes at most 100 operations
 * (https://learn.microsoft.com/azure/cosmos-db/transactional-batch, "Limitations"): the
 * Cosmos adapter's limit, and the plans' default.
 */
export const MAX_OPS_PER_COMMIT = 100;

/** The ViewStore port: rows addressed by (group, id), written only under conditions, a group at a time. */
export interface ViewStore {
  readonly kind: string;
  /** The most operations one commit takes: MAX_OPS_PER_COMMIT on Cosmos DB, more where the store allows. */
  readonly maxOpsPerCommit: number;
  /** Point reads in one group; ids not stored are absent from the result. */
  read<T>(group: string, ids: readonly string[]): Promise<ReadonlyMap<string, StoredRow<T>>>;
  /**
   * Applies up to maxOpsPerCommit operations to one group, all or none. Throws
   * ViewWriteConflictError when any condition fails. Returns the new etag of each row put.
   */
  commit(group: string, ops: readonly ViewOp[]): Promise<ReadonlyMap<string, string>>;
  /** Up to `limit` rows of a group whose `sort` is greater than `after`, ascending by sort. */
  page<T>(group: string, after: string, limit: number): Promise<readonly SortedRow<T>[]>;
  /** The `limit` rows of a kind with the highest rank, ties by group key ascending. */
  top<T>(kind: ViewKind, limit: number): Promise<readonly T[]>;
}

/**
 * A row changed between its read and a conditional write (another projector instance, or a
 * redelivery racing this one): the writer reads again and re-applies. Not the HTTP If-Match
 * problem, which concerns event streams.
 */
export class ViewWriteConflictError extends Error {
  constructor(readonly group: string) {
    super(`view ${group} changed since it was read`);
  }
}

/** One row, or undefined. */
export async function readRow<T>(views: ViewStore, group: string, id: string): Promise<StoredRow<T> | undefined> {
  return (await views.read<T>(group, [id])).get(id);
}

/** Where the local projector keeps its position in the feed. */
export interface CheckpointStore {
  getCheckpoint(name: string): Promise<number>;
  setCheckpoint(name: string, position: number): Promise<void>;
}
