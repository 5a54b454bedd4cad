import { randomUUID } from "node:crypto";
import type { NewEvent } from "../../functions/src/eventstore/event-store.js";
import { SqliteEventStore } from "../../functions/src/eventstore/sqlite/sqlite-event-store.js";
import { planOrders, stepsOf } from "../../functions/src/order-generator/order-plan.js";
import { seededRandom } from "../../functions/src/order-generator/seeded-random.js";

/**
 * Writes at least `events` order events (by at most one order's more) into a fresh store: the simulator's lifecycles, one
 * append per order, with the store's clock stepping so the orders spread over many days
 * (as a real log does; every hub-day and customer view grows with its share).
 */
export async function seedEvents(file: string, events: number, onProgress?: (written: number) => void): Promise<number> {
  let clock = Date.parse("2026-01-01T08:00:00.000Z");
  const store = new SqliteEventStore({ file, clock: () => new Date((clock += 20_000)) });
  // Plans average about 5 events: plan more orders than needed and stop once enough are written.
  const plans = planOrders(Math.ceil(events / 4.5), seededRandom(7), "replay");
  let written = 0;
  let reserved = 0;
  let next = 0;
  const at = "2026-01-01T12:00:00.000Z";
  const worker = async () => {
    // Counted before the append, so that concurrent workers stop at the first order past `events`.
    for (let i = next++; i < plans.length && reserved < events; i = next++) {
      const plan = plans[i];
      if (!plan) return;
      const orderNumber = plan.orderNumber;
      const batch: NewEvent[] = stepsOf(plan).map(([, suffix, body]) => {
        const data =
          suffix === ""
            ? { ...(body as object), orderNumber }
            : suffix === "/articles"
              ? { orderNumber, articles: (body as { articles: unknown }).articles }
              : suffix === "/cancel"
                ? { orderNumber, reason: "changed" }
                : suffix === "/start-picking"
                  ? { orderNumber, pickingStartTime: at }
                  : suffix === "/dispatch"
                    ? { orderNumber, pickingEndTime: at }
                    : suffix === "/deliver"
                      ? { orderNumber, deliveredTime: at }
                      : { orderNumber };
        const type =
          {
            "": "OrderRequested",
            "/accept": "OrderAccepted",
            "/articles": "OrderArticlesUpdated",
            "/cancel": "OrderCancelled",
            "/start-picking": "OrderPickingStarted",
            "/dispatch": "OrderOutForDelivery",
            "/deliver": "OrderDelivered",
          }[suffix] ?? "OrderAccepted";
        return { eventId: randomUUID(), type, data, metadata: {} };
      });
      reserved += batch.length;
      await store.append(`order-${orderNumber}`, batch, "no_stream");
      written += batch.length;
      if (i % 2000 === 0) onProgress?.(written);
    }
  };
  await Promise.all(Array.from({ length: 64 }, () => worker()));
  await store.close();
  return written;
}
