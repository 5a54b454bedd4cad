import { orderNumberSchema, positiveIdSchema } from "./identifiers.js";
import type { Infer } from "./schema.js";
import { formatIssues, isoTime, text, z } from "./schema.js";

/**
 * The seven order events in their current shape. Field names follow the original demo's
 * messages (docs/order-domain.md, docs/adr/0004); times are ISO 8601 strings supplied by the caller. Older stored
 * shapes are turned into these by the upcasters in ./order-event-versions.ts.
 */

/** What v1 article lines, which had no currency, are read as, and what new lines default to. */
export const DEFAULT_CURRENCY = "EUR";

/** An ISO 4217 alphabetic code; the list of codes is not checked (docs/adr/0012). */
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;

const currencySchema = z.string().check(z.regex(CURRENCY_PATTERN, "currency must be an ISO 4217 code of three capital letters, e.g. EUR"));

const lineFields = {
  article: text(200),
  quantity: z.int().check(z.positive(), z.maximum(10_000)),
  price: z.number().check(z.nonnegative(), z.maximum(1_000_000)),
};

/** A line as stored: the currency is always there (schema version 2 of the events that carry lines). */
export const articleLineSchema = z.strictObject({ ...lineFields, currency: currencySchema });
export type ArticleLine = Infer<typeof articleLineSchema>;

/** A line as a client sends it: the currency may be left out and defaults to EUR. */
const newArticleLineSchema = z.strictObject({ ...lineFields, currency: z._default(currencySchema, DEFAULT_CURRENCY) });

/** 1 to 100 lines, each article at most once so that quantities per article are unambiguous. */
function linesOf<L extends typeof articleLineSchema | typeof newArticleLineSchema>(line: L) {
  return z.array(line).check(
    z.minLength(1),
    z.maxLength(100),
    z.refine(
      (lines) => new Set(lines.map((l) => (l as { article: string }).article)).size === lines.length,
      "each article may appear only once",
    ),
  );
}

/** Article lines of a command body or a new event: currencies default to EUR. */
export const articleLinesSchema = linesOf(newArticleLineSchema);

export const deliveryAddressSchema = z.strictObject({ name: text(200), street: text(200), city: text(100), zipCode: text(20) });

export const customerSchema = z.strictObject({ customerId: positiveIdSchema, deliveryAddress: deliveryAddressSchema });
export type Customer = Infer<typeof customerSchema>;

/** The data schema of every event type, with the given schema for article lines. */
function eventSchemasWith<L extends typeof articleLineSchema | typeof newArticleLineSchema>(line: L) {
  const articles = linesOf(line);
  return {
    OrderRequested: z.strictObject({
      orderNumber: orderNumberSchema,
      hubId: positiveIdSchema,
      customer: customerSchema,
      delivery: z.optional(z.strictObject({ plannedDeliveryTime: z.optional(isoTime) })),
      articles,
    }),
    OrderAccepted: z.strictObject({ orderNumber: orderNumberSchema }),
    OrderArticlesUpdated: z.strictObject({ orderNumber: orderNumberSchema, articles }),
    OrderCancelled: z.strictObject({ orderNumber: orderNumberSchema, reason: z.optional(text(500)) }),
    OrderPickingStarted: z.strictObject({ orderNumber: orderNumberSchema, pickingStartTime: isoTime }),
    OrderOutForDelivery: z.strictObject({
      orderNumber: orderNumberSchema,
      pickingEndTime: isoTime,
      plannedDeliveryTime: z.optional(isoTime),
    }),
    OrderDelivered: z.strictObject({ orderNumber: orderNumberSchema, deliveredTime: isoTime }),
  };
}

/** Every order event type and the schema its stored data satisfies at the current schema version. */
export const orderEventSchemas = eventSchemasWith(articleLineSchema);

/** The same events as a producer may send them: what the store then keeps has every default filled in. */
const newOrderEventSchemas = eventSchemasWith(newArticleLineSchema);

export type OrderEventType = keyof typeof orderEventSchemas;

export type OrderEvent = {
  [K in OrderEventType]: { type: K; data: Infer<(typeof orderEventSchemas)[K]> };
}[OrderEventType];

export function isOrderEventType(type: string): type is OrderEventType {
  return Object.hasOwn(orderEventSchemas, type);
}

export type EventValidation = { ok: true; event: OrderEvent } | { ok: false; reason: string };

/** Parses data against one of the schema sets; the reason names the failing fields. */
export function parseOrderEvent(type: OrderEventType, data: unknown, schemas: "stored" | "new"): EventValidation {
  const parsed = (schemas === "stored" ? orderEventSchemas : newOrderEventSchemas)[type].safeParse(data);
  if (!parsed.success) return { ok: false, reason: `${type}: ${formatIssues(parsed.error)}` };
  return { ok: true, event: { type, data: parsed.data } as OrderEvent };
}

/**
 * Checks a new event's type and data at the door and fills in the defaults (a line's currency),
 * so that what is stored is always the complete current shape.
 */
export function validateNewOrderEvent(type: string, data: unknown): EventValidation {
  if (!isOrderEventType(type)) return { ok: false, reason: `unknown event type '${type}'` };
  return parseOrderEvent(type, data, "new");
}
