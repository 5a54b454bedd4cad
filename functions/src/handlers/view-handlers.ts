import type { HttpHandler, HttpRequest } from "@azure/functions";
import type { CustomerHeader, CustomerOrderEntry } from "../projections/customer-orders.js";
import type { HubDayArticle, HubDayHeader } from "../projections/hub-day.js";
import type { OrderSummaryDoc } from "../projections/order-summary.js";
import type { AppDependencies } from "./dependencies.js";
import { Problem } from "../application/problems.js";
import { decodeCursor, encodeCursor } from "../projections/customer-page-cursor.js";
import { customerResponse } from "../projections/customer-orders.js";
import { hubDayResponse } from "../projections/hub-day.js";
import { orderSummaryResponse } from "../projections/order-summary.js";
import { HEADER_ID, viewKeys } from "../projections/view-keys.js";
import { readRow } from "../projections/view-store.js";
import { json } from "./http-responses.js";
import { orderNumberOf } from "./order-handlers.js";
import { intParam } from "./stream-handlers.js";
import { withProblems } from "./with-problems.js";

function positiveId(request: HttpRequest, name: string): number {
  const raw = request.params[name] ?? "";
  const id = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) throw new Problem("invalid-identifier", `${name} must be a positive integer`);
  return id;
}

function dayParam(request: HttpRequest): string {
  const day = request.params.day ?? "";
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(day) && new Date(`${day}T00:00:00.000Z`).toISOString().startsWith(day);
  if (!valid) throw new Problem("invalid-identifier", "day must be a calendar date YYYY-MM-DD");
  return day;
}

function afterParam(request: HttpRequest): string {
  const cursor = request.query.get("after");
  if (cursor === null) return "";
  const sortKey = decodeCursor(cursor);
  if (sortKey === undefined) throw new Problem("validation-failed", "after must be a cursor returned as next by this view");
  return sortKey;
}

/** GET /api/views/customers/{customerId}?limit=N&after=<cursor>: a page of orders, by request time then order number. */
export function customerViewHandler(deps: AppDependencies): HttpHandler {
  return withProblems(async (request) => {
    const customerId = positiveId(request, "customerId");
    const limit = intParam(request.query.get("limit"), "limit", 1, 1000, 100);
    const after = afterParam(request);
    const group = viewKeys.customer(customerId);
    const header = await readRow<CustomerHeader>(deps.views, group, HEADER_ID);
    if (!header) throw new Problem("view-not-found", `no orders projected for customer ${customerId}`);
    // One more than asked: whether a next page exists, without a count.
    const rows = await deps.views.page<CustomerOrderEntry>(group, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const next = rows.length > limit && last ? encodeCursor(last.sort) : null;
    return json(
      200,
      customerResponse(
        header.value,
        page.map((r) => r.value),
        next,
      ),
    );
  });
}

/** GET /api/views/customers?top=N: most orders first, ties by customerId; N defaults to 10. */
export function topCustomersHandler(deps: AppDependencies): HttpHandler {
  return withProblems(async (request) => {
    const top = intParam(request.query.get("top"), "top", 1, 1000, 10);
    const headers = await deps.views.top<CustomerHeader>("customer", top);
    return json(
      200,
      headers.map(({ customerId, totalOrders }) => ({ customerId, totalOrders })),
    );
  });
}

/** GET /api/views/hubs/{hubId}/days/{YYYY-MM-DD} */
export function hubDayViewHandler(deps: AppDependencies): HttpHandler {
  return withProblems(async (request) => {
    const hubId = positiveId(request, "hubId");
    const day = dayParam(request);
    const group = viewKeys.hubDay(hubId, day);
    const header = await readRow<HubDayHeader>(deps.views, group, HEADER_ID);
    if (!header) throw new Problem("view-not-found", `no orders projected for hub ${hubId} on ${day}`);
    const articles: HubDayArticle[] = [];
    for (let after = ""; ;) {
      const rows = await deps.views.page<HubDayArticle>(group, after, 1000);
      articles.push(...rows.map((r) => r.value));
      const last = rows.at(-1);
      if (rows.length < 1000 || !last) break;
      after = last.sort;
    }
    return json(200, hubDayResponse(header.value, articles));
  });
}

/** GET /api/views/orders/{orderNumber} */
export function orderViewHandler(deps: AppDependencies): HttpHandler {
  return withProblems(async (request) => {
    const orderNumber = orderNumberOf(request);
    const stored = await readRow<OrderSummaryDoc>(deps.views, viewKeys.order(orderNumber), HEADER_ID);
    const response = stored && orderSummaryResponse(stored.value);
    if (!response) throw new Problem("view-not-found", `order ${orderNumber} is not projected (yet)`);
    return json(200, response);
  });
}

/** GET /api/health: store kind, projection position and lag, dead letters. */
export function healthHandler(deps: AppDependencies): HttpHandler {
  return withProblems(async () => {
    const [projection, deadLetters] = await Promise.all([deps.projectionHealth(), deps.deadLetters.count()]);
    return json(200, { status: "ok", store: deps.events.kind, views: deps.views.kind, projection, deadLetters });
  });
}
