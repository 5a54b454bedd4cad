import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { AppDependencies, ProjectionHealth } from "../handlers/dependencies.js";
import { createRoutes } from "../handlers/routes.js";
import { SqliteEventStore } from "../eventstore/sqlite/sqlite-event-store.js";
import { LocalProjector } from "../projections/local-projector.js";
import { SqliteViewStore } from "../projections/sqlite/sqlite-view-store.js";
import { DevServer } from "./dev-server.js";

export interface LocalApp {
  readonly port: number;
  readonly events: SqliteEventStore;
  readonly views: SqliteViewStore;
  readonly projector: LocalProjector;
  /** Stops accepting requests, lets those in flight finish, stops the projector at a batch boundary, closes the files. */
  close(): Promise<void>;
}

export interface LocalAppOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly log: (message: string, error?: unknown) => void;
}

/** The embedded default: SQLite event store and views, the projector and the HTTP API in one process. */
export async function startLocalApp(options: LocalAppOptions): Promise<LocalApp> {
  const events = new SqliteEventStore({ file: join(options.dataDir, "events.db") });
  const views = new SqliteViewStore(join(options.dataDir, "views.db"));
  // The projector writes through its own connection, one transaction per batch; the API reads
  // through `views` and so sees whole batches only.
  const projectorViews = new SqliteViewStore(join(options.dataDir, "views.db"));
  const projector = new LocalProjector({
    feed: events,
    events,
    views: projectorViews,
    deadLetters: projectorViews,
    checkpoints: projectorViews,
    transaction: (work) => projectorViews.inTransaction(work),
    onError: (error, retryInMs) => {
      options.log(`projection failed; retrying in ${retryInMs} ms`, error);
    },
  });
  const projectionHealth = async (): Promise<ProjectionHealth> => {
    const head = await events.headPosition();
    const position = projector.checkpoint;
    const [next] = position < head ? await events.readAll(position, 1) : [];
    return { position, lagEvents: head - position, lagMs: next ? Math.max(0, Date.now() - Date.parse(next.recordedAt)) : 0, recentLag: projector.recentLag() };
  };
  const deps: AppDependencies = { events, views, deadLetters: views, projectionHealth, now: () => new Date(), newId: randomUUID };
  const server = new DevServer({ routes: createRoutes(deps), port: options.port, log: options.log });
  let port: number;
  try {
    port = await server.listen();
  } catch (error) {
    views.close();
    projectorViews.close();
    await events.close();
    throw error;
  }
  projector.start();
  return {
    port,
    events,
    views,
    projector,
    async close() {
      await server.close();
      await projector.stop();
      await events.close();
      projectorViews.close();
      views.close();
    },
  };
}
