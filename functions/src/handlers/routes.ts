import type { HttpHandler, HttpMethod } from "@azure/functions";
import type { OperationDoc } from "../openapi/operation-doc.js";
import type { AppDependencies } from "./dependencies.js";
import { dashboardRoute } from "../dashboard/dashboard-route.js";
import { RECENT_EVENTS_MAX_LIMIT, recentEventsHandler, recentEventsQuerySchema } from "../dashboard/recent-events-handler.js";
import { appendRequestSchema } from "../application/append-events.js";
import { orderNumberSchema, positiveIdSchema, STREAM_ID_PATTERN } from "../domain/identifiers.js";
import {
  cancelBodySchema,
  deliverBodySchema,
  dispatchBodySchema,
  emptyBodySchema,
  placeOrderBodySchema,
  startPickingBodySchema,
  updateArticlesBodySchema,
} from "../domain/order-command-requests.js";
import { z } from "../domain/schema.js";
import { openApiHandler } from "../openapi/openapi-handler.js";
import * as responses from "../openapi/response-schemas.js";
import { getOrderHandler, orderCommandHandlers, placeOrderHandler } from "./order-handlers.js";
import { appendEventsHandler, readStreamHandler } from "./stream-handlers.js";
import { customerViewHandler, healthHandler, hubDayViewHandler, orderViewHandler, topCustomersHandler } from "./view-handlers.js";

export interface RouteDefinition {
  /** Function name on Azure, and the operationId in the OpenAPI document. */
  readonly name: string;
  readonly methods: readonly HttpMethod[];
  /** Route template under /api, in the Functions syntax. */
  readonly route: string;
  /** Health and the API description are anonymous; everything else takes a function key on Azure. */
  readonly authLevel: "anonymous" | "function";
  readonly handler: HttpHandler;
  /** What GET /api/openapi.json says about this route (functions/src/openapi/). */
  readonly doc: OperationDoc;
}

// Path and query parameters, as the handlers check them.
const streamId = z.string().check(z.regex(STREAM_ID_PATTERN));
const orderNumber = { orderNumber: orderNumberSchema };
const boundedInt = (min: number, max: number, fallback: number) => z._default(z.int().check(z.minimum(min), z.maximum(max)), fallback);

/** The order's state answered by every command and by GET /api/orders/{orderNumber}. */
const orderState = (description: string) => ({ 200: { description, body: responses.orderStateSchema, headers: ["etag"] as const } });

/** An order command: a path with an order number, an optional body, an optional If-Match. */
function commandDoc(summary: string, body: OperationDoc["body"] & object, description?: string): OperationDoc {
  return {
    summary,
    ...(description === undefined ? {} : { description }),
    tag: "orders",
    pathParams: orderNumber,
    body,
    ifMatch: true,
    responses: orderState("The order's state after the command (unchanged, and nothing appended, when it was already satisfied)."),
    // wrong-expected-version: still conflicting after the retries a command without If-Match gets.
    problems: ["invalid-identifier", "order-not-found", "lifecycle-violation", "wrong-expected-version", "unreadable-event"],
  };
}

/**
 * Every route of the HTTP API v1: the one table both runtimes register (the local server and
 * the Functions app), and the source of GET /api/openapi.json. A new route needs its `doc`;
 * tests/openapi/ holds the document to this table and to the statuses the end-to-end tests see.
 */
export function createRoutes(deps: AppDependencies): RouteDefinition[] {
  const commands = orderCommandHandlers(deps);
  const fn = (name: string, method: HttpMethod, route: string, handler: HttpHandler, doc: OperationDoc): RouteDefinition => ({
    name,
    methods: [method],
    route,
    authLevel: "function",
    handler,
    doc,
  });
  const routes: RouteDefinition[] = [
    fn("appendEvents", "POST", "streams/{streamId}/events", appendEventsHandler(deps), {
      summary: "Append events to a stream",
      description:
        "1 to 100 events, stored atomically at the expected version (default `any`). The same request retried (same eventIds at the same place) answers 200 with the first result and writes nothing. Each event's data must match its type's schema (components OrderRequestedData and the others); `order-*` streams take only the order events, each where the order's lifecycle allows it (422 otherwise, after 409 for a wrong expected version); other streams take any event type matching `^[A-Za-z][A-Za-z0-9_.:-]{0,99}$` with any JSON object as data.",
      tag: "store",
      pathParams: { streamId },
      body: { schema: appendRequestSchema, required: true },
      responses: {
        201: { description: "Appended.", body: responses.appendResultSchema, headers: ["etag"] },
        200: {
          description: "A retry of an append already stored: the same result, nothing written.",
          body: responses.appendResultSchema,
          headers: ["etag"],
        },
      },
      problems: [
        "invalid-stream-id",
        "too-many-events",
        "unknown-event-type",
        "duplicate-event-ids",
        "wrong-expected-version",
        "event-id-conflict",
        "lifecycle-violation",
        "unreadable-event",
      ],
    }),
    fn("readStream", "GET", "streams/{streamId}/events", readStreamHandler(deps), {
      summary: "Read a stream's events",
      tag: "store",
      pathParams: { streamId },
      query: {
        fromVersion: { schema: boundedInt(1, Number.MAX_SAFE_INTEGER, 1), description: "First version to return." },
        maxCount: { schema: boundedInt(1, 1000, 100), description: "Most events to return." },
      },
      responses: {
        200: {
          description: "The events from fromVersion on, and the stream's version.",
          body: responses.streamSliceSchema,
          headers: ["etag"],
        },
      },
      problems: ["invalid-stream-id", "validation-failed", "stream-not-found"],
    }),
    fn("placeOrder", "POST", "orders", placeOrderHandler(deps), {
      summary: "Place an order",
      description: "The body is OrderRequested's data; orderNumber defaults to a new uuid.",
      tag: "orders",
      body: { schema: placeOrderBodySchema, required: true },
      responses: { 201: { description: "Placed.", body: responses.orderStateSchema, headers: ["etag", "location"] } },
      problems: ["order-exists", "wrong-expected-version"],
    }),
    fn("getOrder", "GET", "orders/{orderNumber}", getOrderHandler(deps), {
      summary: "An order's state, folded from its events",
      tag: "orders",
      pathParams: orderNumber,
      responses: orderState("The order's state; ETag is its stream's version."),
      problems: ["invalid-identifier", "order-not-found", "unreadable-event"],
    }),
    fn(
      "acceptOrder",
      "POST",
      "orders/{orderNumber}/accept",
      commands.accept,
      commandDoc("Accept an order", { schema: emptyBodySchema, required: false }),
    ),
    fn(
      "updateOrderArticles",
      "PUT",
      "orders/{orderNumber}/articles",
      commands.articles,
      commandDoc("Replace an order's articles (before picking)", { schema: updateArticlesBodySchema, required: true }),
    ),
    fn(
      "startPicking",
      "POST",
      "orders/{orderNumber}/start-picking",
      commands.startPicking,
      commandDoc(
        "Start picking an accepted order",
        { schema: startPickingBodySchema, required: false },
        "pickingStartTime defaults to the server's clock.",
      ),
    ),
    fn(
      "dispatchOrder",
      "POST",
      "orders/{orderNumber}/dispatch",
      commands.dispatch,
      commandDoc(
        "Send a picked order out for delivery",
        { schema: dispatchBodySchema, required: false },
        "pickingEndTime defaults to the server's clock.",
      ),
    ),
    fn(
      "deliverOrder",
      "POST",
      "orders/{orderNumber}/deliver",
      commands.deliver,
      commandDoc("Deliver an order", { schema: deliverBodySchema, required: false }, "deliveredTime defaults to the server's clock."),
    ),
    fn(
      "cancelOrder",
      "POST",
      "orders/{orderNumber}/cancel",
      commands.cancel,
      commandDoc("Cancel an order (before picking)", { schema: cancelBodySchema, required: false }),
    ),
    fn("getCustomerView", "GET", "views/customers/{customerId}", customerViewHandler(deps), {
      summary: "A customer's orders, a page at a time",
      description:
        "totalOrders counts every order the customer requested, cancelled ones included; orders are listed by request time, then order number. `next` is the cursor of the following page (pass it as `after`), or null on the last page.",
      tag: "views",
      pathParams: { customerId: positiveIdSchema },
      query: {
        limit: { schema: boundedInt(1, 1000, 100), description: "Most orders on the page." },
        after: { schema: z.string().check(z.minLength(1)), description: "The `next` cursor of the previous page; opaque." },
      },
      responses: { 200: { description: "A page of the customer's view.", body: responses.customerViewSchema } },
      problems: ["invalid-identifier", "validation-failed", "view-not-found"],
    }),
    fn("getTopCustomers", "GET", "views/customers", topCustomersHandler(deps), {
      summary: "Customers with the most orders",
      tag: "views",
      query: { top: { schema: boundedInt(1, 1000, 10), description: "How many customers." } },
      responses: { 200: { description: "Most orders first, ties by customerId.", body: responses.topCustomersSchema } },
      problems: ["validation-failed"],
    }),
    fn("getHubDayView", "GET", "views/hubs/{hubId}/days/{day}", hubDayViewHandler(deps), {
      summary: "A hub's orders and articles on one day",
      description:
        "day is the UTC date the store recorded each order's OrderRequested; articles sums the current lines of that day's orders that are not cancelled.",
      tag: "views",
      pathParams: { hubId: positiveIdSchema, day: z.iso.date() },
      responses: { 200: { description: "The hub-day view.", body: responses.hubDayViewSchema } },
      problems: ["invalid-identifier", "view-not-found"],
    }),
    fn("getOrderView", "GET", "views/orders/{orderNumber}", orderViewHandler(deps), {
      summary: "An order's summary view",
      description: "version is the last stream version projected into it: compare it with the order's ETag to tell how fresh it is.",
      tag: "views",
      pathParams: orderNumber,
      responses: { 200: { description: "The order summary.", body: responses.orderSummaryViewSchema } },
      problems: ["invalid-identifier", "view-not-found"],
    }),
    fn("readFeed", "GET", "feed", recentEventsHandler(deps), {
      summary: "Recent events across every stream, for the live dashboard",
      description:
        "Oldest first. Without `after`, the latest events; with it, the events since that cursor. `next` is the cursor to poll with: the feed position on the embedded store, a change-feed continuation token on Cosmos DB (docs/adr/0013).",
      tag: "store",
      query: {
        after: { schema: recentEventsQuerySchema.shape.after, description: "The `next` cursor of the previous page; opaque." },
        limit: {
          schema: recentEventsQuerySchema.shape.limit,
          description: `Most events on the page, 1 to ${RECENT_EVENTS_MAX_LIMIT} (default 50).`,
        },
      },
      responses: { 200: { description: "A page of the feed.", body: responses.feedPageSchema } },
      problems: ["validation-failed"],
    }),
    {
      name: "health",
      methods: ["GET"],
      route: "health",
      authLevel: "anonymous",
      handler: healthHandler(deps),
      doc: {
        summary: "Store kind, projection position and lag, dead letters",
        tag: "operations",
        responses: { 200: { description: "The app is serving.", body: responses.healthSchema } },
        problems: [],
      },
    },
  ];
  routes.push(dashboardRoute());
  routes.push({
    name: "openApi",
    methods: ["GET"],
    route: "openapi.json",
    authLevel: "anonymous",
    handler: openApiHandler(routes),
    doc: {
      summary: "This API's OpenAPI 3.1 description",
      description: "Generated from the route table and the zod schemas the handlers validate with.",
      tag: "operations",
      responses: { 200: { description: "The OpenAPI document.", body: responses.openApiDocumentSchema } },
      problems: [],
      touchesStore: false,
    },
  });
  return routes;
}
