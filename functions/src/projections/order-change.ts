import type { ProjectedOrder } from "./order-summary.js";

/** An order's state after `version` of its stream: what downstream views are updated from. */
export interface OrderChange {
  readonly orderNumber: string;
  readonly order: ProjectedOrder;
  readonly version: number;
}
