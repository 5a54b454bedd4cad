import type { CustomerHeader, CustomerOrderEntry } from "../../functions/src/projections/customer-orders.js";
import type { HubDayArticle, HubDayHeader } from "../../functions/src/projections/hub-day.js";
import type { OrderSummaryDoc } from "../../functions/src/projections/order-summary.js";
import type { ViewStore } from "../../functions/src/projections/view-store.js";
import { customerResponse } from "../../functions/src/projections/customer-orders.js";
import { hubDayResponse } from "../../functions/src/projections/hub-day.js";
import { orderSummaryResponse } from "../../functions/src/projections/order-summary.js";
import { HEADER_ID, viewKeys } from "../../functions/src/projections/view-keys.js";
import { readRow } from "../../functions/src/projections/view-store.js";

/** Every row of a group that has a sort key, in order. */
async function allSorted<T>(views: ViewStore, group: string): Promise<T[]> {
  const rows: T[] = [];
  for (let after = ""; ;) {
    const page = await views.page<T>(group, after, 1000);
    rows.push(...page.map((r) => r.value));
    const last = page.at(-1);
    if (page.length < 1000 || !last) return rows;
    after = last.sort;
  }
}

/** The views as the API serves them, read straight from a store. */
export async function customerView(views: ViewStore, customerId: number) {
  const group = viewKeys.customer(customerId);
  const header = await readRow<CustomerHeader>(views, group, HEADER_ID);
  return header && customerResponse(header.value, await allSorted<CustomerOrderEntry>(views, group), null);
}

export async function hubDayView(views: ViewStore, hubId: number, day: string) {
  const group = viewKeys.hubDay(hubId, day);
  const header = await readRow<HubDayHeader>(views, group, HEADER_ID);
  return header && hubDayResponse(header.value, await allSorted<HubDayArticle>(views, group));
}

export async function orderSummary(views: ViewStore, orderNumber: string): Promise<OrderSummaryDoc | undefined> {
  return (await readRow<OrderSummaryDoc>(views, viewKeys.order(orderNumber), HEADER_ID))?.value;
}

export async function orderView(views: ViewStore, orderNumber: string) {
  const summary = await orderSummary(views, orderNumber);
  return summary && orderSummaryResponse(summary);
}
