import type { RecordedEvent } from "../eventstore/event-store.js";
import type { ArticleLine } from "../domain/order-events.js";
import type { OrderStatus } from "../domain/order-state.js";
import { orderNumberOfStream } from "../domain/identifiers.js";
import { readOrderEvent } from "../domain/order-event-versions.js";
import { STATUS_AFTER } from "../domain/order-state.js";
import { PoisonEventError } from "./poison-event-error.js";

export interface ProjectedOrder {
  readonly status: OrderStatus;
  readonly customerId: number;
  readonly hubId: number;
  readonly articles: readonly ArticleLine[];
  /** recordedAt of OrderRequested: the hub-day key and the customer's sort order. */
  readonly requestedAt: string;
}

/**
 * The per-stream read model, the header of its order's group. `version` is the last stream version handled (applied or
 * dead-lettered): the stream's high-water mark. `order` stays null until a valid OrderRequested.
 */
export interface OrderSummaryDoc {
  readonly orderNumber: string;
  readonly version: number;
  readonly order: ProjectedOrder | null;
}

/** At most 100 article lines (see CUSTOMER_ENTRY_MAX_BYTES) and a few fields: a constant, whatever the volume. */
export const ORDER_SUMMARY_MAX_BYTES = 130_500;

export function emptySummary(orderNumber: string): OrderSummaryDoc {
  return { orderNumber, version: 0, order: null };
}

/**
 * Applies the stream's next event. Events are facts: the projection follows them even where the
 * decider would have refused (raw appends can write any valid order event), and throws
 * PoisonEventError only for what it cannot represent.
 */
export function evolveSummary(doc: OrderSummaryDoc, event: RecordedEvent): OrderSummaryDoc {
  const orderNumber = orderNumberOfStream(event.streamId);
  if (orderNumber !== doc.orderNumber) throw new PoisonEventError(`event of stream ${event.streamId} offered to order ${doc.orderNumber}`);
  // Upcast to the current schema version, then checked: an event no upcaster and no schema accepts is poison.
  const checked = readOrderEvent(event);
  if (!checked.ok) throw new PoisonEventError(checked.reason);
  const { type, data } = checked.event;
  if (data.orderNumber !== orderNumber)
    throw new PoisonEventError(`${type} names order ${data.orderNumber} but is stored in stream ${event.streamId}`);
  const version = event.version;
  if (type === "OrderRequested") {
    if (doc.order !== null) throw new PoisonEventError(`order ${orderNumber} was already requested`);
    return {
      orderNumber,
      version,
      order: {
        status: STATUS_AFTER.OrderRequested,
        customerId: data.customer.customerId,
        hubId: data.hubId,
        articles: data.articles,
        requestedAt: event.recordedAt,
      },
    };
  }
  if (doc.order === null) throw new PoisonEventError(`${type} for order ${orderNumber}, which was never requested`);
  if (type === "OrderArticlesUpdated") return { orderNumber, version, order: { ...doc.order, articles: data.articles } };
  return { orderNumber, version, order: { ...doc.order, status: STATUS_AFTER[type] } };
}

/** GET /api/views/orders/{orderNumber}. */
export function orderSummaryResponse(doc: OrderSummaryDoc) {
  if (doc.order === null) return undefined;
  const { status, customerId, hubId, articles } = doc.order;
  return { orderNumber: doc.orderNumber, status, customerId, hubId, articles, version: doc.version };
}
