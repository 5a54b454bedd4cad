import { getHeapStatistics } from "node:v8";
import type { BatchHeapBudget } from "../projections/local-projector.js";

/**
 * What the local projector worker runs with (docs/adr/0016, 0018). The replay benchmark runs its
 * catch-up with the same figures, so that what it measures is what a rebuild costs here.
 */
export const PROJECTOR_RESOURCES = {
  /**
   * V8's young generation of the worker: three semi-spaces, so 48 MiB is `--max-semi-space-size=16`.
   * Since batches are read and folded in chunks (projectChunks) and a new file is built without a
   * WAL (ADR 17), a rebuild peaks some 30 MiB lower, and this size over the earlier 24 MiB
   * took 0.91x to 0.94x the time side by side, for about 20 MiB more.
   */
  youngGenerationMiB: 48,
  /**
   * V8's old generation of the worker, as a limit. Under 2 GiB, V8 lets the old generation grow
   * by a factor of 1.3 to 2 between full collections, rather than up to 4 (MaxGrowingFactor in
   * V8's heap-controller.cc, https://github.com/nodejs/node/blob/v22.x/deps/v8/src/heap/heap-controller.cc;
   * `--trace-gc-verbose` shows 1.6 here). A rebuild keeps some 16 MiB alive between batches, and
   * each batch leaves a few MiB of garbage behind: at the default limit (about 4 GiB on a machine
   * with 16 GiB or more) the old generation grew to about 90 MiB before a full collection, at
   * this one to about 44, and a rebuild peaked some 40 MiB lower in the same time side by side
   * (docs/adr/0018).
   */
  oldGenerationMiB: 1024,
  /**
   * A catch-up batch ends early, before reading another chunk, once the worker's used heap is
   * past this: with the largest events the schemas allow, a batch's end then held at most 467 MiB,
   * where without it the worker ran out of its 1 GiB. In a million-event rebuild no batch ends
   * early, and the used heap is at most about 62 MiB at a batch's end (docs/adr/0018).
   */
  batchHeapBudgetMiB: 128,
  /** SQLite page cache of the projector's views connection: the (group, id) index stays in memory during a rebuild. */
  viewsCacheMiB: 16,
  /**
   * Events per batch while catching up: large enough to write each row once per batch, small
   * enough for the memory above. Since batches are folded in chunks, 15,000 took 0.96x to 0.97x
   * the time of 10,000 side by side, for about the same peak RSS. With the old generation limited,
   * 20,000 and 25,000 were no faster side by side (0.77x to 1.18x, medians about 1.0x).
   */
  catchUpBatchSize: 15_000,
} as const;

/** The node flags that give a main thread the worker's heap: its young generation (three semi-spaces) and old generation limit. */
export const projectorHeapFlags = (): string[] => [
  `--max-semi-space-size=${PROJECTOR_RESOURCES.youngGenerationMiB / 3}`,
  `--max-old-space-size=${PROJECTOR_RESOURCES.oldGenerationMiB}`,
];

/** The worker's batch heap budget, for LocalProjector: the used heap of the thread it runs on. */
export const projectorBatchHeapBudget = (): BatchHeapBudget => ({
  bytes: PROJECTOR_RESOURCES.batchHeapBudgetMiB * 1024 * 1024,
  used: () => getHeapStatistics().used_heap_size,
});
