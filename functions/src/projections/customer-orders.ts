import type { ArticleLine } from "../domain/order-events.js";
import type { OrderStatus } from "../domain/order-state.js";
import type { GroupStep, GroupUpdate } from "./view-group.js";
import type { OrderChange } from "./order-change.js";
import { chunk, entryReads } from "./view-group.js";
import { HEADER_ID, viewKeys } from "./view-keys.js";
import { MAX_OPS_PER_COMMIT } from "./view-store.js";

/**
 * A customer's view: a header with the counts and one entry per order (docs/adr/0010).
 * Size bounds, whatever the customer's number of orders:
 * - header: two numbers, under 100 bytes of JSON;
 * - entry: an order number (at most 64 characters), a status, a time and at most 100 article
 *   lines of at most 200 characters each: under CUSTOMER_ENTRY_MAX_BYTES.
 */
export interface CustomerHeader {
  readonly customerId: number;
  /** Every order the customer requested, cancelled ones included, as the original demo counted. */
  readonly totalOrders: number;
}

export interface CustomerOrderEntry {
  readonly orderNumber: string;
  readonly status: OrderStatus;
  readonly articles: readonly ArticleLine[];
  readonly requestedAt: string;
  /** The order stream's version this entry reflects: its high-water mark here. */
  readonly version: number;
}

/**
 * 100 lines × (a 200-character name, each character escaped in JSON at most 6 bytes, plus a
 * quantity, a price and the keys: under 1,300 bytes) + 300 bytes for the rest: 130,300 bytes.
 * A real entry is about 300 bytes.
 */
export const CUSTOMER_ENTRY_MAX_BYTES = 130_300;
export const CUSTOMER_HEADER_MAX_BYTES = 100;

export const customerEntryId = (orderNumber: string): string => `o:${orderNumber}`;

/** Entries list by request time, then order number: values from the events, never arrival order. */
export const customerEntrySort = (entry: Pick<CustomerOrderEntry, "requestedAt" | "orderNumber">): string =>
  `${entry.requestedAt} ${entry.orderNumber}`;

/**
 * Puts each order's state into its customer's entries. An entry already at the change's
 * version or later is left alone, so redelivery changes nothing; the header counts the entries
 * created, in the same commit.
 */
export function customerUpdate(customerId: number, changes: readonly OrderChange[], maxOps = MAX_OPS_PER_COMMIT): GroupUpdate {
  // The header and one entry is the least a commit must take to make progress.
  if (maxOps < 2) throw new Error("a customer commit needs room for at least 2 operations");
  return {
    group: viewKeys.customer(customerId),
    ...entryReads(changes, customerEntryId),
    plan(stored) {
      const header = stored.get(HEADER_ID) as CustomerHeader | undefined;
      let totalOrders = header?.totalOrders ?? 0;
      const pending = changes.filter((c) => {
        const entry = stored.get(customerEntryId(c.orderNumber)) as CustomerOrderEntry | undefined;
        return entry === undefined || entry.version < c.version;
      });
      return chunk(pending, maxOps - 1).map((part): GroupStep => {
        const entries = part.map(({ orderNumber, order, version }) => {
          if (!stored.has(customerEntryId(orderNumber))) totalOrders++;
          const value: CustomerOrderEntry = {
            orderNumber,
            status: order.status,
            articles: order.articles,
            requestedAt: order.requestedAt,
            version,
          };
          return { id: customerEntryId(orderNumber), kind: "customer-order" as const, value, sort: customerEntrySort(value) };
        });
        const value: CustomerHeader = { customerId, totalOrders };
        return { puts: [{ id: HEADER_ID, kind: "customer", value, rank: totalOrders }, ...entries], deletes: [] };
      });
    },
  };
}

/** One page of GET /api/views/customers/{customerId}. */
export function customerResponse(header: CustomerHeader, entries: readonly CustomerOrderEntry[], next: string | null) {
  return {
    customerId: header.customerId,
    totalOrders: header.totalOrders,
    orders: entries.map(({ orderNumber, status, articles }) => ({ orderNumber, status, articles })),
    next,
  };
}
