import { SqliteEventStore } from "../../functions/src/eventstore/sqlite/sqlite-event-store.js";
import { PROJECTOR_RESOURCES, projectorBatchHeapBudget } from "../../functions/src/local/projector-resources.js";
import { LocalProjector } from "../../functions/src/projections/local-projector.js";
import { SqliteProjectionStore } from "../../functions/src/projections/sqlite/sqlite-projection-store.js";

/**
 * Rebuilds every view from the first event into an empty views file, as the local projector
 * worker does (its views store options, its build without a WAL, its catch-up batch and heap
 * budget; run it with projectorHeapFlags() for the worker's heap). Prints events/s, peak RSS and
 * the CPU time spent: the process's, and the projecting thread's alone.
 */
const [eventsFile, viewsFile, batch] = process.argv.slice(2);
if (eventsFile === undefined || viewsFile === undefined) throw new Error("usage: replay-child <events.db> <views.db> [batchSize]");
const events = new SqliteEventStore({ file: eventsFile });
const views = new SqliteProjectionStore(viewsFile, {
  backgroundCheckpoints: true,
  cacheMiB: PROJECTOR_RESOURCES.viewsCacheMiB,
  buildWithoutWal: true,
});
let peakRss = process.memoryUsage().rss;
let batches = 0;
let batchesEndedOnHeapBudget = 0;
const head = await events.headPosition();
const started = process.hrtime.bigint();
const cpuBefore = process.cpuUsage();
const threadBefore = process.threadCpuUsage();
await new LocalProjector({
  feed: events,
  events,
  views,
  deadLetters: views,
  checkpoints: views,
  catchUpBatchSize: Number(batch ?? PROJECTOR_RESOURCES.catchUpBatchSize),
  batchHeapBudget: projectorBatchHeapBudget(),
  transaction: (work) => views.inTransaction(work),
  // The catch-up never yields to timers: sample the memory at each batch's end instead.
  onBatch: ({ endedOnHeapBudget }) => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    batches++;
    if (endedOnHeapBudget) batchesEndedOnHeapBudget++;
  },
  // The file becomes a WAL file; its sync starts on the checkpoint thread.
  onCaughtUp: () => {
    views.finishBuild();
  },
}).catchUp();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuBefore);
const thread = process.threadCpuUsage(threadBefore);
// The build's end (the file synced, its marker gone) runs on the checkpoint thread once the last
// batch is committed, as the WAL's checkpoints did after it before (ADR 17): timed apart.
await views.whenBuilt();
const buildEndSeconds = Number(process.hrtime.bigint() - started) / 1e9 - seconds;
peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
process.stdout.write(
  `${JSON.stringify({
    events: head,
    seconds,
    eventsPerSecond: head / seconds,
    buildEndSeconds,
    // Every thread of the process: the projection's and V8's collector helpers (no checkpoint
    // thread while a new file is built, ADR 17).
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    projectionThreadCpuSeconds: (thread.user + thread.system) / 1e6,
    peakRssMiB: peakRss / 1024 / 1024,
    // Ordinary events never reach the worker's batch heap budget (projector-resources.ts).
    batches,
    batchesEndedOnHeapBudget,
    deadLetters: await views.count(),
  })}\n`,
);
views.close();
await events.close();
