import type { EventFeed, EventStore, PositionedEvent } from "../eventstore/event-store.js";
import type { DeadLetterStore } from "./dead-letters.js";
import type { BatchOutcome } from "./projection-engine.js";
import type { CheckpointStore, ViewStore } from "./view-store.js";
import { projectChunks } from "./projection-engine.js";

/**
 * Events read and folded at a time within a batch: they are let go before the next chunk is
 * read, so most die young however large the batch (see projectChunks).
 */
const FOLD_CHUNK = 1_000;

/** How much heap a catch-up batch may leave in use before it ends, after the chunk that passed it. */
export interface BatchHeapBudget {
  readonly bytes: number;
  /** The heap in use now, garbage included (v8.getHeapStatistics().used_heap_size in the worker). */
  readonly used: () => number;
}

export interface LocalProjectorOptions {
  readonly feed: EventFeed;
  readonly events?: Pick<EventStore, "read">;
  readonly views: ViewStore;
  readonly deadLetters: DeadLetterStore;
  readonly checkpoints: CheckpointStore;
  /** Checkpoint name; default "views". */
  readonly name?: string;
  /** Events per batch when following appends; default 500. */
  readonly batchSize?: number;
  /**
   * Events per batch while far behind (a rebuild, a restart after downtime); default 20,000.
   * Large batches write each view document once for many events: replay runs several times
   * faster, for more memory.
   */
  readonly catchUpBatchSize?: number;
  /**
   * Checked before each further chunk of a batch is read: once the used heap is over it, the
   * batch ends there, as a full one (more is waiting). With the largest events the schemas allow,
   * batches then stay far below the local worker's heap limit (measured, docs/adr/0018). Default:
   * none.
   */
  readonly batchHeapBudget?: BatchHeapBudget;
  /** Poll interval when no append wakes the projector (appends from another process); default 1000 ms. */
  readonly idlePollMs?: number;
  readonly now?: () => Date;
  /** After each batch; endedOnHeapBudget: the batch ended early on batchHeapBudget. */
  readonly onBatch?: (outcome: BatchOutcome & { position: number; endedOnHeapBudget: boolean }) => void;
  /** Wraps each batch, its checkpoint included, e.g. in one database transaction. */
  readonly transaction?: <T>(work: () => Promise<T>) => Promise<T>;
  readonly onError?: (error: unknown, retryInMs: number) => void;
  /**
   * Called between batches, once, when the projector first finds itself caught up: no longer
   * behind the feed's head by catch-up batches. If it throws, the error goes to onError and the
   * call is repeated after a back-off of its own (1 s doubling to a minute), while batches go on
   * as usual. The local worker ends a build without a WAL here (docs/adr/0017).
   */
  readonly onCaughtUp?: () => void;
}

/**
 * Follows the embedded store's feed from a durable checkpoint. Each batch is projected, then the
 * checkpoint moves past it: delivery is at least once, and the projection engine makes it exact.
 * An append wakes the loop at once, so lag stays at one commit; a failing batch is retried with
 * back-off and never skipped.
 */
export class LocalProjector {
  private readonly name: string;
  private readonly batchSize: number;
  private readonly catchUpBatchSize: number;
  private behind = false;
  /** After a failure, smaller batches: a fault then costs less work to redo, and a bad spot is reached sooner. */
  private shrunkTo: number | undefined;
  private readonly idlePollMs: number;
  private readonly now: () => Date;
  private running = false;
  private loop: Promise<void> | undefined;
  /** Ends the idle wait: an append, or stop. */
  private wake: (() => void) | undefined;
  /** Ends any wait, the back-off after a failure included: only stop. */
  private interrupt: (() => void) | undefined;
  private woken = false;
  private unsubscribe: (() => void) | undefined;
  private position = 0;
  private caughtUp = false;
  /** After onCaughtUp threw: not before this time (ms), and the back-off that led to it. */
  private caughtUpRetryAt = 0;
  private caughtUpBackoffMs = 0;
  /** Append-to-projected lag of the most recent events, in ms: a ring buffer for percentiles. */
  private readonly lags = new Float64Array(10_000);
  private lagCount = 0;

  constructor(private readonly options: LocalProjectorOptions) {
    this.name = options.name ?? "views";
    this.batchSize = options.batchSize ?? 500;
    this.catchUpBatchSize = options.catchUpBatchSize ?? 20_000;
    this.idlePollMs = options.idlePollMs ?? 1000;
    this.now = options.now ?? (() => new Date());
  }

  /** The position of the last event projected. */
  get checkpoint(): number {
    return this.position;
  }

  /** Percentiles of the lag from each event's recordedAt to the end of its batch, over the last 10,000 events. */
  recentLag(): { count: number; p50Ms: number | null; p99Ms: number | null } {
    const count = Math.min(this.lagCount, this.lags.length);
    if (count === 0) return { count: 0, p50Ms: null, p99Ms: null };
    const sorted = this.lags.slice(0, count).sort();
    const at = (p: number) => sorted[Math.min(count - 1, Math.ceil((p / 100) * count) - 1)] ?? null;
    return { count, p50Ms: at(50), p99Ms: at(99) };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.options.feed.onAppended(() => {
      this.signal();
    });
    this.loop = this.run();
  }

  /** Stops at a batch boundary: the batch in progress finishes and is checkpointed. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    this.signal();
    this.interrupt?.();
    await this.loop;
  }

  /** Projects until the checkpoint reaches the feed's head as it is now. */
  async catchUp(): Promise<void> {
    const head = await this.options.feed.headPosition();
    this.position = await this.options.checkpoints.getCheckpoint(this.name);
    this.behind = true;
    while (this.position < head) await this.step();
    this.reportCaughtUp();
  }

  private reportCaughtUp(): void {
    if (this.caughtUp) return;
    this.options.onCaughtUp?.();
    this.caughtUp = true;
  }

  /** reportCaughtUp for the loop: a failure is reported and retried later, and never fails a batch. */
  private tryReportCaughtUp(): void {
    if (this.caughtUp || Date.now() < this.caughtUpRetryAt) return;
    try {
      this.reportCaughtUp();
    } catch (error) {
      this.caughtUpBackoffMs = Math.min(Math.max(this.caughtUpBackoffMs * 2, 1000), 60_000);
      this.caughtUpRetryAt = Date.now() + this.caughtUpBackoffMs;
      this.options.onError?.(error, this.caughtUpBackoffMs);
    }
  }

  private signal(): void {
    this.woken = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    this.position = await this.options.checkpoints.getCheckpoint(this.name);
    let backoffMs = 0;
    while (this.running) {
      try {
        const full = await this.step();
        backoffMs = 0;
        if (!this.behind) this.tryReportCaughtUp();
        if (!full) await this.idle();
      } catch (error) {
        const failedSize = this.shrunkTo ?? (this.behind ? this.catchUpBatchSize : this.batchSize);
        this.shrunkTo = Math.max(1, Math.floor(failedSize / 4));
        backoffMs = Math.min(Math.max(backoffMs * 2, 50), 5000);
        this.options.onError?.(error, backoffMs);
        // Appends do not cut the back-off short: a failing store is not retried at their rate.
        await this.sleep(backoffMs, { wakeOnAppend: false });
      }
    }
  }

  /** One batch; true when it was full (more may be waiting). */
  private async step(): Promise<boolean> {
    const { feed, views, deadLetters, checkpoints, events, batchHeapBudget } = this.options;
    const size = this.shrunkTo ?? (this.behind ? this.catchUpBatchSize : this.batchSize);
    // Read and folded a chunk at a time (projectChunks): the first one outside the transaction,
    // so that an idle poll opens none.
    const first = await feed.readAll(this.position, Math.min(size, FOLD_CHUNK));
    if (first.length === 0) {
      // At the head: a catch-up that ended on a full batch is over too.
      this.behind = false;
      return false;
    }
    // Each event's recordedAt in ms, for the lag once the batch has landed; events appended
    // together share it, so each run of equal times is parsed once.
    const times = new Float64Array(size);
    let count = 0;
    let last = this.position;
    let time: string | undefined;
    let timeMs = 0;
    let endedOnBudget = false;
    const take = (chunk: readonly PositionedEvent[]) => {
      for (const event of chunk) {
        if (event.recordedAt !== time) {
          time = event.recordedAt;
          timeMs = Date.parse(time);
        }
        times[count++] = timeMs;
      }
      last = chunk.at(-1)?.position ?? last;
      return chunk;
    };
    async function* chunks(): AsyncGenerator<readonly PositionedEvent[]> {
      let chunk = take(first);
      yield chunk;
      while (count < size && chunk.length === FOLD_CHUNK) {
        if (batchHeapBudget !== undefined && batchHeapBudget.used() > batchHeapBudget.bytes) {
          endedOnBudget = true;
          return;
        }
        chunk = take(await feed.readAll(last, Math.min(size - count, FOLD_CHUNK)));
        if (chunk.length === 0) return;
        yield chunk;
      }
    }
    const work = async () => {
      const outcome = await projectChunks(chunks(), { views, deadLetters, now: this.now, ...(events ? { events } : {}) });
      await checkpoints.setCheckpoint(this.name, last);
      return outcome;
    };
    const outcome = await (this.options.transaction ? this.options.transaction(work) : work());
    this.position = last;
    const projectedAt = this.now().getTime();
    for (let i = 0; i < count; i++) this.lags[this.lagCount++ % this.lags.length] = Math.max(0, projectedAt - (times[i] ?? 0));
    this.options.onBatch?.({ ...outcome, position: last, endedOnHeapBudget: endedOnBudget });
    this.shrunkTo = undefined;
    // Ended by the heap budget: more is waiting, as after a full batch.
    const full = count === size || endedOnBudget;
    // Far behind (a rebuild, a restart): catch-up batches until the feed runs dry. Merely busy
    // (a full small batch under load): keep small batches, which keep each event's lag short.
    this.behind = full && (this.behind || (await feed.headPosition()) - last > 4 * this.batchSize);
    return full;
  }

  /** Waits for an append or the poll interval; an append during the last batch skips the wait. */
  private async idle(): Promise<void> {
    if (!this.woken) await this.sleep(this.idlePollMs, { wakeOnAppend: true });
    this.woken = false;
  }

  private sleep(ms: number, { wakeOnAppend }: { wakeOnAppend: boolean }): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = wakeOnAppend ? done : undefined;
      this.interrupt = done;
    });
  }
}
