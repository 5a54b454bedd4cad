/**
 * What the local projector worker runs with (docs/adr/0016). The replay benchmark runs its
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
  /** SQLite page cache of the projector's views connection: the (group, id) index stays in memory during a rebuild. */
  viewsCacheMiB: 16,
  /**
   * Events per batch while catching up: large enough to write each row once per batch, small
   * enough for the memory above. Since batches are folded in chunks, 15,000 took 0.96x to 0.97x
   * the time of 10,000 side by side, for about the same peak RSS; 20,000 came within 6 MiB of
   * the 250 MB goal.
   */
  catchUpBatchSize: 15_000,
} as const;

/** The node flag that gives a main thread the worker's young generation (three semi-spaces). */
export const projectorSemiSpaceFlag = (): string => `--max-semi-space-size=${PROJECTOR_RESOURCES.youngGenerationMiB / 3}`;
