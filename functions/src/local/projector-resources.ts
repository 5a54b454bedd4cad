/**
 * What the local projector worker runs with (docs/adr/0016). The replay benchmark runs its
 * catch-up with the same figures, so that what it measures is what a rebuild costs here.
 */
export const PROJECTOR_RESOURCES = {
  /**
   * V8's young generation of the worker: three semi-spaces, so 24 MiB is `--max-semi-space-size=8`.
   * Half Node's default: a catch-up batch's short-lived objects die young either way, and the
   * process stays some 40 MB smaller during a rebuild for a few percent more collection time.
   */
  youngGenerationMiB: 24,
  /** SQLite page cache of the projector's views connection: the (group, id) index stays in memory during a rebuild. */
  viewsCacheMiB: 16,
  /** Events per batch while catching up: large enough to write each row once per batch, small enough for the memory above. */
  catchUpBatchSize: 10_000,
} as const;

/** The node flag that gives a main thread the worker's young generation (three semi-spaces). */
export const projectorSemiSpaceFlag = (): string => `--max-semi-space-size=${PROJECTOR_RESOURCES.youngGenerationMiB / 3}`;
