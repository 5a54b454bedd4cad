import type { ArticleLine } from "../domain/order-events.js";
import type { OrderStatus } from "../domain/order-state.js";
import type { OrderChange } from "./order-change.js";

export interface CustomerOrderEntry {
  readonly orderNumber: string;
  readonly status: OrderStatus;
  readonly articles: readonly ArticleLine[];
  readonly requestedAt: string;
  /** The order stream's version this entry reflects: its high-water mark in this document. */
  readonly version: number;
}

export interface CustomerOrdersDoc {
  readonly customerId: number;
  readonly totalOrders: number;
  /** Sorted by requestedAt, then orderNumber: values from the events, never arrival order. */
  readonly orders: readonly CustomerOrderEntry[];
}

const byRequestThenNumber = (a: CustomerOrderEntry, b: CustomerOrderEntry): number =>
  a.requestedAt < b.requestedAt ? -1 : a.requestedAt > b.requestedAt ? 1 : a.orderNumber < b.orderNumber ? -1 : a.orderNumber > b.orderNumber ? 1 : 0;

/**
 * Puts each order's state into its customer's document. An entry already at the change's
 * version or later is left alone, so redelivery changes nothing. Returns `doc` itself when
 * nothing changed, so the caller can skip the write.
 */
export function upsertCustomerOrders(doc: CustomerOrdersDoc | undefined, customerId: number, changes: readonly OrderChange[]): CustomerOrdersDoc | undefined {
  const entries = new Map((doc?.orders ?? []).map((o) => [o.orderNumber, o]));
  let changed = false;
  for (const { orderNumber, order, version } of changes) {
    const existing = entries.get(orderNumber);
    if (existing && existing.version >= version) continue;
    entries.set(orderNumber, { orderNumber, status: order.status, articles: order.articles, requestedAt: order.requestedAt, version });
    changed = true;
  }
  if (!changed) return doc;
  const orders = [...entries.values()].sort(byRequestThenNumber);
  // Every order the customer requested counts, cancelled ones included, as the original demo did.
  return { customerId, totalOrders: orders.length, orders };
}

/** GET /api/views/customers/{customerId}. */
export function customerResponse(doc: CustomerOrdersDoc) {
  return {
    customerId: doc.customerId,
    totalOrders: doc.totalOrders,
    orders: doc.orders.map(({ orderNumber, status, articles }) => ({ orderNumber, status, articles })),
  };
}
