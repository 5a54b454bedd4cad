/** Messages between the local API and its projector workers. */
export type ToProjector = { kind: "appended" } | { kind: "stop" };

export interface RecentLag {
  readonly count: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

/**
 * The worker tells the API it has started (with its checkpoint, and whether its file is whole: not
 * being built without a WAL, docs/adr/0017), after each batch, when its file's build has ended,
 * and when a batch failed.
 */
export type FromProjector =
  | { kind: "started"; position: number; built: boolean }
  | { kind: "batch"; position: number; recentLag: RecentLag }
  | { kind: "built" }
  | { kind: "error"; message: string; retryInMs: number };

/** What a projector worker is started with: the data folder and the views file of its generation. */
export interface ProjectorWorkerData {
  readonly dataDir: string;
  readonly viewsFile: string;
}
