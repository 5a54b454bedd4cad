import Database from "better-sqlite3";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { GenerationHealth } from "../handlers/dependencies.js";
import type { RecentLag } from "./projector-messages.js";
import type { ProjectorThread } from "./projector-thread.js";
import { FIRST_GENERATION, localViewsFile, servingGeneration } from "../generations/view-generations.js";
import { ServingDeadLetters, ServingViews } from "../generations/serving-views.js";
import { buildMarkerOf, removeDatabaseFiles } from "../projections/sqlite/build-marker.js";
import { SQLITE_MAX_OPS_PER_COMMIT, SqliteProjectionStore } from "../projections/sqlite/sqlite-projection-store.js";
import { startProjectorThread } from "./projector-thread.js";

/** Which generation serves reads and which one is being built; kept in the data folder. */
export interface GenerationsState {
  readonly serving: number;
  readonly building?: number;
}

export const GENERATIONS_FILE = "views-generations.json";

/** How often a rebuild checks whether it has caught up, besides after each of its batches. */
const SWITCH_CHECK_MS = 250;

export function readGenerationsState(dataDir: string): GenerationsState {
  const file = join(dataDir, GENERATIONS_FILE);
  // A data folder from before generations existed holds generation 1 as views.db.
  if (!existsSync(file)) return { serving: FIRST_GENERATION };
  const state = JSON.parse(readFileSync(file, "utf8")) as Partial<GenerationsState>;
  const isGeneration = (g: unknown): g is number => typeof g === "number" && Number.isInteger(g) && g >= FIRST_GENERATION;
  if (!isGeneration(state.serving) || (state.building !== undefined && !(isGeneration(state.building) && state.building > state.serving))) {
    throw new Error(`${file} is damaged: expected {"serving": n, "building"?: m > n}, got ${JSON.stringify(state)}`);
  }
  return state.building === undefined ? { serving: state.serving } : { serving: state.serving, building: state.building };
}

/** Replaces the state file whole (write, then rename), so a crash leaves the old or the new one. */
function writeGenerationsState(dataDir: string, state: GenerationsState): void {
  const file = join(dataDir, GENERATIONS_FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state)}\n`);
  renameSync(`${file}.tmp`, file);
}

function removeViewsFile(dataDir: string, generation: number): void {
  const file = join(dataDir, localViewsFile(generation));
  removeDatabaseFiles(file);
  rmSync(buildMarkerOf(file), { force: true });
}

/** One generation: the API's connection to its file, a checkpoint reader, its projector thread. */
interface LiveGeneration {
  readonly generation: number;
  readonly store: SqliteProjectionStore;
  readonly thread: ProjectorThread;
  /**
   * The committed checkpoint, read synchronously: the switch compares two at one instant. While
   * the file is built without a WAL, the position the worker last reported instead: a read of
   * the file would wait for the worker's commits on the API's thread.
   */
  readonly checkpoint: () => number;
  close(): void;
}

export interface LocalViewGenerationsOptions {
  readonly dataDir: string;
  /** Start building the next generation (or go on with one a previous run began). */
  readonly rebuild: boolean;
  readonly log: (message: string, error?: unknown) => void;
}

/**
 * The local views, generation by generation. Normally one generation is live: its file, its
 * projector thread. A rebuild runs a second projector thread into the next generation's file from
 * the first event, while the API keeps reading the serving one; when the new generation has
 * caught up, reads switch to it, the state file records the switch, and the old file goes.
 */
export class LocalViewGenerations {
  readonly views = new ServingViews("sqlite", SQLITE_MAX_OPS_PER_COMMIT, () => this.serving.store);
  readonly deadLetters = new ServingDeadLetters(() => this.serving.store);
  private building: LiveGeneration | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly options: LocalViewGenerationsOptions,
    private serving: LiveGeneration,
  ) {}

  static async start(options: LocalViewGenerationsOptions): Promise<LocalViewGenerations> {
    const { dataDir, log } = options;
    let state = readGenerationsState(dataDir);
    if (options.rebuild && state.building !== undefined)
      log(`views: generation ${state.building} is already being built; going on with it`);
    else if (options.rebuild) {
      const next = state.serving + 1;
      // A file left by an earlier, abandoned build would start the new one half-way.
      removeViewsFile(dataDir, next);
      state = { serving: state.serving, building: next };
      writeGenerationsState(dataDir, state);
      log(
        `views: building generation ${state.building} from the first event; generation ${state.serving} serves reads until it has caught up`,
      );
    }
    // Batches may arrive before start() returns: they find no instance yet and change nothing.
    const started: { generations?: LocalViewGenerations } = {};
    const onBuildingBatch = () => {
      started.generations?.switchIfCaughtUp();
    };
    const opened = await Promise.allSettled([
      openGeneration(dataDir, state.serving, log),
      ...(state.building === undefined ? [] : [openGeneration(dataDir, state.building, log, onBuildingBatch)]),
    ]);
    const live = opened.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
    const failed = opened.find((o) => o.status === "rejected");
    const [serving, building] = live;
    if (failed || serving === undefined) {
      await Promise.all(live.map((g) => closeGeneration(g)));
      throw failed?.reason ?? new Error("the serving generation did not open");
    }
    const generations = new LocalViewGenerations(options, serving);
    started.generations = generations;
    if (building) {
      generations.building = building;
      generations.timer = setInterval(() => {
        generations.switchIfCaughtUp();
      }, SWITCH_CHECK_MS);
      generations.switchIfCaughtUp();
    }
    return generations;
  }

  get servingGeneration(): number {
    return this.serving.generation;
  }

  /** An append on the API's connection: wake every projector. */
  appended(): void {
    this.serving.thread.post({ kind: "appended" });
    this.building?.thread.post({ kind: "appended" });
  }

  /** The serving generation's committed position and recent lag. */
  servingProgress(): { position: number; recentLag: RecentLag } {
    return { position: this.serving.checkpoint(), recentLag: this.serving.thread.recentLag() };
  }

  /** Every live generation, oldest first, against the feed's head. */
  health(head: number): GenerationHealth[] {
    const live = [this.serving, ...(this.building ? [this.building] : [])];
    return live.map((g) => {
      const position = g.checkpoint();
      return { generation: g.generation, position, lagEvents: Math.max(0, head - position), lagMs: null, serving: g === this.serving };
    });
  }

  /**
   * Switches reads to the generation being built once it is at least as far as the serving one.
   * Synchronous from the two checkpoint reads to the switch: no request reads between them, so
   * no reader sees a view older than one it saw before.
   */
  switchIfCaughtUp(): void {
    const building = this.building;
    // Not before its build has ended: until then a crash would remove the file (docs/adr/0017).
    if (!building || this.closing || !building.thread.built()) return;
    // The new generation first: the serving one only moves forward after this read.
    const built = building.checkpoint();
    const served = this.serving.checkpoint();
    const next = servingGeneration(this.serving.generation, [
      { generation: this.serving.generation, position: served },
      { generation: building.generation, position: built },
    ]);
    if (next !== building.generation) return;
    writeGenerationsState(this.options.dataDir, { serving: building.generation });
    const retired = this.serving;
    this.serving = building;
    this.building = undefined;
    clearInterval(this.timer);
    this.options.log(
      `views: generation ${building.generation} has caught up (position ${built}) and serves reads; generation ${retired.generation} is removed`,
    );
    void closeGeneration(retired).then(
      () => {
        removeViewsFile(this.options.dataDir, retired.generation);
      },
      (error: unknown) => {
        this.options.log(`views: could not close generation ${retired.generation}`, error);
      },
    );
  }

  /** Stops every projector at a batch boundary and closes the files. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.timer);
      await Promise.all([closeGeneration(this.serving), this.building && closeGeneration(this.building)]);
    })();
    return this.closing;
  }
}

async function openGeneration(
  dataDir: string,
  generation: number,
  log: LocalViewGenerationsOptions["log"],
  onBatch?: () => void,
): Promise<LiveGeneration> {
  const viewsFile = localViewsFile(generation);
  const file = join(dataDir, viewsFile);
  // The worker opens the file first: it creates the file and its tables, and builds a new file
  // without a WAL (docs/adr/0017). The API's connections read it in whatever mode it is in and
  // follow it into WAL mode when the build ends.
  const thread = startProjectorThread({ dataDir, viewsFile, log, ...(onBatch ? { onBatch } : {}) });
  try {
    await thread.ready;
    const { store, reader, checkpoint } = openReaders(file);
    return {
      generation,
      store,
      thread,
      checkpoint: () => (thread.built() ? (checkpoint.get()?.position ?? 0) : thread.position()),
      close() {
        store.close();
        if (reader.open) reader.close();
      },
    };
  } catch (error) {
    await thread.stop();
    throw error;
  }
}

/** The API's connections to a generation's file: its views, and its checkpoint. */
function openReaders(file: string) {
  const store = new SqliteProjectionStore(file, { reader: true });
  try {
    const reader = new Database(file);
    try {
      return {
        store,
        reader,
        checkpoint: reader.prepare<[], { position: number }>("SELECT position FROM checkpoints WHERE name = 'views'"),
      };
    } catch (error) {
      reader.close();
      throw error;
    }
  } catch (error) {
    store.close();
    throw error;
  }
}

async function closeGeneration(generation: LiveGeneration): Promise<void> {
  await generation.thread.stop();
  generation.close();
}
