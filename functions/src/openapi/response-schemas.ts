/**
 * Schemas of what the API answers, for the OpenAPI document and for the tests that hold served
 * bodies to it. Objects are open (`object`, not `strictObject`): a client must accept members
 * added later, and the tests check that every documented member is there with its type.
 */
import { array, boolean, enum as enumOf, int, iso, nullable, number, object, optional, record, string, union, unknown } from "zod/mini";
import type { OrderStatus } from "../domain/order-state.js";
import { PROBLEM_CATALOGUE, PROBLEM_TYPE_BASE } from "../application/problems.js";
import { customerSchema, articleLinesSchema } from "../domain/order-events.js";

/** A list of every member of the union T: compiling fails while one is missing. */
const everyOf =
  <T extends string>() =>
  <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : { missing: Exclude<T, L[number]> })): L =>
    list;
const ORDER_STATUSES = everyOf<OrderStatus>()(["REQUESTED", "ACCEPTED", "PICKING", "DELIVERING", "DELIVERED", "CANCELLED"]);

const orderStatusSchema = enumOf(ORDER_STATUSES);
const version = int();
const count = int();

export const appendResultSchema = object({
  streamId: string(),
  firstVersion: version,
  lastVersion: version,
  eventIds: array(string()),
});

const recordedEventSchema = object({
  eventId: string(),
  streamId: string(),
  version,
  type: string(),
  /** The schema version the event was stored with; `data` is shown in its type's current shape. */
  schemaVersion: int(),
  data: unknown(),
  metadata: record(string(), unknown()),
  recordedAt: iso.datetime(),
});

/** GET /api/feed: events across streams, oldest first, and the cursor to poll with. */
export const feedPageSchema = object({
  events: array(object({ eventId: string(), streamId: string(), version, type: string(), recordedAt: iso.datetime() })),
  next: nullable(string()),
});

export const streamSliceSchema = object({ streamId: string(), version, events: array(recordedEventSchema) });

export const orderStateSchema = object({
  orderNumber: string(),
  status: orderStatusSchema,
  hubId: int(),
  customer: customerSchema,
  articles: articleLinesSchema,
  plannedDeliveryTime: optional(string()),
  pickingStartTime: optional(string()),
  pickingEndTime: optional(string()),
  deliveredTime: optional(string()),
  cancellationReason: optional(string()),
  version,
});

export const customerViewSchema = object({
  customerId: int(),
  totalOrders: count,
  orders: array(object({ orderNumber: string(), status: orderStatusSchema, articles: articleLinesSchema })),
  next: nullable(string()),
});

export const topCustomersSchema = array(object({ customerId: int(), totalOrders: count }));

export const hubDayViewSchema = object({
  hubId: int(),
  day: iso.date(),
  ordersRequested: count,
  ordersCancelled: count,
  ordersDelivered: count,
  articles: record(string(), number()),
});

export const orderSummaryViewSchema = object({
  orderNumber: string(),
  status: orderStatusSchema,
  customerId: int(),
  hubId: int(),
  articles: articleLinesSchema,
  version,
});

export const healthSchema = object({
  status: string(),
  store: string(),
  views: string(),
  projection: object({
    position: union([number(), string(), nullable(number())]),
    lagEvents: nullable(number()),
    lagMs: nullable(number()),
    recentLag: optional(object({ count, p50Ms: nullable(number()), p99Ms: nullable(number()) })),
    /** The generation of the views that serves reads (docs/adr/0011). */
    servingGeneration: optional(int()),
    /** Every live generation's progress, oldest first. */
    generations: optional(
      array(
        object({
          generation: int(),
          position: union([number(), string(), nullable(number())]),
          lagEvents: nullable(number()),
          lagMs: nullable(number()),
          serving: boolean(),
        }),
      ),
    ),
  }),
  deadLetters: count,
});

/** An RFC 9457 problem document; extensions such as currentVersion ride beside the members. */
export const problemSchema = object({
  type: enumOf(Object.keys(PROBLEM_CATALOGUE).map((kind) => `${PROBLEM_TYPE_BASE}${kind}`) as [string, ...string[]]),
  title: string(),
  status: int(),
  detail: string(),
});

/** The OpenAPI document itself: only its outline is described. */
export const openApiDocumentSchema = object({
  openapi: string(),
  info: object({ title: string(), version: string() }),
  paths: record(string(), unknown()),
});
