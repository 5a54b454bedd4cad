import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { AppDependencies, ProjectionHealth } from "../handlers/dependencies.js";
import type { ViewStore } from "../projections/view-store.js";
import { createRoutes } from "../handlers/routes.js";
import { SqliteEventStore } from "../eventstore/sqlite/sqlite-event-store.js";
import { DevServer } from "./dev-server.js";
import { LocalViewGenerations } from "./local-view-generations.js";
import { sqliteRecentEvents } from "../dashboard/sqlite-recent-events.js";

export interface LocalApp {
  readonly port: number;
  readonly events: SqliteEventStore;
  /** The views as the API reads them: the serving generation's. */
  readonly views: ViewStore;
  /** Stops accepting requests, lets those in flight finish, stops the projectors at a batch boundary, closes the files. */
  close(): Promise<void>;
}

export interface LocalAppOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly log: (message: string, error?: unknown) => void;
  /** Build the next generation of the views while serving the current one (`--rebuild-views`). */
  readonly rebuildViews?: boolean;
}

/**
 * The embedded default: the HTTP API over the SQLite event store and views, and the projectors
 * in worker threads of the same process (projector-worker.ts), one per live generation.
 */
export async function startLocalApp(options: LocalAppOptions): Promise<LocalApp> {
  const events = new SqliteEventStore({ file: join(options.dataDir, "events.db") });
  let generations: LocalViewGenerations;
  try {
    // Serve only once the projectors are running: the first appends are then projected at once.
    generations = await LocalViewGenerations.start({ dataDir: options.dataDir, rebuild: options.rebuildViews ?? false, log: options.log });
  } catch (error) {
    await events.close();
    throw error;
  }
  events.onAppended(() => {
    generations.appended();
  });
  const projectionHealth = async (): Promise<ProjectionHealth> => {
    const head = await events.headPosition();
    // The workers commit their checkpoint with each batch; these connections see whole batches.
    const { position, recentLag } = generations.servingProgress();
    const [next] = position < head ? await events.readAll(position, 1) : [];
    return {
      position,
      lagEvents: head - position,
      lagMs: next ? Math.max(0, Date.now() - Date.parse(next.recordedAt)) : 0,
      recentLag,
      servingGeneration: generations.servingGeneration,
      generations: generations.health(head),
    };
  };
  const deps: AppDependencies = {
    events,
    views: generations.views,
    deadLetters: generations.deadLetters,
    recentEvents: sqliteRecentEvents(events),
    projectionHealth,
    now: () => new Date(),
    newId: randomUUID,
  };
  const server = new DevServer({ routes: createRoutes(deps), port: options.port, log: options.log });
  let port: number;
  try {
    port = await server.listen();
  } catch (error) {
    await generations.close();
    await events.close();
    throw error;
  }
  return {
    port,
    events,
    views: generations.views,
    async close() {
      await server.close();
      await generations.close();
      await events.close();
    },
  };
}
