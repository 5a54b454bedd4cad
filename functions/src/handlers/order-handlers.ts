import type { HttpHandler, HttpRequest } from "@azure/functions";
import type { Infer, Schema } from "../domain/schema.js";
import type { OrderCommand } from "../domain/order-command-requests.js";
import type { PlacedOrder } from "../domain/order-state.js";
import type { AppDependencies } from "./dependencies.js";
import { loadOrder } from "../application/load-order.js";
import { handleOrderCommand } from "../application/run-order-command.js";
import { Problem } from "../application/problems.js";
import { isValidOrderNumber } from "../domain/identifiers.js";
import {
  cancelBodySchema,
  deliverBodySchema,
  dispatchBodySchema,
  emptyBodySchema,
  placeOrderBodySchema,
  startPickingBodySchema,
  updateArticlesBodySchema,
} from "../domain/order-command-requests.js";
import { formatIssues } from "../domain/schema.js";
import { json, versionTag } from "./http-responses.js";
import { readJsonBody } from "./read-json-body.js";
import { withProblems } from "./with-problems.js";

/** The path's orderNumber, refused with 400 unless it is a valid order number. */
export function orderNumberOf(request: HttpRequest): string {
  const orderNumber = request.params.orderNumber ?? "";
  if (!isValidOrderNumber(orderNumber))
    throw new Problem("invalid-identifier", "orderNumber must be a uuid or 1-64 letters, digits and dashes");
  return orderNumber;
}

/** If-Match: "<version>" (quotes optional, "*" means any). */
function ifMatchOf(request: HttpRequest): number | undefined {
  const header = request.headers.get("if-match");
  if (header === null || header.trim() === "*") return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,16})"?\s*$/.exec(header);
  if (!match?.[1]) throw new Problem("validation-failed", 'If-Match must be a stream version in quotes, e.g. "3"');
  return Number(match[1]);
}

async function parseBody<S extends Schema>(request: HttpRequest, schema: S): Promise<Infer<S>> {
  const body = (await readJsonBody(request)) ?? {};
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Problem("validation-failed", formatIssues(parsed.error));
  return parsed.data;
}

/** The state a command answers with, and GET /api/orders/{orderNumber}. */
function orderResponse(state: PlacedOrder & { exists?: boolean }, version: number) {
  const { exists: _exists, ...order } = state;
  return { ...order, version };
}

/** POST /api/orders: places an order; orderNumber defaults to a new uuid. */
export function placeOrderHandler(deps: AppDependencies): HttpHandler {
  return withProblems(async (request) => {
    const body = await parseBody(request, placeOrderBodySchema);
    const orderNumber = body.orderNumber ?? deps.newId();
    const planned = body.delivery?.plannedDeliveryTime;
    const command: OrderCommand = {
      type: "PlaceOrder",
      orderNumber,
      hubId: body.hubId,
      customer: body.customer,
      articles: body.articles,
      ...(planned === undefined ? {} : { plannedDeliveryTime: planned }),
    };
    const outcome = await handleOrderCommand(deps.events, command, { newId: deps.newId });
    return json(201, orderResponse(outcome.order, outcome.version), {
      location: `/api/orders/${orderNumber}`,
      etag: versionTag(outcome.version),
    });
  });
}

/** GET /api/orders/{orderNumber}: the state folded from the order's events. */
export function getOrderHandler(deps: AppDependencies): HttpHandler {
  return withProblems(async (request) => {
    const orderNumber = orderNumberOf(request);
    const { state, version } = await loadOrder(deps.events, orderNumber);
    if (!state.exists) throw new Problem("order-not-found", `order ${orderNumber} does not exist`);
    return json(200, orderResponse(state, version), { etag: versionTag(version) });
  });
}

type CommandFactory<S extends Schema> = (orderNumber: string, body: Infer<S>, now: string) => OrderCommand;

function commandHandler<S extends Schema>(deps: AppDependencies, schema: S, toCommand: CommandFactory<S>): HttpHandler {
  return withProblems(async (request) => {
    const orderNumber = orderNumberOf(request);
    const ifMatch = ifMatchOf(request);
    const body = await parseBody(request, schema);
    const command = toCommand(orderNumber, body, deps.now().toISOString());
    const outcome = await handleOrderCommand(deps.events, command, { ifMatch, newId: deps.newId });
    return json(200, orderResponse(outcome.order, outcome.version), { etag: versionTag(outcome.version) });
  });
}

const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, V>);

/** The lifecycle commands, by route suffix. Times default to the server's clock. */
export function orderCommandHandlers(deps: AppDependencies) {
  return {
    accept: commandHandler(deps, emptyBodySchema, (orderNumber) => ({ type: "AcceptOrder", orderNumber })),
    articles: commandHandler(deps, updateArticlesBodySchema, (orderNumber, body) => ({
      type: "UpdateArticles",
      orderNumber,
      articles: body.articles,
    })),
    startPicking: commandHandler(deps, startPickingBodySchema, (orderNumber, body, now) => ({
      type: "StartPicking",
      orderNumber,
      pickingStartTime: body.pickingStartTime ?? now,
    })),
    dispatch: commandHandler(deps, dispatchBodySchema, (orderNumber, body, now) => ({
      type: "DispatchOrder",
      orderNumber,
      pickingEndTime: body.pickingEndTime ?? now,
      ...optional("plannedDeliveryTime", body.plannedDeliveryTime),
    })),
    deliver: commandHandler(deps, deliverBodySchema, (orderNumber, body, now) => ({
      type: "DeliverOrder",
      orderNumber,
      deliveredTime: body.deliveredTime ?? now,
    })),
    cancel: commandHandler(deps, cancelBodySchema, (orderNumber, body) => ({
      type: "CancelOrder",
      orderNumber,
      ...optional("reason", body.reason),
    })),
  };
}
