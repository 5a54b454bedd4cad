import type { ArticleLine, Customer, OrderEvent } from "./order-events.js";

export type OrderStatus = "REQUESTED" | "ACCEPTED" | "PICKING" | "DELIVERING" | "DELIVERED" | "CANCELLED";

export interface PlacedOrder {
  readonly orderNumber: string;
  readonly status: OrderStatus;
  readonly hubId: number;
  readonly customer: Customer;
  readonly articles: readonly ArticleLine[];
  readonly plannedDeliveryTime?: string;
  readonly pickingStartTime?: string;
  readonly pickingEndTime?: string;
  readonly deliveredTime?: string;
  readonly cancellationReason?: string;
}

/**
 * The status after each lifecycle event: the one transition table, used by this fold and by the
 * projections (OrderRequested starts at REQUESTED; OrderArticlesUpdated keeps the status).
 */
export const STATUS_AFTER = {
  OrderRequested: "REQUESTED",
  OrderAccepted: "ACCEPTED",
  OrderCancelled: "CANCELLED",
  OrderPickingStarted: "PICKING",
  OrderOutForDelivery: "DELIVERING",
  OrderDelivered: "DELIVERED",
} as const satisfies Record<Exclude<OrderEvent["type"], "OrderArticlesUpdated">, OrderStatus>;

/** Before its OrderRequested event an order does not exist. */
export type OrderState = { readonly exists: false } | ({ readonly exists: true } & PlacedOrder);

export const initialState: OrderState = { exists: false };

/** The status an order has after `event`; `current` for events that leave it as it is (article updates). */
export function statusAfter(event: Pick<OrderEvent, "type">, current: OrderStatus): OrderStatus {
  return event.type === "OrderArticlesUpdated" ? current : STATUS_AFTER[event.type];
}

/**
 * Folds one event into the order's state. Total: an event that makes no sense for the state
 * leaves the state as it is. The lifecycle rules keep such events out of order streams (commands
 * through the decider, raw appends through admitEvent); only streams written before those rules
 * held raw appends can still contain them.
 */
export function evolve(state: OrderState, event: OrderEvent): OrderState {
  if (event.type === "OrderRequested") {
    if (state.exists) return state;
    const { orderNumber, hubId, customer, articles, delivery } = event.data;
    const planned = delivery?.plannedDeliveryTime;
    return {
      exists: true,
      orderNumber,
      status: statusAfter(event, "REQUESTED"),
      hubId,
      customer,
      articles,
      ...(planned === undefined ? {} : { plannedDeliveryTime: planned }),
    };
  }
  if (!state.exists) return state;
  const status = statusAfter(event, state.status);
  switch (event.type) {
    case "OrderAccepted":
      return { ...state, status };
    case "OrderArticlesUpdated":
      return { ...state, articles: event.data.articles };
    case "OrderCancelled":
      return { ...state, status, ...(event.data.reason === undefined ? {} : { cancellationReason: event.data.reason }) };
    case "OrderPickingStarted":
      return { ...state, status, pickingStartTime: event.data.pickingStartTime };
    case "OrderOutForDelivery": {
      const planned = event.data.plannedDeliveryTime;
      return {
        ...state,
        status,
        pickingEndTime: event.data.pickingEndTime,
        ...(planned === undefined ? {} : { plannedDeliveryTime: planned }),
      };
    }
    case "OrderDelivered":
      return { ...state, status, deliveredTime: event.data.deliveredTime };
  }
}

export function fold(events: Iterable<OrderEvent>, from: OrderState = initialState): OrderState {
  let state = from;
  for (const event of events) state = evolve(state, event);
  return state;
}
