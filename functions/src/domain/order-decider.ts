import type { OrderCommand } from "./order-command-requests.js";
import type { ArticleLine, OrderEvent } from "./order-events.js";
import type { OrderState, OrderStatus } from "./order-state.js";

/** Why the decider refused a command; the HTTP layer maps each to a status. */
export type Rejection =
  { kind: "order-exists"; detail: string } | { kind: "order-not-found"; detail: string } | { kind: "lifecycle-violation"; detail: string };

/** Events to append (possibly none: the command was already satisfied) or a rejection. */
export type Decision = { ok: true; events: OrderEvent[] } | { ok: false; rejection: Rejection };

const accept = (events: OrderEvent[]): Decision => ({ ok: true, events });
const satisfied: Decision = { ok: true, events: [] };
const forbidden = (detail: string): Decision => ({ ok: false, rejection: { kind: "lifecycle-violation", detail } });

/**
 * Progress along the happy path. A command whose target is at or behind the current status is
 * already satisfied; one that skips a step is forbidden. DELIVERED and CANCELLED are terminal:
 * there only a repeat of the command that ended the order is satisfied.
 */
const STEP: Record<Exclude<OrderStatus, "CANCELLED">, number> = { REQUESTED: 0, ACCEPTED: 1, PICKING: 2, DELIVERING: 3, DELIVERED: 4 };

function advance(
  status: OrderStatus,
  target: Exclude<OrderStatus, "REQUESTED" | "CANCELLED">,
  event: OrderEvent,
  action: string,
): Decision {
  if (status === target) return satisfied;
  if (status === "CANCELLED") return forbidden(`cannot ${action}: the order is CANCELLED`);
  if (status === "DELIVERED") return forbidden(`cannot ${action}: the order is DELIVERED`);
  const from = STEP[status];
  const to = STEP[target];
  if (from >= to) return satisfied;
  if (from + 1 < to) return forbidden(`cannot ${action}: the order is ${status}`);
  return accept([event]);
}

function sameArticles(a: OrderState & { exists: true }, articles: readonly ArticleLine[]): boolean {
  return JSON.stringify(a.articles) === JSON.stringify(articles);
}

export function decide(command: OrderCommand, state: OrderState): Decision {
  const { orderNumber } = command;
  if (command.type === "PlaceOrder") {
    if (state.exists) return { ok: false, rejection: { kind: "order-exists", detail: `order ${orderNumber} already exists` } };
    const { hubId, customer, articles, plannedDeliveryTime } = command;
    return accept([
      {
        type: "OrderRequested",
        data: {
          orderNumber,
          hubId,
          customer,
          articles: [...articles],
          ...(plannedDeliveryTime === undefined ? {} : { delivery: { plannedDeliveryTime } }),
        },
      },
    ]);
  }
  if (!state.exists) return { ok: false, rejection: { kind: "order-not-found", detail: `order ${orderNumber} does not exist` } };
  const { status } = state;
  switch (command.type) {
    case "AcceptOrder":
      return advance(status, "ACCEPTED", { type: "OrderAccepted", data: { orderNumber } }, "accept");
    case "StartPicking":
      return advance(
        status,
        "PICKING",
        { type: "OrderPickingStarted", data: { orderNumber, pickingStartTime: command.pickingStartTime } },
        "start picking",
      );
    case "DispatchOrder": {
      const planned = command.plannedDeliveryTime;
      const data = {
        orderNumber,
        pickingEndTime: command.pickingEndTime,
        ...(planned === undefined ? {} : { plannedDeliveryTime: planned }),
      };
      return advance(status, "DELIVERING", { type: "OrderOutForDelivery", data }, "dispatch");
    }
    case "DeliverOrder":
      return advance(
        status,
        "DELIVERED",
        { type: "OrderDelivered", data: { orderNumber, deliveredTime: command.deliveredTime } },
        "deliver",
      );
    case "UpdateArticles":
      if (status !== "REQUESTED" && status !== "ACCEPTED") return forbidden(`cannot update articles: the order is ${status}`);
      if (sameArticles(state, command.articles)) return satisfied;
      return accept([{ type: "OrderArticlesUpdated", data: { orderNumber, articles: [...command.articles] } }]);
    case "CancelOrder": {
      if (status === "CANCELLED") return satisfied;
      if (status !== "REQUESTED" && status !== "ACCEPTED") return forbidden(`cannot cancel: the order is ${status}`);
      const reason = command.reason;
      return accept([{ type: "OrderCancelled", data: { orderNumber, ...(reason === undefined ? {} : { reason }) } }]);
    }
  }
}

const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, V>);

/** The command whose decision an event records: what a raw append of the event stands for. */
function commandOf(event: OrderEvent): OrderCommand {
  const { orderNumber } = event.data;
  switch (event.type) {
    case "OrderRequested": {
      const { hubId, customer, articles, delivery } = event.data;
      return {
        type: "PlaceOrder",
        orderNumber,
        hubId,
        customer,
        articles,
        ...optional("plannedDeliveryTime", delivery?.plannedDeliveryTime),
      };
    }
    case "OrderAccepted":
      return { type: "AcceptOrder", orderNumber };
    case "OrderArticlesUpdated":
      return { type: "UpdateArticles", orderNumber, articles: event.data.articles };
    case "OrderCancelled":
      return { type: "CancelOrder", orderNumber, ...optional("reason", event.data.reason) };
    case "OrderPickingStarted":
      return { type: "StartPicking", orderNumber, pickingStartTime: event.data.pickingStartTime };
    case "OrderOutForDelivery":
      return {
        type: "DispatchOrder",
        orderNumber,
        pickingEndTime: event.data.pickingEndTime,
        ...optional("plannedDeliveryTime", event.data.plannedDeliveryTime),
      };
    case "OrderDelivered":
      return { type: "DeliverOrder", orderNumber, deliveredTime: event.data.deliveredTime };
  }
}

export type Admission = { ok: true } | { ok: false; detail: string };

/**
 * Whether an event appended straight to an order stream keeps to the lifecycle. The rule is the
 * decider's own: the event must be what the decider emits for the same command in this state.
 * So an order stream has one writer of truth, whichever door the event comes through; an event
 * the command would not emit (a skipped step, a second OrderRequested, an accept of an accepted
 * order) is refused.
 */
export function admitEvent(state: OrderState, event: OrderEvent): Admission {
  const decision = decide(commandOf(event), state);
  if (!decision.ok) return { ok: false, detail: `${event.type}: ${decision.rejection.detail}` };
  if (decision.events.length === 0) {
    return {
      ok: false,
      detail: `${event.type} would change nothing: the order is ${state.exists ? state.status : "not placed"} and its command would append no event`,
    };
  }
  return { ok: true };
}
