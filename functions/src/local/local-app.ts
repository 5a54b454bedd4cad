import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { AppDependencies, ProjectionHealth } from "../handlers/dependencies.js";
import type { FromProjector, ToProjector } from "./projector-messages.js";
import { createRoutes } from "../handlers/routes.js";
import { SqliteEventStore } from "../eventstore/sqlite/sqlite-event-store.js";
import { SqliteProjectionStore } from "../projections/sqlite/sqlite-projection-store.js";
import { DevServer } from "./dev-server.js";

export interface LocalApp {
  readonly port: number;
  readonly events: SqliteEventStore;
  readonly views: SqliteProjectionStore;
  /** Stops accepting requests, lets those in flight finish, stops the projector at a batch boundary, closes the files. */
  close(): Promise<void>;
}

export interface LocalAppOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly log: (message: string, error?: unknown) => void;
}

/**
 * The embedded default: the HTTP API over the SQLite event store and views, and the projector
 * in a worker thread of the same process (projector-worker.ts).
 */
export async function startLocalApp(options: LocalAppOptions): Promise<LocalApp> {
  const events = new SqliteEventStore({ file: join(options.dataDir, "events.db") });
  const views = new SqliteProjectionStore(join(options.dataDir, "views.db"));
  const projector = startProjectorWorker(options.dataDir, options.log);
  // Serve only once the projector is running: the first appends are then projected at once.
  await projector.ready;
  events.onAppended(() => {
    projector.post({ kind: "appended" });
  });
  const projectionHealth = async (): Promise<ProjectionHealth> => {
    const head = await events.headPosition();
    // The worker commits its checkpoint with each batch; this connection sees whole batches.
    const position = await views.getCheckpoint("views");
    const [next] = position < head ? await events.readAll(position, 1) : [];
    return { position, lagEvents: head - position, lagMs: next ? Math.max(0, Date.now() - Date.parse(next.recordedAt)) : 0, recentLag: projector.recentLag() };
  };
  const deps: AppDependencies = { events, views, deadLetters: views, projectionHealth, now: () => new Date(), newId: randomUUID };
  const server = new DevServer({ routes: createRoutes(deps), port: options.port, log: options.log });
  let port: number;
  try {
    port = await server.listen();
  } catch (error) {
    await projector.stop();
    views.close();
    await events.close();
    throw error;
  }
  return {
    port,
    events,
    views,
    async close() {
      await server.close();
      await projector.stop();
      await events.close();
      views.close();
    },
  };
}

interface ProjectorWorker {
  /** Settles when the worker has opened its files and started following the feed. */
  readonly ready: Promise<void>;
  post(message: ToProjector): void;
  recentLag(): { count: number; p50Ms: number | null; p99Ms: number | null };
  /** Asks the worker to stop at a batch boundary and waits until it has closed its files. */
  stop(): Promise<void>;
}

function startProjectorWorker(dataDir: string, log: LocalAppOptions["log"]): ProjectorWorker {
  // The worker runs TypeScript like the rest of the app: through tsx, whatever started us.
  const worker = new Worker(new URL("./projector-worker.ts", import.meta.url), { workerData: { dataDir }, execArgv: ["--import", "tsx"] });
  let recentLag = { count: 0, p50Ms: null as number | null, p99Ms: null as number | null };
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    worker.once("exit", (code) => {
      exited = true;
      if (code !== 0) log(`the projector worker exited with code ${code}`);
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
    if (message.kind === "started") started();
    else if (message.kind === "batch") recentLag = message.recentLag;
    else if (message.kind === "error") log(`projection failed; retrying in ${message.retryInMs} ms: ${message.message}`);
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
    async stop() {
      if (!exited) worker.postMessage({ kind: "stop" } satisfies ToProjector);
      await exit;
    },
  };
}
