import { z } from "zod";
import { articleLinesSchema, customerSchema } from "./order-events.js";
import { orderNumberSchema, positiveIdSchema } from "./identifiers.js";
import type { ArticleLine, Customer } from "./order-events.js";

const isoTime = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" });

/** Body of POST /api/orders: OrderRequested data, orderNumber optional. */
export const placeOrderBodySchema = z.strictObject({
  orderNumber: orderNumberSchema.optional(),
  hubId: positiveIdSchema,
  customer: customerSchema,
  delivery: z.strictObject({ plannedDeliveryTime: isoTime.optional() }).optional(),
  articles: articleLinesSchema,
});
export const updateArticlesBodySchema = z.strictObject({ articles: articleLinesSchema });
export const cancelBodySchema = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });
export const startPickingBodySchema = z.strictObject({ pickingStartTime: isoTime.optional() });
export const dispatchBodySchema = z.strictObject({ pickingEndTime: isoTime.optional(), plannedDeliveryTime: isoTime.optional() });
export const deliverBodySchema = z.strictObject({ deliveredTime: isoTime.optional() });
export const emptyBodySchema = z.strictObject({});

/** Commands carry everything the decider needs, the time included: the decider reads no clock. */
export type OrderCommand =
  | { type: "PlaceOrder"; orderNumber: string; hubId: number; customer: Customer; articles: readonly ArticleLine[]; plannedDeliveryTime?: string }
  | { type: "AcceptOrder"; orderNumber: string }
  | { type: "UpdateArticles"; orderNumber: string; articles: readonly ArticleLine[] }
  | { type: "CancelOrder"; orderNumber: string; reason?: string }
  | { type: "StartPicking"; orderNumber: string; pickingStartTime: string }
  | { type: "DispatchOrder"; orderNumber: string; pickingEndTime: string; plannedDeliveryTime?: string }
  | { type: "DeliverOrder"; orderNumber: string; deliveredTime: string };

export type OrderCommandType = OrderCommand["type"];
