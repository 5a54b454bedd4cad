import type { EventStore, RecordedEvent } from "../eventstore/event-store.js";
import type { DeadLetterStore } from "./dead-letters.js";
import type { GroupUpdate } from "./view-group.js";
import type { OrderChange } from "./order-change.js";
import type { OrderSummaryDoc } from "./order-summary.js";
import type { StoredRow, ViewOp, ViewStore } from "./view-store.js";
import { orderNumberOfStream } from "../domain/identifiers.js";
import { customerUpdate } from "./customer-orders.js";
import { dayOf, hubDayUpdate } from "./hub-day.js";
import { emptySummary, evolveSummary } from "./order-summary.js";
import { PoisonEventError } from "./poison-event-error.js";
import { HEADER_ID, viewKeys } from "./view-keys.js";
import { readRow, ViewWriteConflictError } from "./view-store.js";

/** What projecting needs, in every runtime (the local projector, the Azure change-feed trigger). */
export interface ProjectionPorts {
  readonly views: ViewStore;
  readonly deadLetters: DeadLetterStore;
  /** Fills a gap when a stream's earlier events were not delivered (reads the store). */
  readonly events?: Pick<EventStore, "read">;
  /** Only stamps dead letters; views never depend on it. */
  readonly now: () => Date;
  /** How often one document's write is retried after a 412 before the batch fails; default 20. */
  readonly maxConflictRetries?: number;
  /**
   * Operations per group commit: 3 (a header, an entry and an article row) to the view store's
   * maxOpsPerCommit, the default. Tests lower it to make a few orders take several commits per
   * group.
   */
  readonly maxOpsPerCommit?: number;
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
  /** View rows written (created, replaced or deleted). */
  readonly writes: number;
}

interface StreamWork {
  readonly orderNumber: string;
  readonly events: RecordedEvent[];
  /**
   * The summary's version when the batch first read it: events up to it were in the views
   * before this batch. A retry after a lost race sees more, applied by the winner: those are
   * neither this batch's duplicates nor its work.
   */
  readonly versionBefore?: number;
}

interface Counters {
  applied: number;
  duplicates: number;
  deadLettered: number;
  writes: number;
}

/** One stream's part of the outcome, added to the batch's once its summary is written. */
type StreamTally = Omit<Counters, "writes">;

/**
 * Projects a batch of events, delivered at least once and in order per stream only, into the
 * views. Per stream: fold the new events into the order summary (its version is the stream's
 * high-water mark), then put the resulting order state into the customer and hub-day entries
 * (each entry carries its own version, and each group's header moves in the same commit), then
 * write the summary. The summary is written last, so a crash at any point leaves work that a
 * redelivery redoes exactly once. Every write is conditional on the etag read; a conflict
 * re-reads and re-applies.
 */
export async function projectBatch(batch: readonly RecordedEvent[], ports: ProjectionPorts): Promise<BatchOutcome> {
  const maxOps = checkedMaxOps(ports);
  const counters: Counters = { applied: 0, duplicates: 0, deadLettered: 0, writes: 0 };
  const { streams, ignored } = groupByStream(batch);
  const works = new Map(streams.map((work) => [work.orderNumber, work]));
  const checked = { ...ports, maxOpsPerCommit: maxOps };
  let pending = streams;
  const maxRetries = ports.maxConflictRetries ?? 20;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > maxRetries)
      throw new Error(`order summaries still conflicting after ${maxRetries} retries: ${pending.map((s) => s.orderNumber).join(", ")}`);
    const folded = await mapLimit(pending, ports.concurrency ?? 16, (work) => foldStream(work, checked));
    // Projected again from what the winner wrote, with the same events.
    pending = (await writeViews(folded, checked, counters)).map(({ orderNumber, versionBefore }) => ({
      orderNumber,
      events: works.get(orderNumber)?.events ?? [],
      versionBefore,
    }));
  }
  return { ...counters, ignored };
}

/**
 * projectBatch for a batch that arrives in chunks, for a projector that is its view store's only
 * writer (the local one). Each chunk is folded into its streams' summaries as it arrives and then
 * let go: a catch-up batch of thousands of events no longer keeps them all alive until its writes,
 * which cost the young generation's collector about twice the copying (ADR 16). The writes are projectBatch's,
 * once for the whole batch. With no other writer a summary cannot lose a race; should one, the
 * batch fails, to be retried whole (the local projector rolls its transaction back), since its
 * events are no longer at hand to project the stream again.
 */
export async function projectChunks(chunks: AsyncIterable<readonly RecordedEvent[]>, ports: ProjectionPorts): Promise<BatchOutcome> {
  const checked = { ...ports, maxOpsPerCommit: checkedMaxOps(ports) };
  const counters: Counters = { applied: 0, duplicates: 0, deadLettered: 0, writes: 0 };
  const folded = new Map<string, FoldedStream>();
  let ignored = 0;
  for await (const chunk of chunks) {
    const grouped = groupByStream(chunk);
    ignored += grouped.ignored;
    await mapLimit(grouped.streams, ports.concurrency ?? 16, async (work) => {
      const before = folded.get(work.orderNumber);
      if (before === undefined) {
        folded.set(work.orderNumber, await foldStream(work, checked));
        return;
      }
      const next = foldNewEvents(before.doc, before.versionBefore, work.events, checked, before.tally);
      folded.set(work.orderNumber, { ...before, doc: next instanceof Promise ? await next : next });
    });
  }
  const lost = await writeViews([...folded.values()], checked, counters);
  if (lost.length > 0)
    throw new Error(`order summaries changed by another writer during the batch: ${lost.map((f) => f.orderNumber).join(", ")}`);
  return { ...counters, ignored };
}

function checkedMaxOps(ports: ProjectionPorts): number {
  const limit = ports.views.maxOpsPerCommit;
  const maxOps = ports.maxOpsPerCommit ?? limit;
  if (!Number.isInteger(maxOps) || maxOps < 3 || maxOps > limit)
    throw new RangeError(`maxOpsPerCommit must be a whole number from 3 to ${limit} (the view store's limit), not ${maxOps}`);
  return maxOps;
}

function groupByStream(batch: readonly RecordedEvent[]): { streams: StreamWork[]; ignored: number } {
  const byStream = new Map<string, RecordedEvent[]>();
  let ignored = 0;
  for (const event of batch) {
    if (orderNumberOfStream(event.streamId) === undefined) {
      ignored++;
      continue;
    }
    const events = byStream.get(event.streamId);
    if (events === undefined) byStream.set(event.streamId, [event]);
    else events.push(event);
  }
  const streams: StreamWork[] = [];
  for (const [streamId, events] of byStream) {
    streams.push({ orderNumber: orderNumberOfStream(streamId) ?? "", events: inVersionOrder(events) });
  }
  return { streams, ignored };
}

/** A stream's events by version, each version once. A feed delivers them so almost always: check before sorting. */
function inVersionOrder(events: RecordedEvent[]): RecordedEvent[] {
  let ordered = true;
  for (let i = 1; i < events.length && ordered; i++)
    ordered = (events[i - 1] as RecordedEvent).version < (events[i] as RecordedEvent).version;
  if (ordered) return events;
  // Redelivered or interleaved: the last copy of a version wins, as it always has.
  const versions = new Map<number, RecordedEvent>();
  for (const event of events) versions.set(event.version, event);
  return [...versions.values()].sort((a, b) => a.version - b.version);
}

/** A stream's fold in a batch: its summary as read, as folded, and what the fold counted. */
interface FoldedStream {
  readonly orderNumber: string;
  /** See StreamWork.versionBefore. */
  readonly versionBefore: number;
  readonly stored: StoredRow<OrderSummaryDoc> | undefined;
  readonly doc: OrderSummaryDoc;
  readonly tally: StreamTally;
}

/** Reads the stream's summary and folds its events into it. */
async function foldStream(work: StreamWork, ports: ProjectionPorts): Promise<FoldedStream> {
  const stored = await readRow<OrderSummaryDoc>(ports.views, viewKeys.order(work.orderNumber), HEADER_ID);
  const start = stored?.value ?? emptySummary(work.orderNumber);
  const versionBefore = work.versionBefore ?? start.version;
  const tally: StreamTally = { applied: 0, duplicates: 0, deadLettered: 0 };
  const folded = foldNewEvents(start, versionBefore, work.events, ports, tally);
  return { orderNumber: work.orderNumber, versionBefore, stored, doc: folded instanceof Promise ? await folded : folded, tally };
}

/**
 * Writes the folded streams' customer and hub-day entries, then their summaries. Returns the
 * streams whose summary write lost a race: their tallies are not counted, and they are to be
 * projected again from what the winner wrote.
 */
async function writeViews(summaries: readonly FoldedStream[], ports: ProjectionPorts, counters: Counters): Promise<FoldedStream[]> {
  const limit = ports.concurrency ?? 16;
  const customers = new Map<number, OrderChange[]>();
  const hubDays = new Map<string, { hubId: number; day: string; changes: OrderChange[] }>();
  // Streams in order-number order: each group's commits then do not depend on arrival order.
  const ordered = [...summaries].sort((a, b) =>
    a.doc.orderNumber < b.doc.orderNumber ? -1 : a.doc.orderNumber > b.doc.orderNumber ? 1 : 0,
  );
  for (const { doc, stored } of ordered) {
    if (doc.order === null) continue;
    const change: OrderChange = { orderNumber: doc.orderNumber, order: doc.order, version: doc.version, firstSeen: stored === undefined };
    const { customerId, hubId } = doc.order;
    const day = dayOf(doc.order.requestedAt);
    const theirs = customers.get(customerId) ?? [];
    theirs.push(change);
    customers.set(customerId, theirs);
    const hubKey = viewKeys.hubDay(hubId, day);
    const h = hubDays.get(hubKey) ?? { hubId, day, changes: [] };
    h.changes.push(change);
    hubDays.set(hubKey, h);
  }
  const groups: GroupUpdate[] = [
    ...[...customers].map(([customerId, changes]) => customerUpdate(customerId, changes, ports.maxOpsPerCommit)),
    ...[...hubDays.values()].map(({ hubId, day, changes }) => hubDayUpdate(hubId, day, changes, ports.maxOpsPerCommit)),
  ];
  // Distinct groups: their updates are independent and may overlap.
  await mapLimit(groups, limit, (group) => updateGroup(ports, counters, group));

  // Summaries last (see above): only once every downstream group holds their state.
  const lost = await mapLimit(summaries, limit, async (folded): Promise<FoldedStream | undefined> => {
    const { stored, doc, tally } = folded;
    try {
      if (stored?.value.version !== doc.version) {
        await ports.views.commit(viewKeys.order(doc.orderNumber), [
          { type: "put", row: { id: HEADER_ID, kind: "order", value: doc }, etag: stored?.etag },
        ]);
        counters.writes++;
      }
    } catch (error) {
      if (!(error instanceof ViewWriteConflictError)) throw error;
      // Projected again from what the winner wrote: this attempt's tally does not count.
      return folded;
    }
    counters.applied += tally.applied;
    counters.duplicates += tally.duplicates;
    counters.deadLettered += tally.deadLettered;
    return undefined;
  });
  return lost.filter((f): f is FoldedStream => f !== undefined);
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

/**
 * The summary after the stream's new events, from the event at `from` on. Synchronous unless a
 * gap must be read or a poison event dead-lettered, when it continues once that is done: a
 * replay folds some 200,000 streams here, and a promise each would cost.
 */
function foldNewEvents(
  start: OrderSummaryDoc,
  versionBefore: number,
  events: readonly RecordedEvent[],
  ports: ProjectionPorts,
  tally: StreamTally,
  from = 0,
): OrderSummaryDoc | Promise<OrderSummaryDoc> {
  let doc = start;
  for (let at = from; at < events.length; at++) {
    const event = events[at] as RecordedEvent;
    if (event.version <= doc.version) {
      if (event.version <= versionBefore) tally.duplicates++;
      continue;
    }
    const folded =
      event.version > doc.version + 1 ? fillGapThenApply(doc, event, ports, tally) : applyOrDeadLetter(doc, event, ports, tally);
    if (folded instanceof Promise) return folded.then((next) => foldNewEvents(next, versionBefore, events, ports, tally, at + 1));
    doc = folded;
  }
  return doc;
}

/** The summary after the versions missing before `event`, read from the store, and after `event` itself. */
async function fillGapThenApply(
  doc: OrderSummaryDoc,
  event: RecordedEvent,
  ports: ProjectionPorts,
  tally: StreamTally,
): Promise<OrderSummaryDoc> {
  let next = doc;
  for (const missed of [...(await readGap(ports, event.streamId, doc.version + 1, event.version - 1)), event]) {
    const folded = applyOrDeadLetter(next, missed, ports, tally);
    next = folded instanceof Promise ? await folded : folded;
  }
  return next;
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

/**
 * The summary after the event. Synchronous unless the event is poison, when the dead letter is
 * written first: a replay folds about a million events here, and a promise each would cost.
 */
function applyOrDeadLetter(
  doc: OrderSummaryDoc,
  event: RecordedEvent,
  ports: ProjectionPorts,
  tally: StreamTally,
): OrderSummaryDoc | Promise<OrderSummaryDoc> {
  try {
    const next = evolveSummary(doc, event);
    tally.applied++;
    return next;
  } catch (error) {
    if (!(error instanceof PoisonEventError)) throw error;
    return ports.deadLetters.add({ event, reason: error.message, failedAt: ports.now().toISOString() }).then(() => {
      tally.deadLettered++;
      // The poison event is handled: the high-water mark moves past it, the state stays as it was.
      return { ...doc, version: event.version };
    });
  }
}

/**
 * Read the group's rows, plan its commits, commit them in order, threading each row's new etag
 * to the next commit; on a conflict read again and re-plan (the plan skips what already landed).
 */
async function updateGroup(ports: ProjectionPorts, counters: Counters, update: GroupUpdate): Promise<void> {
  const maxRetries = ports.maxConflictRetries ?? 20;
  const { group } = update;
  for (let attempt = 0; ; attempt++) {
    const ids = attempt === 0 || update.presumedAbsent === undefined ? update.ids : [...update.ids, ...update.presumedAbsent];
    const values = new Map<string, unknown>();
    const etags = new Map<string, string>();
    const keep = (rows: ReadonlyMap<string, StoredRow<unknown>>) => {
      for (const [id, row] of rows) {
        values.set(id, row.value);
        etags.set(id, row.etag);
      }
    };
    keep(await ports.views.read(group, ids));
    const more = update.more?.(values).filter((id) => !values.has(id)) ?? [];
    if (more.length > 0) keep(await ports.views.read(group, more));
    try {
      for (const step of update.plan(values)) {
        const ops: ViewOp[] = step.puts.map((row) => ({ type: "put", row, etag: etags.get(row.id) }));
        for (const id of step.deletes) {
          const etag = etags.get(id);
          if (etag !== undefined) ops.push({ type: "delete", id, etag });
        }
        const written = await ports.views.commit(group, ops);
        for (const id of step.deletes) etags.delete(id);
        for (const [id, etag] of written) etags.set(id, etag);
        counters.writes += ops.length;
      }
      return;
    } catch (error) {
      if (!(error instanceof ViewWriteConflictError) || attempt >= maxRetries) throw error;
    }
  }
}
