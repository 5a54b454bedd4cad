import type { OrderStatus } from "../domain/order-state.js";
import type { OrderChange } from "./order-change.js";

interface HubDayOrder {
  readonly version: number;
  readonly status: OrderStatus;
  /** Quantity per article of the order's current lines. */
  readonly lines: Readonly<Record<string, number>>;
}

export interface HubDayDoc {
  readonly hubId: number;
  /** UTC date of the orders' OrderRequested recordedAt. */
  readonly day: string;
  readonly ordersRequested: number;
  readonly ordersCancelled: number;
  readonly ordersDelivered: number;
  /** Quantities of the current lines of the day's orders that are not cancelled. */
  readonly articles: Readonly<Record<string, number>>;
  /** Each order's contribution, so that an update replaces it exactly, whatever came before. */
  readonly orders: Readonly<Record<string, HubDayOrder>>;
}

const byKey = ([a]: [string, unknown], [b]: [string, unknown]): number => (a < b ? -1 : a > b ? 1 : 0);

export function dayOf(recordedAt: string): string {
  return recordedAt.slice(0, 10);
}

function contribution(order: HubDayOrder | undefined) {
  if (!order) return { requested: 0, cancelled: 0, delivered: 0, lines: {} };
  const cancelled = order.status === "CANCELLED";
  return { requested: 1, cancelled: cancelled ? 1 : 0, delivered: order.status === "DELIVERED" ? 1 : 0, lines: cancelled ? {} : order.lines };
}

/**
 * Replaces each order's contribution to its hub's day; a contribution already at the change's
 * version or later is kept. Returns `doc` itself when nothing changed.
 */
export function upsertHubDayOrders(doc: HubDayDoc | undefined, hubId: number, day: string, changes: readonly OrderChange[]): HubDayDoc | undefined {
  // Maps, not object indexing: an article or order named "__proto__" must stay plain data.
  const orders = new Map(Object.entries(doc?.orders ?? {}));
  const articles = new Map(Object.entries(doc?.articles ?? {}));
  let { ordersRequested = 0, ordersCancelled = 0, ordersDelivered = 0 } = doc ?? {};
  let changed = false;
  for (const { orderNumber, order, version } of changes) {
    const previous = orders.get(orderNumber);
    if (previous && previous.version >= version) continue;
    const next: HubDayOrder = { version, status: order.status, lines: Object.fromEntries(order.articles.map((l) => [l.article, l.quantity])) };
    const before = contribution(previous);
    const after = contribution(next);
    for (const [article, quantity] of Object.entries(before.lines)) articles.set(article, (articles.get(article) ?? 0) - quantity);
    for (const [article, quantity] of Object.entries(after.lines)) articles.set(article, (articles.get(article) ?? 0) + quantity);
    ordersRequested += after.requested - before.requested;
    ordersCancelled += after.cancelled - before.cancelled;
    ordersDelivered += after.delivered - before.delivered;
    orders.set(orderNumber, next);
    changed = true;
  }
  if (!changed) return doc;
  // Keys sorted: the document's bytes then depend only on its content, never on arrival order.
  const nonZero = [...articles].filter(([, quantity]) => quantity !== 0).sort(byKey);
  return { hubId, day, ordersRequested, ordersCancelled, ordersDelivered, articles: Object.fromEntries(nonZero), orders: Object.fromEntries([...orders].sort(byKey)) };
}

/** GET /api/views/hubs/{hubId}/days/{day}. */
export function hubDayResponse(doc: HubDayDoc) {
  const { hubId, day, ordersRequested, ordersCancelled, ordersDelivered, articles } = doc;
  return { hubId, day, ordersRequested, ordersCancelled, ordersDelivered, articles };
}
