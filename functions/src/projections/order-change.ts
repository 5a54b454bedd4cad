import type { ProjectedOrder } from "./order-summary.js";

/** An order's state after `version` of its stream: what downstream views are updated from. */
export interface OrderChange {
  readonly orderNumber: string;
  readonly order: ProjectedOrder;
  readonly version: number;
  /**
   * No summary of this order was stored before this batch: its entries are presumed not to
   * exist yet, and are not read before a first attempt to create them (a conflict, after a
   * crash between an entry's write and its summary's, makes the engine read them).
   */
  readonly firstSeen?: boolean;
}
