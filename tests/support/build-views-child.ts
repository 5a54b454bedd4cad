import { SqliteEventStore } from "../../functions/src/eventstore/sqlite/sqlite-event-store.js";
import { LocalProjector } from "../../functions/src/projections/local-projector.js";
import { SqliteProjectionStore } from "../../functions/src/projections/sqlite/sqlite-projection-store.js";

/**
 * Builds a views file from the first event as the local projector worker does (without a WAL,
 * catch-up batches in one transaction each), printing "batch <position>" after each commit, so
 * that a test can kill it part-way through: node --import tsx build-views-child.ts <events.db> <views.db>
 */
const [eventsFile, viewsFile] = process.argv.slice(2);
if (eventsFile === undefined || viewsFile === undefined) throw new Error("usage: build-views-child <events.db> <views.db>");
const events = new SqliteEventStore({ file: eventsFile });
const views = new SqliteProjectionStore(viewsFile, { buildWithoutWal: true });
await new LocalProjector({
  feed: events,
  views,
  deadLetters: views,
  checkpoints: views,
  catchUpBatchSize: 500,
  transaction: (work) => views.inTransaction(work),
  onBatch: ({ position }) => process.stdout.write(`batch ${position}\n`),
  onCaughtUp: () => {
    views.finishBuild();
  },
}).catchUp();
process.stdout.write("built\n");
views.close();
await events.close();
