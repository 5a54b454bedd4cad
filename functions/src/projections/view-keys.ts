/**
 * Keys of view documents. Numeric ids are zero-padded so that key order is numeric order, which
 * the customers top list uses to break ties by customerId.
 */
export type ViewKind = "order" | "customer" | "hub-day" | "status";

const pad = (id: number): string => id.toString().padStart(16, "0");

export const viewKeys = {
  order: (orderNumber: string): string => `order:${orderNumber}`,
  customer: (customerId: number): string => `customer:${pad(customerId)}`,
  hubDay: (hubId: number, day: string): string => `hub-day:${pad(hubId)}:${day}`,
};

/** The Azure projector's own status document (last batch, lag), read by /api/health. */
export const PROJECTOR_STATUS_KEY = "status:projector";
