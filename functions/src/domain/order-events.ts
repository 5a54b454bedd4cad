import { orderNumberSchema, positiveIdSchema } from "./identifiers.js";
import type { Infer } from "./schema.js";
import { formatIssues, isoTime, text, z } from "./schema.js";

/**
 * The seven order events, schema version 1. Field names follow the original demo's messages
 * (see docs/order-domain.md); times are ISO 8601 strings supplied by the caller.
 */

export const articleLineSchema = z.strictObject({
  article: text(200),
  quantity: z.int().check(z.positive(), z.maximum(10_000)),
  price: z.number().check(z.nonnegative(), z.maximum(1_000_000)),
});
export type ArticleLine = Infer<typeof articleLineSchema>;

/** 1 to 100 lines, each article at most once so that quantities per article are unambiguous. */
export const articleLinesSchema = z
  .array(articleLineSchema)
  .check(
    z.minLength(1),
    z.maxLength(100),
    z.refine((lines) => new Set(lines.map((l) => l.article)).size === lines.length, "each article may appear only once"),
  );

export const deliveryAddressSchema = z.strictObject({ name: text(200), street: text(200), city: text(100), zipCode: text(20) });

export const customerSchema = z.strictObject({ customerId: positiveIdSchema, deliveryAddress: deliveryAddressSchema });
export type Customer = Infer<typeof customerSchema>;

export const orderRequestedSchema = z.strictObject({
  orderNumber: orderNumberSchema,
  hubId: positiveIdSchema,
  customer: customerSchema,
  delivery: z.optional(z.strictObject({ plannedDeliveryTime: z.optional(isoTime) })),
  articles: articleLinesSchema,
});
export const orderAcceptedSchema = z.strictObject({ orderNumber: orderNumberSchema });
export const orderArticlesUpdatedSchema = z.strictObject({ orderNumber: orderNumberSchema, articles: articleLinesSchema });
export const orderCancelledSchema = z.strictObject({ orderNumber: orderNumberSchema, reason: z.optional(text(500)) });
export const orderPickingStartedSchema = z.strictObject({ orderNumber: orderNumberSchema, pickingStartTime: isoTime });
export const orderOutForDeliverySchema = z.strictObject({ orderNumber: orderNumberSchema, pickingEndTime: isoTime, plannedDeliveryTime: z.optional(isoTime) });
export const orderDeliveredSchema = z.strictObject({ orderNumber: orderNumberSchema, deliveredTime: isoTime });

/** Every known event type and the schema its data must satisfy. */
export const orderEventSchemas = {
  OrderRequested: orderRequestedSchema,
  OrderAccepted: orderAcceptedSchema,
  OrderArticlesUpdated: orderArticlesUpdatedSchema,
  OrderCancelled: orderCancelledSchema,
  OrderPickingStarted: orderPickingStartedSchema,
  OrderOutForDelivery: orderOutForDeliverySchema,
  OrderDelivered: orderDeliveredSchema,
} as const;

export type OrderEventType = keyof typeof orderEventSchemas;

export type OrderEvent = {
  [K in OrderEventType]: { type: K; data: Infer<(typeof orderEventSchemas)[K]> };
}[OrderEventType];

export function isOrderEventType(type: string): type is OrderEventType {
  return Object.hasOwn(orderEventSchemas, type);
}

export type EventValidation = { ok: true; event: OrderEvent } | { ok: false; reason: string };

/** Checks an event's type and data at the door; the reason names the failing field. */
export function validateOrderEvent(type: string, data: unknown): EventValidation {
  if (!isOrderEventType(type)) return { ok: false, reason: `unknown event type '${type}'` };
  const parsed = orderEventSchemas[type].safeParse(data);
  if (!parsed.success) return { ok: false, reason: `${type}: ${formatIssues(parsed.error)}` };
  return { ok: true, event: { type, data: parsed.data } as OrderEvent };
}
