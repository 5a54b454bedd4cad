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

/**
 * Folds one event into the order's state. Total: an event that makes no sense for the state
 * (which only raw appends can produce) leaves the state as it is, so reads never fail.
 */
export function evolve(state: OrderState, event: OrderEvent): OrderState {
  if (event.type === "OrderRequested") {
    if (state.exists) return state;
    const { orderNumber, hubId, customer, articles, delivery } = event.data;
    const planned = delivery?.plannedDeliveryTime;
    return { exists: true, orderNumber, status: STATUS_AFTER.OrderRequested, hubId, customer, articles, ...(planned === undefined ? {} : { plannedDeliveryTime: planned }) };
  }
  if (!state.exists) return state;
  switch (event.type) {
    case "OrderAccepted":
      return { ...state, status: STATUS_AFTER.OrderAccepted };
    case "OrderArticlesUpdated":
      return { ...state, articles: event.data.articles };
    case "OrderCancelled":
      return { ...state, status: STATUS_AFTER.OrderCancelled, ...(event.data.reason === undefined ? {} : { cancellationReason: event.data.reason }) };
    case "OrderPickingStarted":
      return { ...state, status: STATUS_AFTER.OrderPickingStarted, pickingStartTime: event.data.pickingStartTime };
    case "OrderOutForDelivery": {
      const planned = event.data.plannedDeliveryTime;
      return { ...state, status: STATUS_AFTER.OrderOutForDelivery, pickingEndTime: event.data.pickingEndTime, ...(planned === undefined ? {} : { plannedDeliveryTime: planned }) };
    }
    case "OrderDelivered":
      return { ...state, status: STATUS_AFTER.OrderDelivered, deliveredTime: event.data.deliveredTime };
  }
}

export function fold(events: Iterable<OrderEvent>, from: OrderState = initialState): OrderState {
  let state = from;
  for (const event of events) state = evolve(state, event);
  return state;
}
