import type { Container, JSONObject, JSONValue, OperationInput, SqlQuerySpec } from "@azure/cosmos";
import type { AppendResult, EventStore, ExpectedVersion, NewEvent, ReadOptions, StreamSlice } from "../event-store.js";
import type { EventDocument } from "./event-document.js";
import type { RetryPolicy } from "./cosmos-retry.js";
import { recordCharge } from "../../shared/request-charge.js";
import { WrongExpectedVersionError } from "../errors.js";
import { checkExpectedVersion } from "../expected-version.js";
import { detectReplay } from "../replay-detection.js";
import { schemaVersionOf } from "../upcasting.js";
import { batchWithRetry, DEFAULT_RETRY_POLICY, withRetry } from "./cosmos-retry.js";
import { fromEventDocument, toEventDocument } from "./event-document.js";

/** A TransactionalBatch takes at most 100 operations. */
const MAX_BATCH_OPERATIONS = 100;
/** Appends with "any" retried on a lost race before reporting the conflict. */
const MAX_ANY_RETRIES = 64;

export interface CosmosEventStoreOptions {
  readonly container: Container;
  readonly clock?: () => Date;
  readonly retry?: RetryPolicy;
}

class BatchRejected extends Error {
  constructor(readonly statuses: readonly number[]) {
    super(`batch rejected: ${statuses.join(",")}`);
  }
}

/**
 * The production EventStore on Cosmos DB (docs/adr/0006). An append is one TransactionalBatch
 * in the stream's partition: a Read of the expected version (proving it exists, so no gap can
 * open) and one Create per new event (whose id is its version, so a taken slot fails the whole
 * batch). Cosmos commits a batch atomically or not at all.
 */
export class CosmosEventStore implements EventStore {
  readonly kind = "cosmos";
  private readonly container: Container;
  private readonly clock: () => Date;
  private readonly retry: RetryPolicy;

  constructor(options: CosmosEventStoreOptions) {
    this.container = options.container;
    this.clock = options.clock ?? (() => new Date());
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion): Promise<AppendResult> {
    const eventIds = events.map((e) => e.eventId);
    for (let attempt = 0; ; attempt++) {
      const base = typeof expected === "number" ? expected : expected === "no_stream" ? 0 : await this.currentVersion(streamId);
      checkExpectedVersion(streamId, expected, base);
      try {
        await this.writeBatch(streamId, events, base);
        return { streamId, firstVersion: base + 1, lastVersion: base + events.length, eventIds, replayed: false };
      } catch (error) {
        if (!(error instanceof BatchRejected)) throw error;
      }
      // The batch was refused: a retry of an append already stored, or a conflict.
      const replay = detectReplay(streamId, eventIds, await this.storedVersions(streamId, eventIds), expected);
      if (replay) return replay;
      const current = await this.currentVersion(streamId);
      const mayRetry = expected === "any" || expected === "stream_exists";
      if (!mayRetry || attempt >= MAX_ANY_RETRIES) throw new WrongExpectedVersionError(streamId, expected, current);
      // Jitter spreads writers that lost the same race, so one of them wins the next.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 * (attempt + 1))));
    }
  }

  private async writeBatch(streamId: string, events: readonly NewEvent[], base: number): Promise<void> {
    const recordedAt = this.clock().toISOString();
    const creates: OperationInput[] = events.map((event, index) => ({
      operationType: "Create",
      resourceBody: toEventDocument({
        ...event,
        schemaVersion: schemaVersionOf(event),
        streamId,
        version: base + 1 + index,
        recordedAt,
      }) as unknown as JSONObject,
    }));
    const proveBase: OperationInput[] = base > 0 ? [{ operationType: "Read", id: String(base), partitionKey: streamId }] : [];
    if (proveBase.length + creates.length > MAX_BATCH_OPERATIONS) {
      // Versions never disappear, so proving the base exists before the batch is as good as inside it.
      if (!(await this.exists(streamId, base))) throw new BatchRejected([404]);
      proveBase.length = 0;
    }
    const results = await batchWithRetry(this.container, [...proveBase, ...creates], streamId, "events.batch", this.retry);
    const statuses = results.map((r) => r.statusCode);
    if (statuses.length !== proveBase.length + creates.length)
      throw new Error(`batch answered ${statuses.length} results for ${proveBase.length + creates.length} operations`);
    if (statuses.every((s) => s < 400)) return;
    if (statuses.some((s) => s === 404 || s === 409)) throw new BatchRejected(statuses);
    throw new Error(`append to ${streamId} refused by Cosmos DB with statuses ${statuses.join(",")}`);
  }

  private async exists(streamId: string, version: number): Promise<boolean> {
    const response = await withRetry(() => this.container.item(String(version), streamId).read<EventDocument>(), this.retry);
    recordCharge("events.readVersion", response.requestCharge);
    return response.resource !== undefined;
  }

  private async currentVersion(streamId: string): Promise<number> {
    const response = await withRetry(
      () =>
        this.container.items
          .query<number | null>(this.inStream(streamId, "SELECT VALUE MAX(c.version) FROM c WHERE c.streamId = @stream"), {
            partitionKey: streamId,
          })
          .fetchAll(),
      this.retry,
    );
    recordCharge("events.maxVersion", response.requestCharge);
    return response.resources[0] ?? 0;
  }

  private async storedVersions(streamId: string, eventIds: readonly string[]): Promise<Map<string, number>> {
    const response = await withRetry(
      () =>
        this.container.items
          .query<{ eventId: string; version: number }>(
            this.inStream(streamId, "SELECT c.eventId, c.version FROM c WHERE c.streamId = @stream AND ARRAY_CONTAINS(@ids, c.eventId)", {
              "@ids": [...eventIds],
            }),
            { partitionKey: streamId },
          )
          .fetchAll(),
      this.retry,
    );
    recordCharge("events.findEventIds", response.requestCharge);
    return new Map(response.resources.map((r) => [r.eventId, r.version]));
  }

  async read(streamId: string, options: ReadOptions = {}): Promise<StreamSlice> {
    const fromVersion = options.fromVersion ?? 1;
    const maxCount = options.maxCount ?? 100;
    const response = await withRetry(
      () =>
        this.container.items
          .query<EventDocument>(
            this.inStream(streamId, "SELECT TOP @max * FROM c WHERE c.streamId = @stream AND c.version >= @from ORDER BY c.version", {
              "@max": maxCount,
              "@from": fromVersion,
            }),
            { partitionKey: streamId },
          )
          .fetchAll(),
      this.retry,
    );
    recordCharge("events.readStream", response.requestCharge);
    const events = response.resources.map(fromEventDocument);
    const last = events.at(-1);
    // A short slice that starts inside the stream ends at its head: no second query needed.
    const version = last && events.length < maxCount ? last.version : await this.currentVersion(streamId);
    return { version, events };
  }

  /** A query inside one stream's partition. The streamId filter costs nothing on Cosmos DB and keeps emulators honest. */
  private inStream(streamId: string, query: string, parameters: Record<string, JSONValue> = {}): SqlQuerySpec {
    return {
      query,
      parameters: [{ name: "@stream", value: streamId }, ...Object.entries(parameters).map(([name, value]) => ({ name, value }))],
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
