import { randomInt } from "node:crypto";
import type { Call } from "./api.js";

export class SmokeFailure extends Error {}

type Api = (method: string, path: string, body?: unknown, contentType?: string) => Promise<Call>;

/** What the steps learn and pass on. */
interface Context {
  orderNumber?: string;
  customerId: number;
  acceptedAt?: number;
  viewsCaughtUpMs?: number;
}

export interface Step {
  readonly title: string;
  run(api: Api, context: Context): Promise<string>;
}

const PROBLEM_TYPE = "urn:eventsourcing-azure:problem:";

function expectStatus(call: Call, ...expected: number[]): void {
  if (!expected.includes(call.status)) {
    throw new SmokeFailure(
      `${call.method} ${call.path} answered ${call.status}, expected ${expected.join(" or ")}: ${JSON.stringify(call.body).slice(0, 300)}`,
    );
  }
}

function field(call: Call, name: string): unknown {
  return typeof call.body === "object" && call.body !== null ? (call.body as Record<string, unknown>)[name] : undefined;
}

function orderOf(context: Context): string {
  if (context.orderNumber === undefined) throw new SmokeFailure("no order was placed");
  return context.orderNumber;
}

function expectProblem(call: Call, status: number): string {
  expectStatus(call, status);
  if (!call.contentType.startsWith("application/problem+json"))
    throw new SmokeFailure(`${call.method} ${call.path} answered ${status} as '${call.contentType}', not application/problem+json`);
  const type = field(call, "type");
  if (
    typeof type !== "string" ||
    !type.startsWith(PROBLEM_TYPE) ||
    field(call, "status") !== status ||
    typeof field(call, "title") !== "string"
  ) {
    throw new SmokeFailure(
      `${call.method} ${call.path} answered a problem document without a stable type, title and status: ${JSON.stringify(call.body)}`,
    );
  }
  const detail = field(call, "detail");
  return `${type}: ${typeof detail === "string" ? detail : ""}`.slice(0, 160);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The end-to-end checks, in order; each needs the ones before it. */
export function smokeSteps(viewsTimeoutMs: number): Step[] {
  return [
    {
      title: "health answers",
      async run(api) {
        const call = await api("GET", "/health");
        expectStatus(call, 200);
        return `store ${JSON.stringify(field(call, "store") ?? field(call, "storeKind") ?? "?")}`;
      },
    },
    {
      title: "place an order",
      async run(api, context) {
        const call = await api("POST", "/orders", {
          hubId: 10001,
          customer: {
            customerId: context.customerId,
            deliveryAddress: { name: "Smoke Test", street: "Pariser Platz 1", city: "Berlin", zipCode: "10117" },
          },
          articles: [{ article: "Mojito", quantity: 2, price: 7.5 }],
        });
        expectStatus(call, 201);
        const location = call.headers.get("location") ?? "";
        const orderNumber = /\/api\/orders\/([^/?#]+)$/.exec(location)?.[1];
        if (orderNumber === undefined)
          throw new SmokeFailure(`POST /orders answered 201 without a Location /api/orders/<orderNumber>: '${location}'`);
        context.orderNumber = decodeURIComponent(orderNumber);
        return `order ${context.orderNumber} for customer ${context.customerId}`;
      },
    },
    {
      title: "read the order back",
      async run(api, context) {
        const call = await api("GET", `/orders/${encodeURIComponent(orderOf(context))}`);
        expectStatus(call, 200);
        if (field(call, "status") !== "REQUESTED")
          throw new SmokeFailure(`the new order is ${String(field(call, "status"))}, expected REQUESTED`);
        return "REQUESTED";
      },
    },
    {
      title: "read its events",
      async run(api, context) {
        const call = await api("GET", `/streams/order-${encodeURIComponent(orderOf(context))}/events`);
        expectStatus(call, 200);
        const events = field(call, "events");
        const types = (Array.isArray(events) ? (events as { type?: string }[]) : []).map((e) => e.type);
        if (types[0] !== "OrderRequested")
          throw new SmokeFailure(`the order's stream holds [${types.join(", ")}], expected OrderRequested first`);
        return `${types.length} event(s): ${types.join(", ")}`;
      },
    },
    {
      title: "accept it",
      async run(api, context) {
        const call = await api("POST", `/orders/${encodeURIComponent(orderOf(context))}/accept`);
        expectStatus(call, 200);
        context.acceptedAt = performance.now();
        if (field(call, "status") !== "ACCEPTED")
          throw new SmokeFailure(`accepting answered status ${String(field(call, "status"))}, expected ACCEPTED`);
        return "ACCEPTED";
      },
    },
    {
      title: "views catch up",
      async run(api, context) {
        const orderNumber = orderOf(context);
        const since = context.acceptedAt ?? performance.now();
        const deadline = since + viewsTimeoutMs;
        for (;;) {
          const summary = await api("GET", `/views/orders/${encodeURIComponent(orderNumber)}`);
          const customer = await api("GET", `/views/customers/${context.customerId}`);
          const orders = field(customer, "orders");
          const listed = Array.isArray(orders) && (orders as { orderNumber?: string }[]).some((o) => o.orderNumber === orderNumber);
          if (summary.status === 200 && field(summary, "status") === "ACCEPTED" && customer.status === 200 && listed) {
            context.viewsCaughtUpMs = performance.now() - since;
            return `order summary and customer view current ${Math.round(context.viewsCaughtUpMs)} ms after the accept`;
          }
          const last = `order summary ${summary.status} ${JSON.stringify(field(summary, "status") ?? "")}, customer view ${customer.status}${listed ? " (lists the order)" : ""}`;
          if (performance.now() > deadline)
            throw new SmokeFailure(`the views did not catch up within ${Math.round(viewsTimeoutMs / 1000)} s: ${last}`);
          await sleep(250);
        }
      },
    },
    {
      title: "a bad request gets a problem document",
      async run(api) {
        return expectProblem(await api("POST", "/orders", { hubId: "not a number", customer: {}, articles: [] }), 400);
      },
    },
    {
      title: "a body that is not JSON gets a problem document",
      async run(api) {
        return expectProblem(await api("POST", "/orders", "hubId=1", "text/plain"), 415);
      },
    },
  ];
}

export function newContext(): Context {
  // A customer of its own, so the customer view can only list this run's order.
  return { customerId: randomInt(900_000, 999_999) };
}

export type { Context };
