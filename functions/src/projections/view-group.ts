import type { OrderChange } from "./order-change.js";
import type { ViewRow } from "./view-store.js";
import { HEADER_ID } from "./view-keys.js";

/** One atomic commit of a group: rows to put (the header first), rows to delete where they exist. */
export interface GroupStep {
  readonly puts: readonly ViewRow[];
  readonly deletes: readonly string[];
}

/**
 * How a batch's order changes land in one view group: which rows to read, then the commits
 * that bring them up to date. Pure: the engine does the reading, writing and retrying.
 */
export interface GroupUpdate {
  readonly group: string;
  /** Rows to read first: the header and the entries of the changed orders. */
  readonly ids: readonly string[];
  /**
   * Rows presumed absent (entries of orders seen for the first time): the first attempt does
   * not read them and creates them under the condition that they do not exist; after a
   * conflict they are read like the rest. During a replay this skips most reads.
   */
  readonly presumedAbsent?: readonly string[];
  /** Further rows to read once those are known (the article totals a stored entry counts in). */
  more?(stored: ReadonlyMap<string, unknown>): readonly string[];
  /**
   * The commits, in order, each at most the limit given to the update (the view store's) and each leaving the
   * group consistent (its header agrees with its entries). Empty when nothing changes.
   */
  plan(stored: ReadonlyMap<string, unknown>): readonly GroupStep[];
}

/** Consecutive runs of at most `size` items. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * The entry rows a group reads first, and those it presumes absent: the entries of orders seen
 * for the first time (see GroupUpdate.presumedAbsent). Both views key their entries by order.
 */
export function entryReads(
  changes: readonly OrderChange[],
  entryId: (orderNumber: string) => string,
): Pick<GroupUpdate, "ids" | "presumedAbsent"> {
  const ids = [HEADER_ID];
  const presumedAbsent: string[] = [];
  for (const { orderNumber, firstSeen } of changes) (firstSeen === true ? presumedAbsent : ids).push(entryId(orderNumber));
  return { ids, presumedAbsent };
}
