import type { OrderPlan } from "../../functions/src/order-generator/order-plan.js";
import { finalArticles, finalStatus } from "../../functions/src/order-generator/order-plan.js";
import { CUSTOMERS, HUBS } from "../../functions/src/order-generator/catalogue.js";

export type Get = (path: string) => Promise<{ status: number; body: any }>;

interface HubDay {
  ordersRequested: number;
  ordersCancelled: number;
  ordersDelivered: number;
  articles: Record<string, number>;
}

const ZERO: HubDay = { ordersRequested: 0, ordersCancelled: 0, ordersDelivered: 0, articles: {} };

export interface ViewSnapshot {
  readonly customers: Map<number, number>;
  readonly hubDays: Map<string, HubDay>;
}

/** Totals before the run, so a store that already holds orders can be verified too. */
export async function snapshot(get: Get, day: string): Promise<ViewSnapshot> {
  const customers = new Map<number, number>();
  for (let c = CUSTOMERS.first; c < CUSTOMERS.first + CUSTOMERS.count; c++) {
    const view = await get(`/views/customers/${c}`);
    customers.set(c, view.status === 200 ? (view.body.totalOrders as number) : 0);
  }
  const hubDays = new Map<string, HubDay>();
  for (let h = HUBS.first; h < HUBS.first + HUBS.count; h++) {
    const view = await get(`/views/hubs/${h}/days/${day}`);
    hubDays.set(`${h}/${day}`, view.status === 200 ? (view.body as HubDay) : ZERO);
  }
  return { customers, hubDays };
}

/**
 * Compares the views the API serves with the views computed from what the simulator sent.
 * Returns the differences found (empty when everything matches).
 */
export async function verifyViews(get: Get, plans: readonly OrderPlan[], before: ViewSnapshot, timeoutMs: number): Promise<string[]> {
  const problems: string[] = [];
  // The views are eventually consistent: wait for each order's summary to reach its end state.
  const deadline = Date.now() + timeoutMs;
  for (const plan of plans) {
    for (;;) {
      const view = await get(`/views/orders/${plan.orderNumber}`);
      if (view.status === 200 && view.body.status === finalStatus(plan)) {
        const expected = { orderNumber: plan.orderNumber, status: finalStatus(plan), customerId: plan.customerId, hubId: plan.hubId };
        for (const [key, value] of Object.entries(expected))
          if (view.body[key] !== value)
            problems.push(`order ${plan.orderNumber}: ${key} is ${String(view.body[key])}, expected ${String(value)}`);
        if (JSON.stringify(sortLines(view.body.articles)) !== JSON.stringify(sortLines(finalArticles(plan))))
          problems.push(`order ${plan.orderNumber}: articles differ`);
        break;
      }
      if (Date.now() > deadline) {
        problems.push(`order ${plan.orderNumber}: not projected to ${finalStatus(plan)} within ${timeoutMs / 1000} s`);
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const perCustomer = new Map<number, OrderPlan[]>();
  for (const plan of plans) perCustomer.set(plan.customerId, [...(perCustomer.get(plan.customerId) ?? []), plan]);
  for (const [customerId, theirs] of perCustomer) {
    const view = await get(`/views/customers/${customerId}?limit=1000`);
    const total = view.status === 200 ? (view.body.totalOrders as number) : 0;
    const expected = (before.customers.get(customerId) ?? 0) + theirs.length;
    if (total !== expected) problems.push(`customer ${customerId}: totalOrders ${total}, expected ${expected}`);
    // The view is paged: follow `next` to the last page.
    const orders = [...((view.body?.orders ?? []) as { orderNumber: string; status: string }[])];
    for (let next = view.body?.next as string | null | undefined; typeof next === "string";) {
      const page = await get(`/views/customers/${customerId}?limit=1000&after=${next}`);
      orders.push(...((page.body?.orders ?? []) as { orderNumber: string; status: string }[]));
      next = page.body?.next as string | null | undefined;
    }
    const listed = new Map(orders.map((o) => [o.orderNumber, o.status]));
    for (const plan of theirs)
      if (listed.get(plan.orderNumber) !== finalStatus(plan))
        problems.push(`customer ${customerId}: order ${plan.orderNumber} listed as ${String(listed.get(plan.orderNumber))}`);
  }

  // Hub-day keys come from the store's recordedAt of each OrderRequested.
  const expectedHubDays = new Map<string, HubDay>();
  for (const plan of plans) {
    const stream = await get(`/streams/order-${plan.orderNumber}/events?maxCount=1`);
    const day = String(stream.body?.events?.[0]?.recordedAt ?? "").slice(0, 10);
    const key = `${plan.hubId}/${day}`;
    const base = expectedHubDays.get(key) ?? structuredClone(before.hubDays.get(key) ?? ZERO);
    base.ordersRequested++;
    if (plan.cancelled) base.ordersCancelled++;
    else {
      base.ordersDelivered++;
      for (const line of finalArticles(plan)) base.articles[line.article] = (base.articles[line.article] ?? 0) + line.quantity;
    }
    expectedHubDays.set(key, base);
  }
  for (const [key, expected] of expectedHubDays) {
    const view = await get(`/views/hubs/${key.replace("/", "/days/")}`);
    const actual = view.body as HubDay;
    for (const field of ["ordersRequested", "ordersCancelled", "ordersDelivered"] as const) {
      if (actual[field] !== expected[field]) problems.push(`hub-day ${key}: ${field} ${actual[field]}, expected ${expected[field]}`);
    }
    if (JSON.stringify(sortObject(actual.articles)) !== JSON.stringify(sortObject(expected.articles)))
      problems.push(`hub-day ${key}: articles differ`);
  }
  return problems;
}

function sortLines(lines: readonly { article: string; quantity: number; price: number }[]) {
  return [...lines]
    .map(({ article, quantity, price }) => ({ article, quantity, price }))
    .sort((a, b) => a.article.localeCompare(b.article));
}

function sortObject(value: Record<string, number>) {
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== 0)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}
