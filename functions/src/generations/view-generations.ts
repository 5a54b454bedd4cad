/**
 * Generations of the materialized views. A generation is one complete copy of every view, built
 * from the first event by its own projector into its own container (Azure) or file (local).
 * Rebuilding the views means starting the next generation beside the one that serves reads, and
 * switching reads once the new one has caught up: readers never see a half-built view.
 *
 * On Cosmos DB every generation, the first included, has its own container (`views-g1`, ...) and
 * lease prefix (`views-g1-`, ...). The views container that came before the bounded view model
 * (`views`, partitioned differently, leases under `views-`) cannot be adopted: a container's
 * partition key cannot change, and a replaced container under the old leases would never be
 * refilled from the first event (docs/adr/0011). Locally, generation 1 keeps `views.db`: the
 * SQLite projection store rebuilds a file of an older format from the first event by itself.
 */
import { CONTAINERS, type ContainerDefinition } from "../eventstore/cosmos/container-definitions.js";

export const FIRST_GENERATION = 1;

/** Cosmos container of a generation's views: `views-g1`, `views-g2`, ... */
export function viewsContainerId(generation: number): string {
  return `${CONTAINERS.views.id}-g${generation}`;
}

/** The views container definition (partition key, indexing) under a generation's name. */
export function viewsContainerOf(generation: number): ContainerDefinition {
  return { ...CONTAINERS.views, id: viewsContainerId(generation) };
}

/**
 * Lease prefix of a generation's change-feed projector: each generation reads the feed from the
 * first event with its own leases. The processor names its leases
 * `{prefix}{account host}_{database rid}_{container rid}` and lists them by that whole string
 * (azure-cosmos-dotnet-v3, ChangeFeedProcessorCore.GetLeasePrefix), so `views-g1-`, `views-g2-`
 * and the former `views-` never read each other's leases.
 */
export function leasePrefixOf(generation: number): string {
  return `views-g${generation}-`;
}

/** Function name of a generation's projector: `projectViews`, then `projectViewsG2`, ... */
export function projectorFunctionName(generation: number): string {
  return generation === FIRST_GENERATION ? "projectViews" : `projectViewsG${generation}`;
}

/** Local SQLite file of a generation's views: `views.db`, then `views-g2.db`, ... */
export function localViewsFile(generation: number): string {
  return generation === FIRST_GENERATION ? "views.db" : `views-g${generation}.db`;
}

/** How far a generation has projected the feed, in one runtime's comparable unit. */
export interface GenerationProgress {
  readonly generation: number;
  /**
   * Position in the feed, comparable across generations of one runtime: the feed position
   * locally, the newest projected event's recordedAt (epoch ms) on Azure. Null: nothing yet.
   */
  readonly position: number | null;
}

/**
 * Which generation serves reads. A newer generation takes over once it has projected at least
 * as far as the one serving now, less `tolerance` (in position units): a reader then never sees
 * a view older than the one it saw before the switch. The newest such generation wins, and the
 * answer is never older than `current`: once switched, reads never flip back.
 */
export function servingGeneration(current: number, progress: readonly GenerationProgress[], tolerance = 0): number {
  const serving = progress.find((p) => p.generation === current);
  // A generation that has projected nothing is at the very start of the feed.
  const servingAt = serving?.position ?? Number.NEGATIVE_INFINITY;
  let chosen = current;
  for (const candidate of progress) {
    if (candidate.generation <= chosen) continue;
    const at = candidate.position ?? Number.NEGATIVE_INFINITY;
    if (at >= servingAt - tolerance) chosen = candidate.generation;
  }
  return chosen;
}

/** Live generations, oldest first, from `oldest` to `newest` inclusive. */
export function generationRange(oldest: number, newest: number): number[] {
  return Array.from({ length: Math.max(0, newest - oldest + 1) }, (_, i) => oldest + i);
}
