import { afterEach, describe, expect, it } from "vitest";
import type { DeadLetterStore } from "../../functions/src/projections/dead-letters.js";
import type { ViewStore } from "../../functions/src/projections/view-store.js";
import { PreconditionFailedError } from "../../functions/src/projections/view-store.js";

export interface ViewStoresUnderTest {
  readonly views: ViewStore;
  readonly deadLetters: DeadLetterStore;
  dispose(): Promise<void>;
}

/** The ViewStore and DeadLetters ports' contract, run once per adapter. */
export function viewStoreContract(name: string, create: () => Promise<ViewStoresUnderTest>): void {
  describe(`ViewStore and DeadLetters contract: ${name}`, () => {
    const opened: ViewStoresUnderTest[] = [];
    const open = async () => {
      const stores = await create();
      opened.push(stores);
      return stores;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.dispose()));
    });

    it("reads a missing document as undefined and a written one with an etag", async () => {
      const { views } = await open();
      expect(await views.get("order:none")).toBeUndefined();
      const etag = await views.put({ key: "order:a", kind: "order", value: { n: 1, nested: { b: 2, a: 1 } } }, undefined);
      const stored = await views.get<{ n: number }>("order:a");
      expect(stored).toEqual({ value: { n: 1, nested: { a: 1, b: 2 } }, etag });
    });

    it("creates only what does not exist, and replaces only at the etag read", async () => {
      const { views } = await open();
      const first = await views.put({ key: "order:a", kind: "order", value: { n: 1 } }, undefined);
      await expect(views.put({ key: "order:a", kind: "order", value: { n: 2 } }, undefined)).rejects.toBeInstanceOf(PreconditionFailedError);
      const second = await views.put({ key: "order:a", kind: "order", value: { n: 2 } }, first);
      expect(second).not.toBe(first);
      await expect(views.put({ key: "order:a", kind: "order", value: { n: 3 } }, first)).rejects.toBeInstanceOf(PreconditionFailedError);
      expect((await views.get<{ n: number }>("order:a"))?.value.n).toBe(2);
    });

    it("lists the top documents of a kind by rank, ties by key", async () => {
      const { views } = await open();
      const ranks: [string, number][] = [["customer:03", 2], ["customer:01", 5], ["customer:02", 2], ["customer:04", 1], ["customer:05", 2]];
      for (const [key, rank] of ranks) await views.put({ key, kind: "customer", value: { key }, rank }, undefined);
      await views.put({ key: "order:x", kind: "order", value: { key: "order:x" } }, undefined);
      expect((await views.top<{ key: string }>("customer", 3)).map((v) => v.key)).toEqual(["customer:01", "customer:02", "customer:03"]);
      expect((await views.top<{ key: string }>("customer", 10)).map((v) => v.key)).toEqual(["customer:01", "customer:02", "customer:03", "customer:05", "customer:04"]);
      expect(await views.top("hub-day", 3)).toEqual([]);
    });

    it("keeps one dead letter per event, however often it is added", async () => {
      const { deadLetters } = await open();
      const event = { eventId: "00000000-0000-4000-8000-000000000001", streamId: "order-x", version: 1, type: "OrderAccepted", schemaVersion: 1, data: { orderNumber: "x" }, metadata: {}, recordedAt: "2026-11-27T10:00:00.000Z" };
      await deadLetters.add({ event, reason: "never requested", failedAt: "2026-11-27T10:00:01.000Z" });
      await deadLetters.add({ event, reason: "never requested", failedAt: "2026-11-27T10:00:02.000Z" });
      await deadLetters.add({ event: { ...event, streamId: "order-y" }, reason: "other", failedAt: "2026-11-27T10:00:03.000Z" });
      expect(await deadLetters.count()).toBe(2);
      const letters = await deadLetters.list(10);
      expect(letters.map((l) => [l.event.streamId, l.reason])).toEqual([
        ["order-x", "never requested"],
        ["order-y", "other"],
      ]);
      expect(letters[0]?.event).toMatchObject(event);
    });
  });
}
