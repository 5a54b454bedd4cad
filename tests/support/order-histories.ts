import fc from "fast-check";
import type { RecordedEvent } from "../../functions/src/eventstore/event-store.js";
import type { OrderCommand } from "../../functions/src/domain/order-command-requests.js";
import type { ArticleLine, OrderEvent } from "../../functions/src/domain/order-events.js";
import { ORDER_EVENT_SCHEMA_VERSIONS } from "../../functions/src/domain/order-event-versions.js";
import { decide } from "../../functions/src/domain/order-decider.js";
import { fold } from "../../functions/src/domain/order-state.js";
import { address, CATALOGUE } from "./orders.js";

export interface OrderPlan {
  readonly customerId: number;
  readonly hubId: number;
  readonly articles: ArticleLine[];
  /** How far the order goes: 1 = requested only ... 6 = delivered. */
  readonly steps: number;
  readonly newArticles: ArticleLine[] | null;
  readonly cancel: boolean;
  /** A raw, nonsensical event appended after the lifecycle (a poison event for the projector). */
  readonly poison: boolean;
}

const lines = fc
  .subarray([...CATALOGUE], { minLength: 1, maxLength: 3 })
  .chain((picked) => fc.tuple(...picked.map((line) => fc.integer({ min: 1, max: 5 }).map((quantity) => ({ ...line, quantity })))));

export const orderPlan: fc.Arbitrary<OrderPlan> = fc.record({
  customerId: fc.integer({ min: 50000, max: 50003 }),
  hubId: fc.integer({ min: 10000, max: 10002 }),
  articles: lines,
  steps: fc.integer({ min: 1, max: 6 }),
  newArticles: fc.option(lines, { freq: 3 }),
  cancel: fc.boolean(),
  poison: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
});

const T = "2026-11-27T10:00:00.000Z";

/** The events the decider produces for a plan: a valid lifecycle. */
export function eventsOfPlan(orderNumber: string, plan: OrderPlan): OrderEvent[] {
  const commands: OrderCommand[] = [
    {
      type: "PlaceOrder",
      orderNumber,
      hubId: plan.hubId,
      customer: { customerId: plan.customerId, deliveryAddress: address(plan.customerId % 48) },
      articles: plan.articles,
    },
  ];
  if (plan.steps >= 2) commands.push({ type: "AcceptOrder", orderNumber });
  if (plan.steps >= 2 && plan.newArticles) commands.push({ type: "UpdateArticles", orderNumber, articles: plan.newArticles });
  if (plan.steps >= 2 && plan.cancel) commands.push({ type: "CancelOrder", orderNumber });
  else {
    if (plan.steps >= 3) commands.push({ type: "StartPicking", orderNumber, pickingStartTime: T });
    if (plan.steps >= 4) commands.push({ type: "DispatchOrder", orderNumber, pickingEndTime: T });
    if (plan.steps >= 5) commands.push({ type: "DeliverOrder", orderNumber, deliveredTime: T });
  }
  const events: OrderEvent[] = [];
  for (const command of commands) {
    const decision = decide(command, fold(events));
    if (!decision.ok) throw new Error(`plan produced a refused command: ${decision.rejection.detail}`);
    events.push(...decision.events);
  }
  // A second OrderRequested cannot be projected: it must be dead-lettered, later events still count.
  if (plan.poison) events.push({ type: "OrderRequested", data: { ...(events[0]?.data as object), orderNumber } as never });
  return events;
}

export interface History {
  readonly log: (RecordedEvent & { position: number })[];
  readonly plans: ReadonlyMap<string, OrderPlan>;
}

/** Several orders' events interleaved in a random global order; per-stream order kept. */
export const history: fc.Arbitrary<History> = fc
  .tuple(fc.array(orderPlan, { minLength: 1, maxLength: 10 }), fc.array(fc.nat(), { minLength: 100, maxLength: 100 }))
  .map(([plans, picks]) => {
    const queues = plans.map((plan, i) => ({ orderNumber: `o-${i}`, events: eventsOfPlan(`o-${i}`, plan) }));
    const log: (RecordedEvent & { position: number })[] = [];
    let pick = 0;
    const start = Date.parse("2026-11-26T20:00:00.000Z");
    while (queues.some((q) => q.events.length > 0)) {
      const open = queues.filter((q) => q.events.length > 0);
      const queue = open[(picks[pick++ % picks.length] ?? 0) % open.length];
      if (!queue) break;
      const event = queue.events.shift();
      if (!event) continue;
      const position = log.length + 1;
      const version = log.filter((e) => e.streamId === `order-${queue.orderNumber}`).length + 1;
      log.push({
        position,
        eventId: `00000000-0000-4000-8000-${position.toString().padStart(12, "0")}`,
        streamId: `order-${queue.orderNumber}`,
        version,
        type: event.type,
        schemaVersion: ORDER_EVENT_SCHEMA_VERSIONS[event.type],
        data: event.data,
        metadata: {},
        // Spread over two UTC days, so hub-day keys differ by the store's time.
        recordedAt: new Date(start + position * 37 * 60_000).toISOString(),
      });
    }
    return { log, plans: new Map(plans.map((p, i) => [`o-${i}`, p])) };
  });
