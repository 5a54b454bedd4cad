import type { ViewKind } from "./view-keys.js";

export interface StoredView<T> {
  readonly value: T;
  /** Opaque version of the stored document, for conditional writes. */
  readonly etag: string;
}

export interface ViewWrite {
  readonly key: string;
  readonly kind: ViewKind;
  readonly value: unknown;
  /** Orders documents of a kind for `top`: higher first, ties by key. */
  readonly rank?: number;
}

/** The ViewStore port: documents addressed by key, written only with an etag condition. */
export interface ViewStore {
  readonly kind: string;
  get<T>(key: string): Promise<StoredView<T> | undefined>;
  /**
   * Writes a document if it is still at `etag`, or, with `etag` undefined, only if it does not
   * exist yet. Throws PreconditionFailedError otherwise. Returns the new etag.
   */
  put(write: ViewWrite, etag: string | undefined): Promise<string>;
  /** The `limit` documents of a kind with the highest rank, ties by key ascending. */
  top<T>(kind: ViewKind, limit: number): Promise<readonly T[]>;
}

export class PreconditionFailedError extends Error {
  constructor(readonly key: string) {
    super(`view document ${key} changed since it was read`);
  }
}

/** Where the local projector keeps its position in the feed. */
export interface CheckpointStore {
  getCheckpoint(name: string): Promise<number>;
  setCheckpoint(name: string, position: number): Promise<void>;
}
