import { randomUUID } from "node:crypto";
import { SqliteEventStore } from "../../functions/src/eventstore/sqlite/sqlite-event-store.js";
import { eventData, parseWorkloadArgs, report, timed } from "./workload.js";

/** Our embedded store, through its public port. */
const args = parseWorkloadArgs(process.argv.slice(2));
const store = new SqliteEventStore({ file: args.file });
const event = (n: number) => ({ eventId: randomUUID(), type: "OrderRequested", data: eventData(n), metadata: {} });

if (args.workload === "W3") {
  for (let s = 0; s < args.streams; s++)
    await store.append(
      `s-${s}`,
      Array.from({ length: 10 }, (_, i) => event(i)),
      0,
    );
  const seconds = await timed(args.streams, async (s) => {
    const slice = await store.read(`s-${s}`, { maxCount: 1000 });
    if (slice.events.length !== 10) throw new Error("short read");
  });
  report({ store: "ours", workload: "W3", operations: args.streams, seconds, perSecond: args.streams / seconds });
} else {
  const streams = args.workload === "W1" ? args.streams : 1;
  const versions = new Array<number>(streams).fill(0);
  const seconds = await timed(args.appends, async (i) => {
    const s = i % streams;
    await store.append(`s-${s}`, [event(i)], versions[s] ?? 0);
    versions[s] = (versions[s] ?? 0) + 1;
  });
  report({ store: "ours", workload: args.workload, operations: args.appends, seconds, perSecond: args.appends / seconds });
}
await store.close();
