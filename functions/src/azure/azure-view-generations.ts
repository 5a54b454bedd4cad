import type { GenerationHealth } from "../handlers/dependencies.js";
import type { ViewStore } from "../projections/view-store.js";
import type { ProjectorStatus } from "./projector-handler.js";
import { servingGeneration } from "../generations/view-generations.js";
import { ServingViews } from "../generations/serving-views.js";
import { HEADER_ID, PROJECTOR_STATUS_KEY } from "../projections/view-keys.js";
import { readRow, ViewWriteConflictError } from "../projections/view-store.js";

/**
 * Written into a generation's container when it takes over reads. Every instance reads these
 * marks, so a switch made by one holds for all of them, and for instances started later: reads
 * never go back to an older generation.
 */
export const SERVING_MARK_KEY = "status:serving";

export interface ServingMark {
  readonly since: string;
}

export interface LiveViewGeneration {
  readonly generation: number;
  readonly views: ViewStore;
}

interface Observed {
  readonly generation: number;
  readonly status: ProjectorStatus | undefined;
  readonly marked: boolean;
}

export interface AzureViewGenerationsOptions {
  readonly now: () => Date;
  /** How long an instance trusts what it last read before looking again; default 5 s. */
  readonly refreshMs?: number;
  readonly warn: (message: string, error?: unknown) => void;
}

/**
 * The live generations of the views on Azure and which one serves reads. Each instance looks at
 * every generation's projector status and serving mark at most once per `refreshMs` (in the
 * background once it has looked once), applies the switch rule, and marks a generation that
 * takes over. A newer generation has caught up when the newest event it has projected is at
 * least as new as the serving generation's.
 */
export class AzureViewGenerations {
  readonly views: ServingViews;
  private serving: number;
  private observed: readonly Observed[] = [];
  private lookedAt = Number.NEGATIVE_INFINITY;
  private looking: Promise<void> | undefined;
  private readonly refreshMs: number;

  constructor(
    private readonly live: readonly LiveViewGeneration[],
    private readonly options: AzureViewGenerationsOptions,
  ) {
    const oldest = live[0];
    if (!oldest) throw new Error("at least one generation of the views must be live");
    this.serving = oldest.generation;
    this.refreshMs = options.refreshMs ?? 5000;
    this.views = new ServingViews(oldest.views.kind, oldest.views.maxOpsPerCommit, () => this.servingViews());
  }

  /** The generation serving reads, as of the last look. */
  get servingGeneration(): number {
    return this.serving;
  }

  /** Every live generation's progress, looked at now; the serving one first in importance. */
  async health(): Promise<{ serving: ProjectorStatus | undefined; generations: GenerationHealth[] }> {
    await this.look();
    const now = this.options.now().getTime();
    return {
      serving: this.observed.find((o) => o.generation === this.serving)?.status,
      generations: this.observed.map(({ generation, status }) => ({
        generation,
        position: status?.lastEventRecordedAt ?? null,
        lagEvents: null,
        lagMs: status ? Math.max(0, now - Date.parse(status.lastEventRecordedAt)) : null,
        serving: generation === this.serving,
      })),
    };
  }

  private async servingViews(): Promise<ViewStore> {
    // An instance reads nothing before its first look: the oldest generation may be retired
    // in all but name, and serving it would take readers back in time.
    if (this.lookedAt === Number.NEGATIVE_INFINITY) await this.look();
    else if (this.options.now().getTime() - this.lookedAt >= this.refreshMs) {
      this.look().catch((error: unknown) => {
        this.options.warn("views: could not look at the generations; reads stay where they are", error);
      });
    }
    return this.storeOf(this.serving);
  }

  private storeOf(generation: number): ViewStore {
    const found = this.live.find((g) => g.generation === generation);
    if (!found) throw new Error(`generation ${generation} of the views is not live`);
    return found.views;
  }

  private look(): Promise<void> {
    this.looking ??= this.lookOnce().finally(() => {
      this.looking = undefined;
    });
    return this.looking;
  }

  private async lookOnce(): Promise<void> {
    const observed = await Promise.all(
      this.live.map(async ({ generation, views }): Promise<Observed> => {
        const [status, mark] = await Promise.all([
          readRow<ProjectorStatus>(views, PROJECTOR_STATUS_KEY, HEADER_ID),
          readRow<ServingMark>(views, SERVING_MARK_KEY, HEADER_ID),
        ]);
        return { generation, status: status?.value, marked: mark !== undefined };
      }),
    );
    const marked = Math.max(this.serving, ...observed.filter((o) => o.marked).map((o) => o.generation));
    const next = servingGeneration(
      marked,
      observed.map((o) => ({ generation: o.generation, position: o.status ? Date.parse(o.status.lastEventRecordedAt) : null })),
    );
    if (next !== marked || !observed.some((o) => o.generation === next && o.marked)) await this.mark(next);
    this.observed = observed;
    this.serving = next;
    this.lookedAt = this.options.now().getTime();
  }

  private async mark(generation: number): Promise<void> {
    if (generation === this.live[0]?.generation) return; // the oldest serves without a mark
    try {
      const mark: ServingMark = { since: this.options.now().toISOString() };
      await this.storeOf(generation).commit(SERVING_MARK_KEY, [
        { type: "put", row: { id: HEADER_ID, kind: "status", value: mark }, etag: undefined },
      ]);
    } catch (error) {
      // Another instance marked it first: the same decision.
      if (!(error instanceof ViewWriteConflictError)) throw error;
    }
  }
}
