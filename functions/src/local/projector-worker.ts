/**
 * A local projector in a worker thread, beside the HTTP API rather than on its event loop:
 * rewriting view documents then never delays a request. It has its own connections to both
 * files; the API tells it about appends, and it reports its position and lag after each batch.
 */
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import type { EventFeed } from "../eventstore/event-store.js";
import type { FromProjector, ProjectorWorkerData, ToProjector } from "./projector-messages.js";
import { SqliteEventStore } from "../eventstore/sqlite/sqlite-event-store.js";
import { LocalProjector } from "../projections/local-projector.js";
import { SqliteProjectionStore } from "../projections/sqlite/sqlite-projection-store.js";
import { PROJECTOR_RESOURCES, projectorBatchHeapBudget } from "./projector-resources.js";

const port = parentPort;
if (port === null) throw new Error("projector-worker runs only as a worker thread");
// Each generation of the views has its own file, with its own checkpoint and dead letters.
const { dataDir, viewsFile } = workerData as ProjectorWorkerData;
const post = (message: FromProjector) => {
  port.postMessage(message);
};

const events = new SqliteEventStore({ file: join(dataDir, "events.db") });
// A new views file is built without a WAL until the projector has caught up (docs/adr/0017).
const views = new SqliteProjectionStore(join(dataDir, viewsFile), {
  backgroundCheckpoints: true,
  cacheMiB: PROJECTOR_RESOURCES.viewsCacheMiB,
  buildWithoutWal: true,
  onBackgroundError: (message, retryInMs) => {
    post({ kind: "error", message, retryInMs });
  },
});
const appendListeners = new Set<() => void>();
// Appends happen on the API's connection: its "appended" messages wake the projector.
const feed: EventFeed = {
  readAll: (after, max) => events.readAll(after, max),
  headPosition: () => events.headPosition(),
  onAppended(listener) {
    appendListeners.add(listener);
    return () => appendListeners.delete(listener);
  },
};
const projector: LocalProjector = new LocalProjector({
  feed,
  events,
  views,
  deadLetters: views,
  checkpoints: views,
  catchUpBatchSize: PROJECTOR_RESOURCES.catchUpBatchSize,
  batchHeapBudget: projectorBatchHeapBudget(),
  transaction: (work) => views.inTransaction(work),
  onBatch: (outcome) => {
    post({ kind: "batch", position: outcome.position, recentLag: projector.recentLag() });
  },
  onCaughtUp: () => {
    if (!views.building) return;
    // The file is synced on the checkpoint thread while the projection goes on.
    views.finishBuild();
    void views.whenBuilt().then(() => {
      post({ kind: "built" });
    });
  },
  onError: (error, retryInMs) => {
    post({ kind: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error), retryInMs });
  },
});

port.on("message", (message: ToProjector) => {
  if (message.kind === "appended") {
    for (const listener of appendListeners) listener();
    return;
  }
  void projector.stop().then(async () => {
    await events.close();
    // A build's end in progress on the checkpoint thread is let finish (it takes a moment), so
    // that close() need not compete with it; close() ends a build stopped part-way itself.
    if (views.buildEnding) await Promise.race([views.whenBuilt(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    views.close();
    // Closing the port ends the thread; the API waits for its exit.
    port.close();
  });
});
const position = await views.getCheckpoint("views");
projector.start();
post({ kind: "started", position, built: !views.building });
