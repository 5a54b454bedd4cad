/** Messages between the local API and its projector workers. */
export type ToProjector = { kind: "appended" } | { kind: "stop" };

export interface RecentLag {
  readonly count: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

/** The worker tells the API it has started, after each batch, and when a batch failed. */
export type FromProjector =
  { kind: "started" } | { kind: "batch"; position: number; recentLag: RecentLag } | { kind: "error"; message: string; retryInMs: number };

/** What a projector worker is started with: the data folder and the views file of its generation. */
export interface ProjectorWorkerData {
  readonly dataDir: string;
  readonly viewsFile: string;
}
