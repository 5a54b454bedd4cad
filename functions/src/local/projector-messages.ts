/** Messages between the local API and its projector worker. */
export type ToProjector = { kind: "appended" } | { kind: "stop" };

export type FromProjector =
  | { kind: "started" }
  | { kind: "batch"; position: number; recentLag: { count: number; p50Ms: number | null; p99Ms: number | null } }
  | { kind: "error"; message: string; retryInMs: number }
  | { kind: "stopped" };
