import { type ResourceLimits, Worker } from "node:worker_threads";
import type { FromProjector, ProjectorWorkerData, RecentLag, ToProjector } from "./projector-messages.js";
import { PROJECTOR_RESOURCES } from "./projector-resources.js";

/** The API's handle on one projector worker thread (projector-worker.ts). */
export interface ProjectorThread {
  /** Settles when the worker has opened its files and started following the feed. */
  readonly ready: Promise<void>;
  post(message: ToProjector): void;
  recentLag(): RecentLag;
  /** The last position the worker reported: its committed checkpoint, or one just behind it. */
  position(): number;
  /** False while the worker builds its file without a WAL (docs/adr/0017): the file is not whole yet. */
  built(): boolean;
  /** Asks the worker to stop at a batch boundary and waits until it has closed its files. */
  stop(): Promise<void>;
}

export interface ProjectorThreadOptions extends ProjectorWorkerData {
  readonly log: (message: string, error?: unknown) => void;
  /** Called after each batch the worker has committed, with the position it reached, and when its file's build has ended. */
  readonly onBatch?: (position: number) => void;
}

/** The worker's heap (projector-resources.ts), as Node's Worker takes it. */
export const projectorResourceLimits = (): ResourceLimits => ({
  maxYoungGenerationSizeMb: PROJECTOR_RESOURCES.youngGenerationMiB,
  maxOldGenerationSizeMb: PROJECTOR_RESOURCES.oldGenerationMiB,
});

export function startProjectorThread(options: ProjectorThreadOptions): ProjectorThread {
  const { log, onBatch, ...workerData } = options;
  // The worker runs TypeScript like the rest of the app: through tsx, whatever started us.
  const worker = new Worker(new URL("./projector-worker.ts", import.meta.url), {
    workerData: workerData satisfies ProjectorWorkerData,
    execArgv: ["--import", "tsx"],
    resourceLimits: projectorResourceLimits(),
  });
  let recentLag: RecentLag = { count: 0, p50Ms: null, p99Ms: null };
  let position = 0;
  let built = false;
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    worker.once("exit", (code) => {
      exited = true;
      if (code !== 0) log(`the projector worker of ${workerData.viewsFile} exited with code ${code}`);
      resolve();
    });
  });
  let started: () => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    started = resolve;
    worker.once("error", reject);
    void exit.then(() => {
      reject(new Error("the projector worker exited before it started"));
    });
  });
  worker.on("message", (message: FromProjector) => {
    if (message.kind === "started") {
      ({ position, built } = message);
      started();
    } else if (message.kind === "batch") {
      recentLag = message.recentLag;
      position = message.position;
      onBatch?.(message.position);
    } else if (message.kind === "built") {
      built = true;
      onBatch?.(position);
    } else log(`projection into ${workerData.viewsFile} failed; retrying in ${message.retryInMs} ms: ${message.message}`);
  });
  worker.on("error", (error) => {
    log("the projector worker failed", error);
  });
  return {
    ready,
    post(message) {
      if (!exited) worker.postMessage(message);
    },
    recentLag: () => recentLag,
    position: () => position,
    built: () => built,
    async stop() {
      if (!exited) worker.postMessage({ kind: "stop" } satisfies ToProjector);
      await exit;
    },
  };
}
