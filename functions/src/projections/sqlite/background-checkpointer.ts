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
let timer;
const tick = () => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
  timer = setTimeout(tick, workerData.everyMs);
};
timer = setTimeout(tick, workerData.everyMs);
parentPort.on("message", () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

export function startBackgroundCheckpoints(
  file: string,
  options: { readonly everyMs?: number; readonly onError?: (message: string) => void } = {},
): BackgroundCheckpointer {
  // Resolved here, where the application's node_modules are known, not from the thread's cwd.
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(THREAD, { eval: true, workerData: { file, driver, everyMs: options.everyMs ?? 100 } });
  // A checkpointer never keeps the process alive; the writer's own threshold still applies if it is gone.
  worker.unref();
  worker.on("message", (message: { error: string }) => options.onError?.(message.error));
  worker.on("error", (error) => options.onError?.(String(error)));
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
