import type { Container } from "@azure/cosmos";
import { expect } from "vitest";
import type { RecordedEvent } from "../../functions/src/eventstore/event-store.js";
import type { DeadLetterStore } from "../../functions/src/projections/dead-letters.js";
import type { ViewStore } from "../../functions/src/projections/view-store.js";
import { CUSTOMER_ENTRY_MAX_BYTES, CUSTOMER_HEADER_MAX_BYTES } from "../../functions/src/projections/customer-orders.js";
import { HUB_DAY_ARTICLE_MAX_BYTES, HUB_DAY_ENTRY_MAX_BYTES, HUB_DAY_HEADER_MAX_BYTES } from "../../functions/src/projections/hub-day.js";
import { ORDER_SUMMARY_MAX_BYTES } from "../../functions/src/projections/order-summary.js";
import { projectBatch } from "../../functions/src/projections/projection-engine.js";
import { CATALOGUE, requestedData } from "./orders.js";
import { customerView, hubDayView } from "../projections/read-views.js";

/** One customer's orders at one hub on one day, the volume at which unbounded documents broke. */
export const now = () => new Date("2030-01-01T00:00:00.000Z");
export const BOUND_OF_KIND: Record<string, number> = {
  customer: CUSTOMER_HEADER_MAX_BYTES,
  "customer-order": CUSTOMER_ENTRY_MAX_BYTES,
  "hub-day": HUB_DAY_HEADER_MAX_BYTES,
  "hub-day-order": HUB_DAY_ENTRY_MAX_BYTES,
  "hub-day-article": HUB_DAY_ARTICLE_MAX_BYTES,
  order: ORDER_SUMMARY_MAX_BYTES,
};

/** `orders` orders of one customer at one hub on one day; every third accepted, every seventh cancelled. */
export function oneCustomerOneHubOneDay(orders: number): RecordedEvent[] {
  const log: RecordedEvent[] = [];
  const start = Date.parse("2026-11-27T00:00:00.000Z");
  for (let n = 0; n < orders; n++) {
    const orderNumber = `big-${n.toString().padStart(6, "0")}`;
    const at = new Date(start + n * 4000).toISOString();
    const line = CATALOGUE[n % CATALOGUE.length] ?? { article: "Mojito", quantity: 1, price: 7.5 };
    const base = { streamId: `order-${orderNumber}`, schemaVersion: 1, metadata: {}, recordedAt: at };
    log.push({
      ...base,
      eventId: crypto.randomUUID(),
      version: 1,
      type: "OrderRequested",
      data: requestedData(orderNumber, 50001, 10001, [{ ...line, quantity: 1 + (n % 3) }]),
    });
    if (n % 3 === 0) log.push({ ...base, eventId: crypto.randomUUID(), version: 2, type: "OrderAccepted", data: { orderNumber } });
    else if (n % 7 === 0) log.push({ ...base, eventId: crypto.randomUUID(), version: 2, type: "OrderCancelled", data: { orderNumber } });
  }
  return log;
}

export async function projectInBatches(
  log: readonly RecordedEvent[],
  views: ViewStore,
  deadLetters: DeadLetterStore,
  size: number,
): Promise<void> {
  for (let i = 0; i < log.length; i += size) await projectBatch(log.slice(i, i + size), { views, deadLetters, now });
}

export async function expectTheDayServed(views: ViewStore, orders: number): Promise<void> {
  const customer = await customerView(views, 50001);
  expect(customer?.totalOrders).toBe(orders);
  expect(customer?.orders).toHaveLength(orders);
  expect(customer?.orders[0]?.orderNumber).toBe("big-000000");
  const hub = await hubDayView(views, 10001, "2026-11-27");
  const cancelled = Array.from({ length: orders }, (_, n) => n).filter((n) => n % 3 !== 0 && n % 7 === 0).length;
  expect(hub).toMatchObject({ ordersRequested: orders, ordersCancelled: cancelled, ordersDelivered: 0 });
}

/** The kind of a row from its "group id" key as SqliteProjectionStore.dump() gives it. */
export function kindOfKey(key: string): string {
  const [group = "", id = ""] = key.split(" ");
  if (group.startsWith("order:")) return "order";
  if (group.startsWith("customer:")) return id === "header" ? "customer" : "customer-order";
  if (id === "header") return "hub-day";
  return id.startsWith("a:") ? "hub-day-article" : "hub-day-order";
}

/** The largest view document of each kind in a views container, in bytes of JSON. */
export async function largestByKind(container: Container): Promise<Map<string, number>> {
  const { resources } = await container.items.query<{ kind: string; view: unknown }>("SELECT c.kind, c.view FROM c").fetchAll();
  const byKind = new Map<string, number>();
  for (const r of resources) byKind.set(r.kind, Math.max(byKind.get(r.kind) ?? 0, Buffer.byteLength(JSON.stringify(r.view))));
  return byKind;
}
