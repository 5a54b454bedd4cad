/**
 * Group keys and row ids of the views. Numeric ids are zero-padded so that key order is
 * numeric order, which the customers top list uses to break ties by customerId.
 */
export type ViewKind = "order" | "customer" | "customer-order" | "hub-day" | "hub-day-order" | "hub-day-article" | "status";

const pad = (id: number): string => id.toString().padStart(16, "0");

/** Group keys: one view each, and on Cosmos DB one logical partition each. */
export const viewKeys = {
  order: (orderNumber: string): string => `order:${orderNumber}`,
  customer: (customerId: number): string => `customer:${pad(customerId)}`,
  hubDay: (hubId: number, day: string): string => `hub-day:${pad(hubId)}:${day}`,
};

/** The id of each group's header row (an order's summary, a customer's counts, a hub-day's totals). */
export const HEADER_ID = "header";

/** The Azure projector's own status (last batch, lag), read by /api/health: the header of this group. */
export const PROJECTOR_STATUS_KEY = "status:projector";
