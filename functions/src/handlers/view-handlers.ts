import type { HttpHandler, HttpRequest } from "@azure/functions";
import type { CustomerOrdersDoc } from "../projections/customer-orders.js";
import type { HubDayDoc } from "../projections/hub-day.js";
import type { OrderSummaryDoc } from "../projections/order-summary.js";
import type { AppDependencies } from "./dependencies.js";
import { Problem } from "../application/problems.js";
import { customerResponse } from "../projections/customer-orders.js";
import { hubDayResponse } from "../projections/hub-day.js";
import { orderSummaryResponse } from "../projections/order-summary.js";
import { viewKeys } from "../projections/view-keys.js";
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

/** GET /api/views/customers/{customerId} */
export function customerViewHandler(deps: AppDependencies): HttpHandler {
  return withProblems(async (request) => {
    const customerId = positiveId(request, "customerId");
    const stored = await deps.views.get<CustomerOrdersDoc>(viewKeys.customer(customerId));
    if (!stored) throw new Problem("view-not-found", `no orders projected for customer ${customerId}`);
    return json(200, customerResponse(stored.value));
  });
}

/** GET /api/views/customers?top=N: most orders first, ties by customerId; N defaults to 10. */
export function topCustomersHandler(deps: AppDependencies): HttpHandler {
  return withProblems(async (request) => {
    const top = intParam(request.query.get("top"), "top", 1, 1000, 10);
    const docs = await deps.views.top<CustomerOrdersDoc>("customer", top);
    return json(
      200,
      docs.map(({ customerId, totalOrders }) => ({ customerId, totalOrders })),
    );
  });
}

/** GET /api/views/hubs/{hubId}/days/{YYYY-MM-DD} */
export function hubDayViewHandler(deps: AppDependencies): HttpHandler {
  return withProblems(async (request) => {
    const hubId = positiveId(request, "hubId");
    const day = dayParam(request);
    const stored = await deps.views.get<HubDayDoc>(viewKeys.hubDay(hubId, day));
    if (!stored) throw new Problem("view-not-found", `no orders projected for hub ${hubId} on ${day}`);
    return json(200, hubDayResponse(stored.value));
  });
}

/** GET /api/views/orders/{orderNumber} */
export function orderViewHandler(deps: AppDependencies): HttpHandler {
  return withProblems(async (request) => {
    const orderNumber = orderNumberOf(request);
    const stored = await deps.views.get<OrderSummaryDoc>(viewKeys.order(orderNumber));
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
