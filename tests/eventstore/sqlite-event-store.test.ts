import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SqliteEventStore } from "../../functions/src/eventstore/sqlite/sqlite-event-store.js";
import { eventStoreContract, newEvents } from "./event-store-contract.js";

function tempFile(): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "es-store-"));
  return {
    file: join(dir, "events.db"),
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function sqliteUnderTest(failAt?: number) {
  const { file, remove } = tempFile();
  const store = new SqliteEventStore({
    file,
    ...(failAt === undefined
      ? {}
      : {
          beforeEventWrite: (index: number) => {
            if (index === failAt) throw new Error("injected write failure");
          },
        }),
  });
  return Promise.resolve({
    store,
    dispose: async () => {
      await store.close();
      remove();
    },
  });
}

eventStoreContract("sqlite", { create: () => sqliteUnderTest(), createFailingAt: (index) => sqliteUnderTest(index) });

describe("SqliteEventStore specifics", () => {
  it("keeps every acknowledged event across a reopen of the file", async () => {
    const { file, remove } = tempFile();
    const store = new SqliteEventStore({ file });
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.append(`s-${i % 4}`, newEvents(2), "any")));
    await store.close();
    const reopened = new SqliteEventStore({ file });
    for (let s = 0; s < 4; s++) expect((await reopened.read(`s-${s}`)).version).toBe(10);
    expect(await reopened.headPosition()).toBe(40);
    await reopened.close();
    remove();
  });

  it("feeds all events in commit order by position and wakes listeners on append", async () => {
    const { file, remove } = tempFile();
    const store = new SqliteEventStore({ file });
    let wakes = 0;
    const unsubscribe = store.onAppended(() => wakes++);
    await store.append("a", newEvents(2), "any");
    await store.append("b", newEvents(1), "any");
    const all = await store.readAll(0, 100);
    expect(all.map((e) => [e.position, e.streamId, e.version])).toEqual([
      [1, "a", 1],
      [2, "a", 2],
      [3, "b", 1],
    ]);
    expect((await store.readAll(2, 100)).map((e) => e.position)).toEqual([3]);
    expect(wakes).toBe(2);
    unsubscribe();
    await store.close();
    remove();
  });

  it("shares one commit between appends of the same tick, each with its own outcome", async () => {
    const { file, remove } = tempFile();
    const store = new SqliteEventStore({ file });
    // Listeners are woken once per commit that stored something: one commit, one wake.
    let commits = 0;
    store.onAppended(() => commits++);
    const outcomes = await Promise.allSettled([
      store.append("g", newEvents(1), 0),
      store.append("g", newEvents(1), 0),
      store.append("h", newEvents(1), 0),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await store.headPosition()).toBe(2);
    expect(commits).toBe(1);
    await store.close();
    remove();
  });
});
