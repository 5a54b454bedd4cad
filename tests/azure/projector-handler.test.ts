import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Container } from "@azure/cosmos";
import type { ProjectionPorts } from "../../functions/src/projections/projection-engine.js";
import type { ViewOp } from "../../functions/src/projections/view-store.js";
import type { CosmosTestEndpoint } from "../support/cosmos-test-endpoint.js";
import { createProjectorHandler } from "../../functions/src/azure/projector-handler.js";
import { CosmosEventStore } from "../../functions/src/eventstore/cosmos/cosmos-event-store.js";
import { toEventDocument } from "../../functions/src/eventstore/cosmos/event-document.js";
import { CosmosDeadLetters } from "../../functions/src/projections/cosmos/cosmos-dead-letters.js";
import { CosmosViewStore } from "../../functions/src/projections/cosmos/cosmos-view-store.js";
import { viewKeys } from "../../functions/src/projections/view-keys.js";
import { ViewWriteConflictError } from "../../functions/src/projections/view-store.js";
import { InvocationContext } from "../../functions/src/shared/azure-functions-runtime.js";
import { REAL_COSMOS, startCosmosTestEndpoint } from "../support/cosmos-test-endpoint.js";
import { requestedData } from "../support/orders.js";
import { customerView, hubDayView, orderSummary } from "../projections/read-views.js";

let endpoint: CosmosTestEndpoint;
beforeAll(async () => {
  endpoint = await startCosmosTestEndpoint();
});
afterAll(async () => {
  await endpoint.close();
});

let lsn = 0;
/** A change-feed item: the stored event document plus the system fields Cosmos adds. */
function change(orderNumber: string, version: number, type: string, data: object, recordedAt = "2026-11-27T10:00:00.000Z") {
  lsn++;
  const event = {
    eventId: `00000000-0000-4000-8000-${lsn.toString().padStart(12, "0")}`,
    streamId: `order-${orderNumber}`,
    version,
    type,
    data: { orderNumber, ...data },
    metadata: {},
    recordedAt,
  };
  return {
    ...toEventDocument(event),
    _rid: `rid${lsn}`,
    _self: `dbs/x/colls/y/docs/${lsn}`,
    _etag: `"etag-${lsn}"`,
    _attachments: "attachments/",
    _ts: 1_795_000_000 + lsn,
    _lsn: lsn,
  };
}

async function setup() {
  const { containers } = await endpoint.createDatabase();
  const ports: ProjectionPorts = {
    views: new CosmosViewStore(containers.views),
    deadLetters: new CosmosDeadLetters(containers.deadLetters),
    events: new CosmosEventStore({ container: containers.events }),
    now: () => new Date("2026-11-27T10:00:01.000Z"),
  };
  const logs: string[] = [];
  const context = () =>
    new InvocationContext({
      functionName: "projectViews",
      logHandler: (level, ...args) => logs.push(`${level} ${args.map(String).join(" ")}`),
    });
  return { ports, containers, handler: createProjectorHandler(ports), context, logs };
}

async function viewsOf(views: Container) {
  const { resources } = await views.items
    .query<{ id: string; groupKey: string; view: unknown }>("SELECT c.id, c.groupKey, c.view FROM c")
    .fetchAll();
  return new Map(resources.filter((r) => !r.groupKey.startsWith("status:")).map((r) => [`${r.groupKey} ${r.id}`, JSON.stringify(r.view)]));
}

const a1 = change("pa", 1, "OrderRequested", requestedData("pa", 50031, 10001));
const b1 = change("pb", 1, "OrderRequested", requestedData("pb", 50031, 10001, [{ article: "Fanta Orange", quantity: 2, price: 2.5 }]));
const a2 = change("pa", 2, "OrderAccepted", {});
const b2 = change("pb", 2, "OrderCancelled", { reason: "no longer needed" });
const a3 = change("pa", 3, "OrderArticlesUpdated", { articles: [{ article: "Club-Mate", quantity: 4, price: 3.2 }] });
const poison = change("pc", 1, "OrderAccepted", {});
const c2 = change("pc", 2, "OrderRequested", requestedData("pc", 50032, 10001));

describe(`projector handler on trigger-shaped batches (${REAL_COSMOS ? "COSMOS_ENDPOINT" : "cosmosdb-server"})`, () => {
  it("interleaved streams, duplicates and a whole batch delivered again give the views of one clean pass", async () => {
    const clean = await setup();
    await clean.handler([a1, b1, a2, b2, a3, poison, c2], clean.context());

    const messy = await setup();
    await messy.handler([b1, a1, a1], messy.context());
    await messy.handler([a2, b2, b1], messy.context());
    await messy.handler([a2, b2, b1], messy.context()); // the trigger redelivers a whole batch
    await messy.handler([poison, a3, c2, a2], messy.context());

    const expected = await viewsOf(clean.containers.views);
    expect(await viewsOf(messy.containers.views)).toEqual(expected);
    expect(await customerView(clean.ports.views, 50031)).toMatchObject({ totalOrders: 2 });
    expect(await hubDayView(clean.ports.views, 10001, "2026-11-27")).toMatchObject({
      ordersRequested: 3,
      ordersCancelled: 1,
      articles: { "Club-Mate": 4, Mojito: 2 },
    });
    expect(messy.logs.some((l) => /ProjectionBatch lagMs=1000 events=3 applied=0 duplicates=3/.test(l))).toBe(true);
  });

  it("dead-letters the poison event with its reason, once, and projects the stream's later events", async () => {
    const { ports, handler, context } = await setup();
    await handler([poison, c2], context());
    await handler([poison, c2], context());
    expect(await ports.deadLetters.count()).toBe(1);
    const [letter] = await ports.deadLetters.list(10);
    expect(letter?.reason).toBe("OrderAccepted for order pc, which was never requested");
    expect(await orderSummary(ports.views, "pc")).toMatchObject({ version: 2, order: { status: "REQUESTED" } });
  });

  it("two instances racing on the same documents both land: 412s are retried, nothing is lost", async () => {
    const { ports, containers, handler: seed, context } = await setup();
    // The customer's header exists before the race, so the losing write is a replace conditional
    // on a stale etag, which Cosmos DB refuses with 412.
    await seed([change("race-seed", 1, "OrderRequested", requestedData("race-seed", 50040, 10002))], context());
    const contested = viewKeys.customer(50040);
    // The race is staged so that the conflict happens on every run: the first instance reads the
    // customer, the second commits to it, and only then does the first commit what it planned
    // from its now stale read.
    const firstRead = Promise.withResolvers<undefined>();
    const secondCommitted = Promise.withResolvers<undefined>();
    const firstCommits: ("conflict" | "landed")[] = [];
    const instance = (role: "first" | "second") => {
      const views = new CosmosViewStore(containers.views);
      let staged = false;
      const commit = async (group: string, ops: readonly ViewOp[]) => {
        if (group !== contested) return views.commit(group, ops);
        const stage = !staged;
        staged = true;
        if (role === "second") {
          if (stage) await firstRead.promise;
          const written = await views.commit(group, ops);
          secondCommitted.resolve(undefined);
          return written;
        }
        if (stage) await secondCommitted.promise;
        try {
          const written = await views.commit(group, ops);
          firstCommits.push("landed");
          return written;
        } catch (error) {
          if (error instanceof ViewWriteConflictError) firstCommits.push("conflict");
          throw error;
        }
      };
      return createProjectorHandler({
        ...ports,
        views: {
          kind: views.kind,
          maxOpsPerCommit: views.maxOpsPerCommit,
          read: async <T>(group: string, ids: readonly string[]) => {
            const rows = await views.read<T>(group, ids);
            if (role === "first" && group === contested) firstRead.resolve(undefined);
            return rows;
          },
          commit,
          page: (group, after, limit) => views.page(group, after, limit),
          top: (kind, limit) => views.top(kind, limit),
        },
      });
    };
    const [first, second] = [instance("first"), instance("second")];
    const orders = Array.from({ length: 12 }, (_, n) => change(`race-${n}`, 1, "OrderRequested", requestedData(`race-${n}`, 50040, 10002)));
    await Promise.all([
      first(
        orders.filter((_, n) => n % 2 === 0),
        context(),
      ),
      second(
        orders.filter((_, n) => n % 2 === 1),
        context(),
      ),
    ]);
    // The first instance's staged write was refused, and a later attempt landed: it was retried.
    expect(firstCommits[0]).toBe("conflict");
    expect(firstCommits.at(-1)).toBe("landed");
    expect((await customerView(ports.views, 50040))?.totalOrders).toBe(13);
    expect((await customerView(ports.views, 50040))?.orders).toHaveLength(13);
    expect((await hubDayView(ports.views, 10002, "2026-11-27"))?.ordersRequested).toBe(13);
  });

  it("throws on a store failure so the trigger's retry policy delivers the batch again", async () => {
    const { ports, handler, context } = await setup();
    let failing = true;
    const flaky = createProjectorHandler({
      ...ports,
      views: {
        kind: "flaky",
        maxOpsPerCommit: ports.views.maxOpsPerCommit,
        read: (group, ids) =>
          failing ? Promise.reject(Object.assign(new Error("bad request"), { code: 400 })) : ports.views.read(group, ids),
        commit: (group, ops) => ports.views.commit(group, ops),
        page: (group, after, limit) => ports.views.page(group, after, limit),
        top: (kind, limit) => ports.views.top(kind, limit),
      },
    });
    await expect(flaky([a1], context())).rejects.toThrow("bad request");
    failing = false;
    await flaky([a1], context());
    await handler([a1], context());
    expect((await orderSummary(ports.views, "pa"))?.version).toBe(1);
  });

  it("reports documents that are not events instead of skipping them silently", async () => {
    const { handler, context, logs } = await setup();
    await handler([{ id: "stray", note: "not an event" }], context());
    expect(logs.some((l) => l.startsWith("error") && l.includes("not an event"))).toBe(true);
  });
});
