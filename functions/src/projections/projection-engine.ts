import type { EventStore, RecordedEvent } from "../eventstore/event-store.js";
import type { DeadLetterStore } from "./dead-letters.js";
import type { CustomerOrdersDoc } from "./customer-orders.js";
import type { HubDayDoc } from "./hub-day.js";
import type { OrderChange } from "./order-change.js";
import type { OrderSummaryDoc } from "./order-summary.js";
import type { ViewStore, ViewWrite } from "./view-store.js";
import { orderNumberOfStream } from "../domain/identifiers.js";
import { upsertCustomerOrders } from "./customer-orders.js";
import { dayOf, upsertHubDayOrders } from "./hub-day.js";
import { emptySummary, evolveSummary } from "./order-summary.js";
import { PoisonEventError } from "./poison-event-error.js";
import { PreconditionFailedError } from "./view-store.js";
import { viewKeys } from "./view-keys.js";

export interface ProjectionPorts {
  readonly views: ViewStore;
  readonly deadLetters: DeadLetterStore;
  /** Fills a gap when a stream's earlier events were not delivered (reads the store). */
  readonly events?: Pick<EventStore, "read">;
  /** Only stamps dead letters; views never depend on it. */
  readonly now: () => Date;
  /** How often one document's write is retried after a 412 before the batch fails; default 20. */
  readonly maxConflictRetries?: number;
  /** Documents read or written at once; default 16 (Cosmos DB round trips overlap; SQLite is unaffected). */
  readonly concurrency?: number;
}

export interface BatchOutcome {
  /** Events applied to the views for the first time. */
  readonly applied: number;
  /** Events already reflected in the views (duplicates, redelivery). */
  readonly duplicates: number;
  readonly deadLettered: number;
  /** Events of streams no projection follows. */
  readonly ignored: number;
  /** View documents written. */
  readonly writes: number;
}

interface StreamWork {
  readonly orderNumber: string;
  readonly events: RecordedEvent[];
}

interface Counters {
  applied: number;
  duplicates: number;
  deadLettered: number;
  writes: number;
}

/**
 * Projects a batch of events, delivered at least once and in order per stream only, into the
 * views. Per stream: fold the new events into the order summary (its version is the stream's
 * high-water mark), then put the resulting order state into the customer and hub-day documents
 * (each entry carries its own version), then write the summary. The summary is written last, so
 * a crash at any point leaves work that a redelivery redoes exactly once. Every write is
 * conditional on the etag read; a 412 re-reads and re-applies.
 */
export async function projectBatch(batch: readonly RecordedEvent[], ports: ProjectionPorts): Promise<BatchOutcome> {
  const counters: Counters = { applied: 0, duplicates: 0, deadLettered: 0, writes: 0 };
  const { streams, ignored } = groupByStream(batch);
  let pending = streams;
  const maxRetries = ports.maxConflictRetries ?? 20;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > maxRetries) throw new Error(`order summaries still conflicting after ${maxRetries} retries: ${pending.map((s) => s.orderNumber).join(", ")}`);
    pending = await projectStreams(pending, ports, counters, attempt === 0);
  }
  return { ...counters, ignored };
}

function groupByStream(batch: readonly RecordedEvent[]): { streams: StreamWork[]; ignored: number } {
  const byStream = new Map<string, Map<number, RecordedEvent>>();
  let ignored = 0;
  for (const event of batch) {
    if (orderNumberOfStream(event.streamId) === undefined) {
      ignored++;
      continue;
    }
    const versions = byStream.get(event.streamId) ?? new Map<number, RecordedEvent>();
    versions.set(event.version, event);
    byStream.set(event.streamId, versions);
  }
  const streams = [...byStream].map(([streamId, versions]) => ({
    orderNumber: orderNumberOfStream(streamId) ?? "",
    events: [...versions.values()].sort((a, b) => a.version - b.version),
  }));
  return { streams, ignored };
}

/** Returns the streams whose summary write lost a race and must be projected again. */
async function projectStreams(streams: readonly StreamWork[], ports: ProjectionPorts, counters: Counters, firstAttempt: boolean): Promise<StreamWork[]> {
  const limit = ports.concurrency ?? 16;
  const summaries = await mapLimit(streams, limit, async (work) => {
    const stored = await ports.views.get<OrderSummaryDoc>(viewKeys.order(work.orderNumber));
    const doc = await foldNewEvents(stored?.value ?? emptySummary(work.orderNumber), work, ports, counters, firstAttempt);
    return { work, stored, doc };
  });

  const customers = new Map<string, { customerId: number; changes: OrderChange[] }>();
  const hubDays = new Map<string, { hubId: number; day: string; changes: OrderChange[] }>();
  for (const { doc } of summaries) {
    if (doc.order === null) continue;
    const change: OrderChange = { orderNumber: doc.orderNumber, order: doc.order, version: doc.version };
    const { customerId, hubId } = doc.order;
    const day = dayOf(doc.order.requestedAt);
    const customerKey = viewKeys.customer(customerId);
    const hubKey = viewKeys.hubDay(hubId, day);
    const c = customers.get(customerKey) ?? { customerId, changes: [] };
    c.changes.push(change);
    customers.set(customerKey, c);
    const h = hubDays.get(hubKey) ?? { hubId, day, changes: [] };
    h.changes.push(change);
    hubDays.set(hubKey, h);
  }
  // Distinct documents: their updates are independent and may overlap.
  await mapLimit([...customers], limit, ([key, { customerId, changes }]) =>
    updateDocument<CustomerOrdersDoc>(ports, counters, key, (current) => {
      const next = upsertCustomerOrders(current, customerId, changes);
      return next === current || next === undefined ? undefined : { key, kind: "customer", value: next, rank: next.totalOrders };
    }),
  );
  await mapLimit([...hubDays], limit, ([key, { hubId, day, changes }]) =>
    updateDocument<HubDayDoc>(ports, counters, key, (current) => {
      const next = upsertHubDayOrders(current, hubId, day, changes);
      return next === current || next === undefined ? undefined : { key, kind: "hub-day", value: next };
    }),
  );

  // Summaries last (see above): only once every downstream document holds their state.
  const lost = await mapLimit(summaries, limit, async ({ work, stored, doc }) => {
    if (stored?.value.version === doc.version) return undefined;
    try {
      await ports.views.put({ key: viewKeys.order(doc.orderNumber), kind: "order", value: doc }, stored?.etag);
      counters.writes++;
      return undefined;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      return work;
    }
  });
  return lost.filter((w): w is StreamWork => w !== undefined);
}

/**
 * Maps with at most `limit` calls in flight, results in input order. After a failure no new
 * call starts, and the failure is thrown only once the calls in flight have settled: nothing of
 * a failed batch may still be writing when the caller rolls back or retries.
 */
async function mapLimit<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    for (let i = next++; i < items.length && failure === undefined; i = next++) {
      try {
        results[i] = await map(items[i] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => worker()));
  if (failure) throw failure.error;
  return results;
}

async function foldNewEvents(start: OrderSummaryDoc, work: StreamWork, ports: ProjectionPorts, counters: Counters, firstAttempt: boolean): Promise<OrderSummaryDoc> {
  let doc = start;
  for (const event of work.events) {
    if (event.version <= doc.version) {
      // On a retry after a lost race, events the winner applied are not duplicates of the feed.
      if (firstAttempt) counters.duplicates++;
      continue;
    }
    if (event.version > doc.version + 1) {
      for (const missing of await readGap(ports, event.streamId, doc.version + 1, event.version - 1)) {
        doc = await applyOrDeadLetter(doc, missing, ports, counters);
      }
    }
    doc = await applyOrDeadLetter(doc, event, ports, counters);
  }
  return doc;
}

async function readGap(ports: ProjectionPorts, streamId: string, from: number, to: number): Promise<readonly RecordedEvent[]> {
  const count = to - from + 1;
  const slice = ports.events ? await ports.events.read(streamId, { fromVersion: from, maxCount: count }) : undefined;
  if (slice?.events.length !== count) {
    // Never skip silently: failing the batch makes the runtime deliver it again.
    throw new Error(`stream ${streamId} is missing versions ${from}..${to} in the projection's input`);
  }
  return slice.events;
}

async function applyOrDeadLetter(doc: OrderSummaryDoc, event: RecordedEvent, ports: ProjectionPorts, counters: Counters): Promise<OrderSummaryDoc> {
  try {
    const next = evolveSummary(doc, event);
    counters.applied++;
    return next;
  } catch (error) {
    if (!(error instanceof PoisonEventError)) throw error;
    await ports.deadLetters.add({ event, reason: error.message, failedAt: ports.now().toISOString() });
    counters.deadLettered++;
    // The poison event is handled: the high-water mark moves past it, the state stays as it was.
    return { ...doc, version: event.version };
  }
}

/** Read, apply, conditional write; on 412 read again. `apply` returns undefined for "no change". */
async function updateDocument<T>(
  ports: ProjectionPorts,
  counters: Counters,
  key: string,
  apply: (current: T | undefined) => (ViewWrite & { value: T }) | undefined,
): Promise<void> {
  const maxRetries = ports.maxConflictRetries ?? 20;
  for (let attempt = 0; ; attempt++) {
    const stored = await ports.views.get<T>(key);
    const write = apply(stored?.value);
    if (write === undefined) return;
    try {
      await ports.views.put(write, stored?.etag);
      counters.writes++;
      return;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError) || attempt >= maxRetries) throw error;
    }
  }
}
