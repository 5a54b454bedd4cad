import { describe, expect, it } from "vitest";
import type { OrderCommand } from "../../functions/src/domain/order-command-requests.js";
import type { OrderEvent } from "../../functions/src/domain/order-events.js";
import type { ArticleLine } from "../../functions/src/domain/order-events.js";
import { admitEvent, decide } from "../../functions/src/domain/order-decider.js";
import { evolve, fold, initialState, statusAfter } from "../../functions/src/domain/order-state.js";
import { requestedData } from "../support/orders.js";

const N = "o-1";
const T = "2026-11-27T10:00:00.000Z";

const lines: ArticleLine[] = [{ article: "Mojito", quantity: 2, price: 7.5, currency: "EUR" }];
const requested: OrderEvent = { type: "OrderRequested", data: { ...requestedData(N), articles: lines } };
const accepted: OrderEvent = { type: "OrderAccepted", data: { orderNumber: N } };
const picking: OrderEvent = { type: "OrderPickingStarted", data: { orderNumber: N, pickingStartTime: T } };
const dispatched: OrderEvent = { type: "OrderOutForDelivery", data: { orderNumber: N, pickingEndTime: T } };
const delivered: OrderEvent = { type: "OrderDelivered", data: { orderNumber: N, deliveredTime: T } };
const cancelled: OrderEvent = { type: "OrderCancelled", data: { orderNumber: N } };

const commands = {
  place: { type: "PlaceOrder", orderNumber: N, hubId: 10001, customer: requestedData(N).customer, articles: lines },
  accept: { type: "AcceptOrder", orderNumber: N },
  update: { type: "UpdateArticles", orderNumber: N, articles: [{ article: "Fanta Orange", quantity: 3, price: 2.5, currency: "USD" }] },
  cancel: { type: "CancelOrder", orderNumber: N, reason: "customer called" },
  startPicking: { type: "StartPicking", orderNumber: N, pickingStartTime: T },
  dispatch: { type: "DispatchOrder", orderNumber: N, pickingEndTime: T, plannedDeliveryTime: "2026-11-27T12:00:00.000Z" },
  deliver: { type: "DeliverOrder", orderNumber: N, deliveredTime: T },
} satisfies Record<string, OrderCommand>;

/** given events, when command, then events (or a rejection kind). */
function spec(given: OrderEvent[], when: OrderCommand) {
  const result = decide(when, fold(given));
  return {
    thenEvents: (expected: OrderEvent[]) => {
      expect(result).toEqual({ ok: true, events: expected });
    },
    thenNothingNew: () => {
      expect(result).toEqual({ ok: true, events: [] });
    },
    thenRejected: (kind: string) => {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.rejection.kind).toBe(kind);
    },
  };
}

const histories = {
  none: [],
  REQUESTED: [requested],
  ACCEPTED: [requested, accepted],
  PICKING: [requested, accepted, picking],
  DELIVERING: [requested, accepted, picking, dispatched],
  DELIVERED: [requested, accepted, picking, dispatched, delivered],
  CANCELLED: [requested, accepted, cancelled],
} satisfies Record<string, OrderEvent[]>;

describe("order decider", () => {
  describe("place", () => {
    it("given no order, when placed, then OrderRequested", () => {
      spec(histories.none, commands.place).thenEvents([requested]);
    });
    it("given an existing order, when placed again, then order-exists", () => {
      spec(histories.REQUESTED, commands.place).thenRejected("order-exists");
    });
  });

  describe("every command on an order that does not exist", () => {
    for (const name of ["accept", "update", "cancel", "startPicking", "dispatch", "deliver"] as const) {
      it(`given no order, when ${name}, then order-not-found`, () => {
        spec(histories.none, commands[name]).thenRejected("order-not-found");
      });
    }
  });

  // Rows: the state the order is in. Columns: the outcome of each command there.
  type Outcome = OrderEvent | "nothing" | "forbidden";
  const updated: OrderEvent = { type: "OrderArticlesUpdated", data: { orderNumber: N, articles: commands.update.articles } };
  const cancelledWithReason: OrderEvent = { type: "OrderCancelled", data: { orderNumber: N, reason: "customer called" } };
  const dispatchedPlanned: OrderEvent = {
    type: "OrderOutForDelivery",
    data: { orderNumber: N, pickingEndTime: T, plannedDeliveryTime: "2026-11-27T12:00:00.000Z" },
  };
  const table: Record<
    Exclude<keyof typeof histories, "none">,
    Record<"accept" | "update" | "cancel" | "startPicking" | "dispatch" | "deliver", Outcome>
  > = {
    REQUESTED: {
      accept: accepted,
      update: updated,
      cancel: cancelledWithReason,
      startPicking: "forbidden",
      dispatch: "forbidden",
      deliver: "forbidden",
    },
    ACCEPTED: {
      accept: "nothing",
      update: updated,
      cancel: cancelledWithReason,
      startPicking: picking,
      dispatch: "forbidden",
      deliver: "forbidden",
    },
    PICKING: {
      accept: "nothing",
      update: "forbidden",
      cancel: "forbidden",
      startPicking: "nothing",
      dispatch: dispatchedPlanned,
      deliver: "forbidden",
    },
    DELIVERING: {
      accept: "nothing",
      update: "forbidden",
      cancel: "forbidden",
      startPicking: "nothing",
      dispatch: "nothing",
      deliver: delivered,
    },
    DELIVERED: {
      accept: "forbidden",
      update: "forbidden",
      cancel: "forbidden",
      startPicking: "forbidden",
      dispatch: "forbidden",
      deliver: "nothing",
    },
    CANCELLED: {
      accept: "forbidden",
      update: "forbidden",
      cancel: "nothing",
      startPicking: "forbidden",
      dispatch: "forbidden",
      deliver: "forbidden",
    },
  };
  for (const [state, row] of Object.entries(table)) {
    describe(`given a ${state} order`, () => {
      for (const [command, outcome] of Object.entries(row)) {
        const label =
          outcome === "nothing" ? "no new event (already satisfied)" : outcome === "forbidden" ? "lifecycle-violation" : outcome.type;
        it(`when ${command}, then ${label}`, () => {
          const s = spec(histories[state as keyof typeof table], commands[command as keyof typeof row]);
          if (outcome === "nothing") s.thenNothingNew();
          else if (outcome === "forbidden") s.thenRejected("lifecycle-violation");
          else s.thenEvents([outcome]);
        });
      }
    });
  }

  it("given an ACCEPTED order, when its articles are set to what they are, then no new event", () => {
    spec(histories.ACCEPTED, { type: "UpdateArticles", orderNumber: N, articles: lines }).thenNothingNew();
  });

  it("evolve folds the whole lifecycle into the current state", () => {
    const state = fold([requested, accepted, updated, picking, dispatchedPlanned, delivered]);
    expect(state).toMatchObject({
      exists: true,
      status: "DELIVERED",
      articles: commands.update.articles,
      pickingStartTime: T,
      pickingEndTime: T,
      plannedDeliveryTime: "2026-11-27T12:00:00.000Z",
      deliveredTime: T,
    });
  });

  it("evolve ignores events that make no sense for the state instead of failing reads", () => {
    expect(evolve(initialState, accepted)).toBe(initialState);
    const placed = fold([requested]);
    expect(evolve(placed, requested)).toBe(placed);
  });

  it("statusAfter is the one transition table: each event's status, article updates keep the current one", () => {
    expect([requested, accepted, picking, dispatched, delivered, cancelled].map((e) => statusAfter(e, "ACCEPTED"))).toEqual([
      "REQUESTED",
      "ACCEPTED",
      "PICKING",
      "DELIVERING",
      "DELIVERED",
      "CANCELLED",
    ]);
    expect(statusAfter(updated, "PICKING")).toBe("PICKING");
  });

  describe("admitEvent: a raw append keeps to the same lifecycle as the commands", () => {
    const eventOf = {
      accept: accepted,
      update: updated,
      cancel: cancelledWithReason,
      startPicking: picking,
      dispatch: dispatchedPlanned,
      deliver: delivered,
    };
    for (const [state, row] of Object.entries(table)) {
      for (const [command, outcome] of Object.entries(row)) {
        const event = eventOf[command as keyof typeof eventOf];
        const admitted = typeof outcome === "object";
        it(`given a ${state} order, ${event.type} is ${admitted ? "admitted" : "refused"}`, () => {
          const admission = admitEvent(fold(histories[state as keyof typeof table]), event);
          expect(admission.ok).toBe(admitted);
          if (!admission.ok) expect(admission.detail).toMatch(new RegExp(`^${event.type}`));
        });
      }
    }
    it("admits OrderRequested only for an order that does not exist, and nothing else before it", () => {
      expect(admitEvent(initialState, requested)).toEqual({ ok: true });
      expect(admitEvent(fold([requested]), requested)).toMatchObject({
        ok: false,
        detail: expect.stringContaining("already exists") as unknown,
      });
      for (const event of Object.values(eventOf))
        expect(admitEvent(initialState, event)).toMatchObject({ ok: false, detail: expect.stringContaining("does not exist") as unknown });
    });
    it("refuses OrderDelivered straight after OrderRequested", () => {
      expect(admitEvent(fold([requested]), delivered)).toMatchObject({
        ok: false,
        detail: expect.stringContaining("REQUESTED") as unknown,
      });
    });
  });
});
