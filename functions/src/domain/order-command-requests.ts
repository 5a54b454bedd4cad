import type { ArticleLine, Customer } from "./order-events.js";
import { orderNumberSchema, positiveIdSchema } from "./identifiers.js";
import { articleLinesSchema, customerSchema } from "./order-events.js";
import { isoTime, text, z } from "./schema.js";

/** Body of POST /api/orders: OrderRequested data, orderNumber optional. */
export const placeOrderBodySchema = z.strictObject({
  orderNumber: z.optional(orderNumberSchema),
  hubId: positiveIdSchema,
  customer: customerSchema,
  delivery: z.optional(z.strictObject({ plannedDeliveryTime: z.optional(isoTime) })),
  articles: articleLinesSchema,
});
export const updateArticlesBodySchema = z.strictObject({ articles: articleLinesSchema });
export const cancelBodySchema = z.strictObject({ reason: z.optional(text(500)) });
export const startPickingBodySchema = z.strictObject({ pickingStartTime: z.optional(isoTime) });
export const dispatchBodySchema = z.strictObject({ pickingEndTime: z.optional(isoTime), plannedDeliveryTime: z.optional(isoTime) });
export const deliverBodySchema = z.strictObject({ deliveredTime: z.optional(isoTime) });
export const emptyBodySchema = z.strictObject({});

/** Commands carry everything the decider needs, the time included: the decider reads no clock. */
export type OrderCommand =
  | {
      type: "PlaceOrder";
      orderNumber: string;
      hubId: number;
      customer: Customer;
      articles: readonly ArticleLine[];
      plannedDeliveryTime?: string;
    }
  | { type: "AcceptOrder"; orderNumber: string }
  | { type: "UpdateArticles"; orderNumber: string; articles: readonly ArticleLine[] }
  | { type: "CancelOrder"; orderNumber: string; reason?: string }
  | { type: "StartPicking"; orderNumber: string; pickingStartTime: string }
  | { type: "DispatchOrder"; orderNumber: string; pickingEndTime: string; plannedDeliveryTime?: string }
  | { type: "DeliverOrder"; orderNumber: string; deliveredTime: string };
