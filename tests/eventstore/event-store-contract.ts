import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { EventStore, NewEvent } from "../../functions/src/eventstore/event-store.js";
import { EventIdConflictError, WrongExpectedVersionError } from "../../functions/src/eventstore/errors.js";

export interface StoreUnderTest {
  readonly store: EventStore;
  /** Releases whatever the factory created (files, servers). */
  dispose(): Promise<void>;
}

export interface EventStoreContractOptions {
  /** A fresh, empty store. */
  create: () => Promise<StoreUnderTest>;
  /**
   * A fresh store whose write of the event at `index` of the next append fails. Omit when the
   * backend offers no way to inject that fault; then `atomicSkipReason` says why it is skipped.
   */
  createFailingAt?: (index: number) => Promise<StoreUnderTest>;
  atomicSkipReason?: string;
}

const ISO_MS_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function newEvent(type = "Noted", data: unknown = { n: 1 }): NewEvent {
  return { eventId: randomUUID(), type, data, metadata: { source: "contract" } };
}

export function newEvents(count: number): NewEvent[] {
  return Array.from({ length: count }, (_, n) => newEvent("Noted", { n }));
}

/** The EventStore port's contract (docs/guarantees.md, "The event store"), run once per adapter. */
export function eventStoreContract(name: string, options: EventStoreContractOptions): void {
  describe(`EventStore contract: ${name}`, () => {
    const opened: StoreUnderTest[] = [];
    const open = async (make = options.create): Promise<EventStore> => {
      const underTest = await make();
      opened.push(underTest);
      return underTest.store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((u) => u.dispose()));
    });

    it("reads an unknown stream as version 0 with no events", async () => {
      const store = await open();
      expect(await store.read("nothing-here")).toEqual({ version: 0, events: [] });
    });

    it("appends a first event at version 1 with the store's time and reads it back unchanged", async () => {
      const store = await open();
      const event = newEvent("Noted", { text: "grüße 👋", nested: { list: [1, 2.5, null] } });
      const before = Date.now();
      const result = await store.append("s-1", [event], "no_stream");
      expect(result).toEqual({ streamId: "s-1", firstVersion: 1, lastVersion: 1, eventIds: [event.eventId], replayed: false });
      const slice = await store.read("s-1");
      expect(slice.version).toBe(1);
      const [stored] = slice.events;
      expect(stored).toMatchObject({
        eventId: event.eventId,
        streamId: "s-1",
        version: 1,
        type: "Noted",
        data: event.data,
        metadata: event.metadata,
      });
      expect(stored?.recordedAt).toMatch(ISO_MS_UTC);
      const recorded = Date.parse(stored?.recordedAt ?? "");
      expect(recorded).toBeGreaterThanOrEqual(before - 1000);
      expect(recorded).toBeLessThanOrEqual(Date.now() + 1000);
    });

    it("numbers a multi-event append consecutively and continues after it", async () => {
      const store = await open();
      expect(await store.append("s", newEvents(3), 0)).toMatchObject({ firstVersion: 1, lastVersion: 3 });
      expect(await store.append("s", newEvents(2), 3)).toMatchObject({ firstVersion: 4, lastVersion: 5 });
      const { version, events } = await store.read("s");
      expect(version).toBe(5);
      expect(events.map((e) => e.version)).toEqual([1, 2, 3, 4, 5]);
    });

    it("reads a slice with fromVersion and maxCount and still reports the stream's version", async () => {
      const store = await open();
      await store.append("s", newEvents(10), "any");
      const slice = await store.read("s", { fromVersion: 4, maxCount: 3 });
      expect(slice.version).toBe(10);
      expect(slice.events.map((e) => e.version)).toEqual([4, 5, 6]);
      expect((await store.read("s", { fromVersion: 11 })).events).toEqual([]);
    });

    describe("schema version", () => {
      it("keeps each event's schema version, 1 where the producer names none", async () => {
        const store = await open();
        await store.append("s", [{ ...newEvent("Noted"), schemaVersion: 3 }, newEvent("Noted")], "no_stream");
        const { events } = await store.read("s");
        expect(events.map((e) => e.schemaVersion)).toEqual([3, 1]);
      });

      it("reads an order event stored in an older shape in its current shape, the stored version above it untouched", async () => {
        const store = await open();
        const v1 = { orderNumber: "sv-1", articles: [{ article: "Mojito", quantity: 2, price: 7.5 }] };
        await store.append("order-sv-1", [{ ...newEvent("OrderArticlesUpdated", v1), schemaVersion: 1 }], "no_stream");
        const [read] = (await store.read("order-sv-1")).events;
        expect(read).toMatchObject({
          type: "OrderArticlesUpdated",
          schemaVersion: 2,
          data: { orderNumber: "sv-1", articles: [{ article: "Mojito", quantity: 2, price: 7.5, currency: "EUR" }] },
        });
        // A later read finds the stored event unchanged: upcasting happens on the way out only.
        expect((await store.read("order-sv-1")).events).toEqual([read]);
      });

      it("returns an event of a version no upcaster knows as stored, for its reader to refuse", async () => {
        const store = await open();
        const future = { orderNumber: "sv-2", articles: "in a shape from the future" };
        await store.append("order-sv-2", [{ ...newEvent("OrderArticlesUpdated", future), schemaVersion: 9 }], "no_stream");
        expect((await store.read("order-sv-2")).events[0]).toMatchObject({ schemaVersion: 9, data: future });
      });
    });

    describe("expected version", () => {
      it('"no_stream" succeeds on an empty stream and conflicts on an existing one', async () => {
        const store = await open();
        await store.append("s", [newEvent()], "no_stream");
        const error = await store.append("s", [newEvent()], "no_stream").catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error).toMatchObject({ currentVersion: 1 });
      });

      it('"stream_exists" conflicts on an empty stream and succeeds on an existing one', async () => {
        const store = await open();
        await expect(store.append("s", [newEvent()], "stream_exists")).rejects.toMatchObject({ currentVersion: 0 });
        await store.append("s", [newEvent()], "any");
        expect(await store.append("s", [newEvent()], "stream_exists")).toMatchObject({ firstVersion: 2 });
      });

      it('"any" appends whatever the version', async () => {
        const store = await open();
        await store.append("s", [newEvent()], "any");
        expect(await store.append("s", [newEvent()], "any")).toMatchObject({ firstVersion: 2, lastVersion: 2 });
      });

      it("an exact number must equal the current version; 0 means empty", async () => {
        const store = await open();
        await store.append("s", newEvents(2), 0);
        await expect(store.append("s", [newEvent()], 1)).rejects.toMatchObject({ currentVersion: 2, expectedVersion: 1 });
        await expect(store.append("s", [newEvent()], 0)).rejects.toBeInstanceOf(WrongExpectedVersionError);
        expect(await store.append("s", [newEvent()], 2)).toMatchObject({ firstVersion: 3 });
      });

      it("a number above the current version is a conflict, never a gap", async () => {
        const store = await open();
        await store.append("s", [newEvent()], 0);
        await expect(store.append("s", [newEvent()], 5)).rejects.toMatchObject({ currentVersion: 1, expectedVersion: 5 });
        await expect(store.append("empty", [newEvent()], 3)).rejects.toMatchObject({ currentVersion: 0 });
        expect((await store.read("s")).version).toBe(1);
        expect((await store.read("empty")).version).toBe(0);
      });
    });

    describe("idempotent retry", () => {
      it("recognises the same eventIds at the same place and writes nothing", async () => {
        const store = await open();
        const events = newEvents(3);
        const first = await store.append("s", events, "no_stream");
        const retry = await store.append("s", events, "no_stream");
        expect(retry).toEqual({ ...first, replayed: true });
        expect((await store.read("s")).version).toBe(3);
      });

      it("recognises a retry after later appends, for exact and 'any' expectations", async () => {
        const store = await open();
        const events = newEvents(2);
        await store.append("s", [newEvent()], 0);
        await store.append("s", events, 1);
        await store.append("s", [newEvent()], 3);
        expect(await store.append("s", events, 1)).toMatchObject({ firstVersion: 2, lastVersion: 3, replayed: true });
        expect(await store.append("s", events, "any")).toMatchObject({ firstVersion: 2, replayed: true });
        expect((await store.read("s")).version).toBe(4);
      });

      it("rejects a partial overlap or the same ids at another place, writing nothing", async () => {
        const store = await open();
        const [a, b] = newEvents(2) as [NewEvent, NewEvent];
        await store.append("s", [a, b], 0);
        await expect(store.append("s", [b, newEvent()], "any")).rejects.toBeInstanceOf(EventIdConflictError);
        await expect(store.append("s", [b, a], "any")).rejects.toBeInstanceOf(EventIdConflictError);
        await expect(store.append("s", [a, b], 5)).rejects.toBeInstanceOf(EventIdConflictError);
        expect((await store.read("s")).version).toBe(2);
      });

      const skip = options.createFailingAt === undefined;
      it.skipIf(skip)(
        `rejects an overlap that starts after a new event, writing nothing${skip ? ` (skipped: ${options.atomicSkipReason ?? "no atomic batches"})` : ""}`,
        async () => {
          const store = await open();
          const [a] = newEvents(1) as [NewEvent];
          await store.append("s", [a], 0);
          await expect(store.append("s", [newEvent(), a], "any")).rejects.toBeInstanceOf(EventIdConflictError);
          expect((await store.read("s")).version).toBe(1);
        },
      );

      it("keeps eventIds per stream: the same id may start another stream", async () => {
        const store = await open();
        const event = newEvent();
        await store.append("s-1", [event], 0);
        expect(await store.append("s-2", [event], 0)).toMatchObject({ firstVersion: 1, replayed: false });
      });
    });

    describe("atomicity", () => {
      const skip = options.createFailingAt === undefined;
      it.skipIf(skip)(
        `stores none of an append whose middle event fails${skip ? ` (skipped: ${options.atomicSkipReason ?? "no fault injection"})` : ""}`,
        async () => {
          const store = await open(() => (options.createFailingAt as (i: number) => Promise<StoreUnderTest>)(1));
          await expect(store.append("s", newEvents(3), "any")).rejects.toThrow();
          expect(await store.read("s")).toEqual({ version: 0, events: [] });
        },
      );
    });

    describe("concurrency", () => {
      it("32 appenders at the same expected version: exactly one wins each round, versions 1..n", async () => {
        const store = await open();
        const rounds = 8;
        for (let round = 0; round < rounds; round++) {
          const outcomes = await Promise.allSettled(
            Array.from({ length: 32 }, (_, writer) => store.append("hot", [newEvent("Noted", { round, writer })], round)),
          );
          const winners = outcomes.filter((o) => o.status === "fulfilled");
          expect(winners).toHaveLength(1);
          for (const o of outcomes) if (o.status === "rejected") expect(o.reason).toBeInstanceOf(WrongExpectedVersionError);
        }
        const { version, events } = await store.read("hot", { maxCount: 1000 });
        expect(version).toBe(rounds);
        expect(events.map((e) => e.version)).toEqual(Array.from({ length: rounds }, (_, i) => i + 1));
      });

      it("32 appenders with 'any' get distinct versions with no gap and no duplicate", async () => {
        const store = await open();
        const results = await Promise.all(Array.from({ length: 32 }, () => store.append("hot", newEvents(2), "any")));
        const versions = results.flatMap((r) => [r.firstVersion, r.lastVersion]).sort((a, b) => a - b);
        expect(versions).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
        const { events } = await store.read("hot", { maxCount: 1000 });
        expect(events.map((e) => e.version)).toEqual(versions);
      });
    });

    it("never changes a stored event: a re-read after more appends is identical", async () => {
      const store = await open();
      await store.append("s", newEvents(3), 0);
      const before = await store.read("s");
      await store.append("s", newEvents(3), 3);
      await store.append("s", newEvents(3), "no_stream").catch(() => undefined);
      const after = await store.read("s", { maxCount: 3 });
      expect(after.events).toEqual(before.events);
    });
  });
}
