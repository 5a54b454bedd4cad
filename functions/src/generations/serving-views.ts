import type { DeadLetter, DeadLetterStore } from "../projections/dead-letters.js";
import type { ViewKind } from "../projections/view-keys.js";
import type { SortedRow, StoredRow, ViewOp, ViewStore } from "../projections/view-store.js";

/**
 * The views the API reads, forwarded to whichever generation serves reads at the moment of each
 * call. The handlers keep one ViewStore for the life of the process; switching generations is
 * then a matter of changing what `serving` returns.
 */
export class ServingViews implements ViewStore {
  /**
   * `serving` may have to look the generation up first (Azure). Given a store at once (local),
   * the store is chosen when the call is made, and used in the same turn of the event loop.
   */
  constructor(
    readonly kind: string,
    /** Every generation's store is of one kind, and so of one limit. */
    readonly maxOpsPerCommit: number,
    private readonly serving: () => ViewStore | Promise<ViewStore>,
  ) {}

  async read<T>(group: string, ids: readonly string[]): Promise<ReadonlyMap<string, StoredRow<T>>> {
    return (await this.serving()).read<T>(group, ids);
  }

  async commit(group: string, ops: readonly ViewOp[]): Promise<ReadonlyMap<string, string>> {
    return (await this.serving()).commit(group, ops);
  }

  async page<T>(group: string, after: string, limit: number): Promise<readonly SortedRow<T>[]> {
    return (await this.serving()).page<T>(group, after, limit);
  }

  async top<T>(kind: ViewKind, limit: number): Promise<readonly T[]> {
    return (await this.serving()).top<T>(kind, limit);
  }
}

/** Dead letters of the serving generation, where each generation keeps its own (locally). */
export class ServingDeadLetters implements DeadLetterStore {
  constructor(private readonly serving: () => DeadLetterStore) {}

  add(letter: DeadLetter): Promise<void> {
    return this.serving().add(letter);
  }

  count(): Promise<number> {
    return this.serving().count();
  }

  list(limit: number): Promise<readonly DeadLetter[]> {
    return this.serving().list(limit);
  }
}
