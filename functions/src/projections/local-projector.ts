import type { EventFeed, EventStore } from "../eventstore/event-store.js";
import type { DeadLetterStore } from "./dead-letters.js";
import type { BatchOutcome } from "./projection-engine.js";
import type { CheckpointStore, ViewStore } from "./view-store.js";
import { projectBatch } from "./projection-engine.js";

export interface LocalProjectorOptions {
  readonly feed: EventFeed;
  readonly events?: Pick<EventStore, "read">;
  readonly views: ViewStore;
  readonly deadLetters: DeadLetterStore;
  readonly checkpoints: CheckpointStore;
  /** Checkpoint name; default "views". */
  readonly name?: string;
  /** Events per batch; default 500. */
  readonly batchSize?: number;
  /** Poll interval when no append wakes the projector (appends from another process); default 1000 ms. */
  readonly idlePollMs?: number;
  readonly now?: () => Date;
  readonly onBatch?: (outcome: BatchOutcome & { position: number }) => void;
  readonly onError?: (error: unknown, retryInMs: number) => void;
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
  private readonly idlePollMs: number;
  private readonly now: () => Date;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private woken = false;
  private unsubscribe: (() => void) | undefined;
  private position = 0;

  constructor(private readonly options: LocalProjectorOptions) {
    this.name = options.name ?? "views";
    this.batchSize = options.batchSize ?? 500;
    this.idlePollMs = options.idlePollMs ?? 1000;
    this.now = options.now ?? (() => new Date());
  }

  /** The position of the last event projected. */
  get checkpoint(): number {
    return this.position;
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
    await this.loop;
  }

  /** Projects until the checkpoint reaches the feed's head as it is now. */
  async catchUp(): Promise<void> {
    const head = await this.options.feed.headPosition();
    this.position = await this.options.checkpoints.getCheckpoint(this.name);
    while (this.position < head) await this.step();
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
        if (!full) await this.idle();
      } catch (error) {
        backoffMs = Math.min(Math.max(backoffMs * 2, 50), 5000);
        this.options.onError?.(error, backoffMs);
        await this.sleep(backoffMs);
      }
    }
  }

  /** One batch; true when it was full (more may be waiting). */
  private async step(): Promise<boolean> {
    const { feed, views, deadLetters, checkpoints, events } = this.options;
    const batch = await feed.readAll(this.position, this.batchSize);
    const last = batch.at(-1);
    if (!last) return false;
    const outcome = await projectBatch(batch, { views, deadLetters, now: this.now, ...(events ? { events } : {}) });
    await checkpoints.setCheckpoint(this.name, last.position);
    this.position = last.position;
    this.options.onBatch?.({ ...outcome, position: last.position });
    return batch.length === this.batchSize;
  }

  /** Waits for an append or the poll interval; an append during the last batch skips the wait. */
  private async idle(): Promise<void> {
    if (!this.woken) await this.sleep(this.idlePollMs);
    this.woken = false;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
