import { randomUUID } from "node:crypto";
import type { NewEvent } from "../../functions/src/eventstore/event-store.js";
import { SqliteEventStore } from "../../functions/src/eventstore/sqlite/sqlite-event-store.js";
import { planOrders, stepsOf } from "../../functions/src/order-generator/order-plan.js";
import { seededRandom } from "../../functions/src/order-generator/seeded-random.js";

/**
 * Writes about `events` order events into a fresh store: the simulator's lifecycles, one
 * append per order, with the store's clock stepping so the orders spread over many days
 * (as a real log does; every hub-day and customer view grows with its share).
 */
export async function seedEvents(file: string, events: number, onProgress?: (written: number) => void): Promise<number> {
  let clock = Date.parse("2026-01-01T08:00:00.000Z");
  const store = new SqliteEventStore({ file, clock: () => new Date((clock += 20_000)) });
  const plans = planOrders(Math.ceil(events / 5.4), seededRandom(7), "replay");
  let written = 0;
  let next = 0;
  const at = "2026-01-01T12:00:00.000Z";
  const worker = async () => {
    for (let i = next++; i < plans.length && written < events; i = next++) {
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
      await store.append(`order-${orderNumber}`, batch, "no_stream");
      written += batch.length;
      if (i % 2000 === 0) onProgress?.(written);
    }
  };
  await Promise.all(Array.from({ length: 64 }, () => worker()));
  await store.close();
  return written;
}
