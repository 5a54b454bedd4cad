import { randomUUID } from "node:crypto";
import { SqliteEventStore } from "../../functions/src/eventstore/sqlite/sqlite-event-store.js";

/**
 * The largest orders the schemas allow, for the projector's heap budget (docs/adr/0018): each
 * order one OrderRequested of 100 lines, every article name 200 characters and distinct, all at
 * one hub on one day, over 500 customers. Usage:
 *   npx tsx bench/replay/seed-largest-events.ts <events.db> [orders, default 16000]
 * then rebuild them as the server's worker would: bench/replay/replay-in-worker.ts.
 */
const [file, ordersArg] = process.argv.slice(2);
if (file === undefined) throw new Error("usage: seed-largest-events <events.db> [orders]");
const orders = Number(ordersArg ?? 16_000);
const store = new SqliteEventStore({ file });
const articleName = (order: number, line: number) => `${order}-${line}-`.padEnd(200, "x");
for (let from = 0; from < orders; from += 100) {
  await Promise.all(
    Array.from({ length: Math.min(100, orders - from) }, (_, k) => {
      const n = from + k;
      const articles = Array.from({ length: 100 }, (_, line) => ({ article: articleName(n, line), quantity: 10_000, price: 999_999.99 }));
      const customer = {
        customerId: 50_001 + (n % 500),
        deliveryAddress: { name: `Customer ${n % 500}`, street: "Pariser Platz 1", city: "Berlin", zipCode: "10117" },
      };
      const data = { orderNumber: `largest-${n}`, hubId: 10_001, customer, articles };
      return store.append(`order-largest-${n}`, [{ eventId: randomUUID(), type: "OrderRequested", data, metadata: {} }], "no_stream");
    }),
  );
  if ((from / 100) % 20 === 0) process.stderr.write(`${from + 100} orders\n`);
}
process.stdout.write(`${await store.headPosition()} events in ${file}\n`);
await store.close();
