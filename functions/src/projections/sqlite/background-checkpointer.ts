import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/**
 * Copies a WAL file's committed pages back into its database on a thread of its own.
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that crosses the threshold, on the
 * writer's thread, and waits for two fsyncs. A projector catching up commits large batches
 * back to back, so every commit paid for one; in the replay benchmark that was a quarter of the
 * time. A PASSIVE checkpoint from another connection never blocks the writer (it copies only
 * frames already committed and stops at pages a reader still needs), so here the copying and
 * the fsyncs run beside the projection instead of inside it.
 */
export interface BackgroundCheckpointer {
  /** Ends the thread after its current checkpoint, if any; resolves once it has closed its connection. */
  stop(): Promise<void>;
}

/** The thread's code: plain CommonJS, so it runs the same under tsx, vitest and node. */
const THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma("busy_timeout = 5000");
// In WAL mode SQLite syncs the database file after each checkpoint that copies the whole WAL.
db.pragma("synchronous = NORMAL");
let reportComplete = workerData.reportComplete;
let timer;
const tick = () => {
  try {
    // A PASSIVE checkpoint that a commit overtakes reports the WAL copied yet skips the sync; a
    // FULL one holds writers off until it has copied and synced, so its "complete" means synced.
    const [result] = db.pragma(reportComplete ? "wal_checkpoint(FULL)" : "wal_checkpoint(PASSIVE)");
    if (reportComplete && result.busy === 0 && result.checkpointed === result.log) {
      reportComplete = false;
      parentPort.postMessage({ complete: true });
    }
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
  timer = setTimeout(tick, workerData.everyMs);
};
timer = setTimeout(tick, reportComplete ? 0 : workerData.everyMs);
parentPort.on("message", () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

export interface BackgroundCheckpointOptions {
  readonly everyMs?: number;
  /** A checkpoint failed; the next one comes `retryInMs` later. */
  readonly onError?: (message: string, retryInMs: number) => void;
  /**
   * Called once, after the first FULL checkpoint that completes (the first runs at once; FULL
   * holds writers off while it copies the WAL and syncs the database file,
   * https://www.sqlite.org/pragma.html#pragma_wal_checkpoint): every page written into the file
   * before is then on disk (the end of a build without a WAL, docs/adr/0017). PASSIVE
   * checkpoints follow.
   */
  readonly onFirstCompleteCheckpoint?: () => void;
}

export function startBackgroundCheckpoints(file: string, options: BackgroundCheckpointOptions = {}): BackgroundCheckpointer {
  // Resolved here, where the application's node_modules are known, not from the thread's cwd.
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const everyMs = options.everyMs ?? 100;
  const workerData = { file, driver, everyMs, reportComplete: options.onFirstCompleteCheckpoint !== undefined };
  const worker = new Worker(THREAD, { eval: true, workerData });
  // A checkpointer never keeps the process alive; the writer's own threshold still applies if it is gone.
  worker.unref();
  worker.on("message", (message: { error?: string; complete?: true }) => {
    if (message.complete) options.onFirstCompleteCheckpoint?.();
    else options.onError?.(message.error ?? "unknown checkpoint error", everyMs);
  });
  worker.on("error", (error) => options.onError?.(String(error), everyMs));
  const exited = new Promise<void>((resolve) =>
    worker.once("exit", () => {
      resolve();
    }),
  );
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      if (stopping === undefined) {
        worker.postMessage("stop");
        stopping = exited;
      }
      return stopping;
    },
  };
}
