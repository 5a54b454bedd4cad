/**
 * Flat growth of the views: one customer at one hub on one day receives waves of 1,000 orders.
 * After each wave: the time the local projector takes to catch up (as the server's projector
 * worker does: same store, same batch sizes, one transaction per batch), and the median time of
 * the first-page GET of the customer view through its handler. Prints one JSON line.
 *
 * usage: flat-growth-child <dir> <orders>
 */
import { join } from "node:path";
import type { NewEvent } from "../../functions/src/eventstore/event-store.js";
import type { AppDependencies } from "../../functions/src/handlers/dependencies.js";
import { sqliteRecentEvents } from "../../functions/src/dashboard/sqlite-recent-events.js";
import { SqliteEventStore } from "../../functions/src/eventstore/sqlite/sqlite-event-store.js";
import { customerViewHandler } from "../../functions/src/handlers/view-handlers.js";
import { LocalProjector } from "../../functions/src/projections/local-projector.js";
import { SqliteProjectionStore } from "../../functions/src/projections/sqlite/sqlite-projection-store.js";
import { HttpRequest, InvocationContext } from "../../functions/src/shared/azure-functions-runtime.js";
import { median } from "../simulator/percentiles.js";

const [dir, ordersArg] = process.argv.slice(2);
if (dir === undefined) throw new Error("usage: flat-growth-child <dir> <orders>");
const ORDERS = Number(ordersArg ?? 20_000);
const WAVE = 1000;

// Every order on one day: the store's clock steps 1 ms per append from midnight.
let clock = Date.parse("2026-11-27T00:00:00.000Z");
const events = new SqliteEventStore({ file: join(dir, "events.db"), clock: () => new Date(clock++) });
const writer = new SqliteProjectionStore(join(dir, "views.db"));
const reader = new SqliteProjectionStore(join(dir, "views.db"));
const projector = new LocalProjector({
  feed: events,
  events,
  views: writer,
  deadLetters: writer,
  checkpoints: writer,
  transaction: (work) => writer.inTransaction(work),
});
const deps: AppDependencies = {
  events,
  views: reader,
  deadLetters: reader,
  recentEvents: sqliteRecentEvents(events),
  projectionHealth: () => Promise.resolve({ position: null, lagEvents: null, lagMs: null }),
  now: () => new Date(),
  newId: () => crypto.randomUUID(),
};
const getCustomer = customerViewHandler(deps);

let placed = 0;
async function wave(customerId: number, hubId: number): Promise<void> {
  const first = placed;
  placed += WAVE;
  let next = first;
  const worker = async () => {
    for (let n = next++; n < first + WAVE; n = next++) {
      const orderNumber = `flat-${n}`;
      const event: NewEvent = {
        eventId: crypto.randomUUID(),
        type: "OrderRequested",
        data: {
          orderNumber,
          hubId,
          customer: { customerId, deliveryAddress: { name: "Ada", street: "Pariser Platz 1", city: "Berlin", zipCode: "10117" } },
          articles: [{ article: "Mojito", quantity: 1 + (n % 3), price: 7.5 }],
        },
        metadata: {},
      };
      await events.append(`order-${orderNumber}`, [event], "no_stream");
    }
  };
  await Promise.all(Array.from({ length: 64 }, () => worker()));
}

async function catchUpMs(): Promise<number> {
  const started = process.hrtime.bigint();
  await projector.catchUp();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function firstPageMs(customerId: number): Promise<number> {
  const times: number[] = [];
  // 30 warm-up calls, then the median of 300: a sub-millisecond figure needs many samples.
  for (let i = 0; i < 330; i++) {
    const request = new HttpRequest({
      method: "GET",
      url: `http://127.0.0.1/api/views/customers/${customerId}`,
      params: { customerId: String(customerId) },
    });
    const started = process.hrtime.bigint();
    const response = await getCustomer(request, new InvocationContext({ functionName: "customerView" }));
    if (response.status !== 200) throw new Error(`GET answered ${String(response.status)}`);
    if (i >= 30) times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(times);
}

// A warm-up wave for another customer, hub and day, so the first measured wave is not the JIT's.
clock = Date.parse("2026-11-26T00:00:00.000Z");
await wave(60001, 20001);
await catchUpMs();
await firstPageMs(60001);
clock = Date.parse("2026-11-27T00:00:00.000Z");

const waves: { orders: number; catchUpMs: number; firstPageMs: number }[] = [];
for (let orders = WAVE; orders <= ORDERS; orders += WAVE) {
  await wave(50001, 10001);
  const catchUp = await catchUpMs();
  waves.push({ orders, catchUpMs: catchUp, firstPageMs: await firstPageMs(50001) });
}
await events.close();
writer.close();
reader.close();
process.stdout.write(`${JSON.stringify({ waves })}\n`);
