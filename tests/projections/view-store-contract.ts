import { afterEach, describe, expect, it } from "vitest";
import type { DeadLetterStore } from "../../functions/src/projections/dead-letters.js";
import type { ViewStore } from "../../functions/src/projections/view-store.js";
import { readRow, ViewWriteConflictError } from "../../functions/src/projections/view-store.js";

export interface ViewStoresUnderTest {
  readonly views: ViewStore;
  readonly deadLetters: DeadLetterStore;
  dispose(): Promise<void>;
}

/**
 * The ViewStore and DeadLetters ports' contract, run once per adapter. `maxOpsPerCommit` is the
 * adapter's documented limit: Cosmos DB's TransactionalBatch takes 100 operations, a SQLite
 * savepoint more.
 */
export function viewStoreContract(name: string, maxOpsPerCommit: number, create: () => Promise<ViewStoresUnderTest>): void {
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

    it("reads a missing row as absent and a committed one with the etag the commit returned", async () => {
      const { views } = await open();
      expect(await readRow(views, "order:none", "header")).toBeUndefined();
      const etags = await views.commit("order:a", [
        { type: "put", row: { id: "header", kind: "order", value: { n: 1, nested: { b: 2, a: 1 } } }, etag: undefined },
      ]);
      const stored = await views.read<{ n: number }>("order:a", ["header", "missing"]);
      expect([...stored]).toEqual([["header", { value: { n: 1, nested: { a: 1, b: 2 } }, etag: etags.get("header") }]]);
      // The same id in another group is another row.
      expect(await readRow(views, "order:b", "header")).toBeUndefined();
    });

    it("creates only what does not exist, replaces only at the etag read, and commits a group all or none", async () => {
      const { views } = await open();
      const put = (id: string, n: number, etag: string | undefined) => ({
        type: "put" as const,
        row: { id, kind: "customer-order" as const, value: { n } },
        etag,
      });
      const first = (await views.commit("customer:1", [put("header", 1, undefined), put("o:a", 1, undefined)])).get("header");
      await expect(views.commit("customer:1", [put("o:b", 1, undefined), put("header", 2, undefined)])).rejects.toBeInstanceOf(
        ViewWriteConflictError,
      );
      const second = (await views.commit("customer:1", [put("header", 2, first)])).get("header");
      expect(second).not.toBe(first);
      await expect(views.commit("customer:1", [put("header", 3, first), put("o:c", 1, undefined)])).rejects.toBeInstanceOf(
        ViewWriteConflictError,
      );
      const rows = await views.read<{ n: number }>("customer:1", ["header", "o:a", "o:c"]);
      expect(rows.get("header")?.value.n).toBe(2);
      expect(rows.has("o:c")).toBe(false);
      const entry = rows.get("o:a");
      // A delete lands only with a header still at the etag read.
      await views.commit("customer:1", [put("header", 4, second), { type: "delete", id: "o:a", etag: entry?.etag ?? "" }]);
      expect((await views.read("customer:1", ["o:a"])).size).toBe(0);
    });

    it(`commits ${maxOpsPerCommit} operations at once and refuses one more`, async () => {
      const { views } = await open();
      expect(views.maxOpsPerCommit).toBe(maxOpsPerCommit);
      const ops = Array.from({ length: maxOpsPerCommit + 1 }, (_, n) => ({
        type: "put" as const,
        row: { id: `o:${n}`, kind: "customer-order" as const, value: {} },
        etag: undefined,
      }));
      await expect(views.commit("customer:2", ops)).rejects.toThrow(`at most ${maxOpsPerCommit} operations`);
      expect((await views.read("customer:2", ["o:0"])).size).toBe(0);
      await views.commit("customer:2", ops.slice(1));
      expect((await views.read("customer:2", ["o:1", `o:${maxOpsPerCommit}`])).size).toBe(2);
    });

    it("pages a group's rows by sort key, after a given key, and leaves out rows without one", async () => {
      const { views } = await open();
      const rows = ["2026-11-27T10:00:00.000Z b", "2026-11-27T09:00:00.000Z z", "2026-11-27T10:00:00.000Z a"].map((sort, n) => ({
        type: "put" as const,
        row: { id: `o:${n}`, kind: "customer-order" as const, value: { sort }, sort },
        etag: undefined,
      }));
      await views.commit("customer:3", [
        { type: "put", row: { id: "header", kind: "customer", value: {}, rank: 3 }, etag: undefined },
        ...rows,
      ]);
      await views.commit("customer:4", [
        { type: "put", row: { id: "o:x", kind: "customer-order", value: { sort: "0" }, sort: "0" }, etag: undefined },
      ]);
      const all = await views.page<{ sort: string }>("customer:3", "", 10);
      expect(all.map((r) => r.sort)).toEqual(["2026-11-27T09:00:00.000Z z", "2026-11-27T10:00:00.000Z a", "2026-11-27T10:00:00.000Z b"]);
      expect(all.map((r) => r.value.sort)).toEqual(all.map((r) => r.sort));
      expect((await views.page("customer:3", "", 2)).map((r) => r.sort)).toEqual(all.slice(0, 2).map((r) => r.sort));
      expect((await views.page("customer:3", "2026-11-27T10:00:00.000Z a", 10)).map((r) => r.sort)).toEqual(["2026-11-27T10:00:00.000Z b"]);
    });

    it("replaces a row whose sort key changes, and pages it under its new key only", async () => {
      const { views } = await open();
      const put = (sort: string | undefined, etag: string | undefined) => ({
        type: "put" as const,
        row: { id: "o:m", kind: "customer-order" as const, value: { sort }, ...(sort === undefined ? {} : { sort }) },
        etag,
      });
      const first = (await views.commit("customer:5", [put("b", undefined)])).get("o:m");
      const second = (await views.commit("customer:5", [put("a", first)])).get("o:m");
      expect((await views.page<{ sort: string }>("customer:5", "", 10)).map((r) => [r.sort, r.value.sort])).toEqual([["a", "a"]]);
      // A stale etag is a conflict whatever the sort key, the same or a new one.
      await expect(views.commit("customer:5", [put("a", first)])).rejects.toBeInstanceOf(ViewWriteConflictError);
      await expect(views.commit("customer:5", [put("c", first)])).rejects.toBeInstanceOf(ViewWriteConflictError);
      await views.commit("customer:5", [put(undefined, second)]);
      expect(await views.page("customer:5", "", 10)).toEqual([]);
    });

    it("lists the top headers of a kind by rank, ties by group key", async () => {
      const { views } = await open();
      const ranks: [string, number][] = [
        ["customer:03", 2],
        ["customer:01", 5],
        ["customer:02", 2],
        ["customer:04", 1],
        ["customer:05", 2],
      ];
      for (const [group, rank] of ranks) {
        await views.commit(group, [
          { type: "put", row: { id: "header", kind: "customer", value: { group }, rank }, etag: undefined },
          { type: "put", row: { id: "o:1", kind: "customer-order", value: { group: "entry" }, sort: "x" }, etag: undefined },
        ]);
      }
      await views.commit("order:x", [{ type: "put", row: { id: "header", kind: "order", value: { group: "order:x" } }, etag: undefined }]);
      expect((await views.top<{ group: string }>("customer", 3)).map((v) => v.group)).toEqual([
        "customer:01",
        "customer:02",
        "customer:03",
      ]);
      expect((await views.top<{ group: string }>("customer", 10)).map((v) => v.group)).toEqual([
        "customer:01",
        "customer:02",
        "customer:03",
        "customer:05",
        "customer:04",
      ]);
      expect(await views.top("hub-day", 3)).toEqual([]);
    });

    it("keeps one dead letter per event, however often it is added", async () => {
      const { deadLetters } = await open();
      const event = {
        eventId: "00000000-0000-4000-8000-000000000001",
        streamId: "order-x",
        version: 1,
        type: "OrderAccepted",
        schemaVersion: 1,
        data: { orderNumber: "x" },
        metadata: {},
        recordedAt: "2026-11-27T10:00:00.000Z",
      };
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
