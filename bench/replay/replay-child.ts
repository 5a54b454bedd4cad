import { SqliteEventStore } from "../../functions/src/eventstore/sqlite/sqlite-event-store.js";
import { LocalProjector } from "../../functions/src/projections/local-projector.js";
import { SqliteProjectionStore } from "../../functions/src/projections/sqlite/sqlite-projection-store.js";

/** Rebuilds every view from the first event into an empty views file; prints events/s and peak RSS. */
const [eventsFile, viewsFile, batch] = process.argv.slice(2);
if (eventsFile === undefined || viewsFile === undefined) throw new Error("usage: replay-child <events.db> <views.db> [batchSize]");
const events = new SqliteEventStore({ file: eventsFile });
const views = new SqliteProjectionStore(viewsFile, { backgroundCheckpoints: true });
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 25);
const head = await events.headPosition();
const started = process.hrtime.bigint();
await new LocalProjector({
  feed: events,
  events,
  views,
  deadLetters: views,
  checkpoints: views,
  catchUpBatchSize: Number(batch ?? 20_000),
  transaction: (work) => views.inTransaction(work),
}).catchUp();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
process.stdout.write(
  `${JSON.stringify({ events: head, seconds, eventsPerSecond: head / seconds, peakRssMiB: peakRss / 1024 / 1024, deadLetters: await views.count() })}\n`,
);
views.close();
await events.close();
