import type { EventStore } from "../eventstore/event-store.js";
import type { DeadLetterStore } from "../projections/dead-letters.js";
import type { ViewStore } from "../projections/view-store.js";

export interface ProjectionHealth {
  /** Last event projected, in the runtime's own terms (feed position locally). */
  readonly position: number | string | null;
  /** Events stored but not yet projected, when known. */
  readonly lagEvents: number | null;
  /** Age of the oldest unprojected event in milliseconds, when known. */
  readonly lagMs: number | null;
  /** Append-to-projected lag percentiles over recent events, where the runtime measures them. */
  readonly recentLag?: { readonly count: number; readonly p50Ms: number | null; readonly p99Ms: number | null };
  /** The generation of the views that serves reads; the fields above describe its projector. */
  readonly servingGeneration?: number;
  /** Every live generation of the views, oldest first, while one is being rebuilt and after. */
  readonly generations?: readonly GenerationHealth[];
}

/** One generation of the views, as /api/health reports it. */
export interface GenerationHealth {
  readonly generation: number;
  readonly position: number | string | null;
  readonly lagEvents: number | null;
  readonly lagMs: number | null;
  readonly serving: boolean;
}

/** Everything the handlers need; each runtime (local server, Azure) builds one. */
export interface AppDependencies {
  readonly events: EventStore;
  readonly views: ViewStore;
  readonly deadLetters: DeadLetterStore;
  readonly projectionHealth: () => Promise<ProjectionHealth>;
  readonly now: () => Date;
  readonly newId: () => string;
}
