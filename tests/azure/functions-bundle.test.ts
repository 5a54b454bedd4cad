import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { promisify } from "node:util";
import yauzl from "yauzl";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuildResult } from "../../scripts/build-functions.js";
import type { CosmosTestEndpoint } from "../support/cosmos-test-endpoint.js";
import type { EmulatedWorker } from "../support/emulated-functions-worker.js";
import { BUNDLE_BUDGET_BYTES, buildFunctions } from "../../scripts/build-functions.js";
import { createContainer, startCosmosTestEndpoint } from "../support/cosmos-test-endpoint.js";
import { viewsContainerOf } from "../../functions/src/generations/view-generations.js";
import { loadUnderEmulatedWorker } from "../support/emulated-functions-worker.js";
import { requestedData } from "../support/orders.js";

let built: BuildResult;
let outDir: string;
let cosmos: CosmosTestEndpoint;
let identity: Server;
const tokenRequests: { url: string; header: string | undefined }[] = [];
let worker: EmulatedWorker;
let databaseId: string;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), "es-bundle-"));
  built = await buildFunctions(outDir);
  // Bearer tokens go only over TLS; cosmosdb-server's certificate has expired. This test file
  // runs in its own process, so accepting that certificate here touches nothing else.
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
  // The app authenticates with Entra tokens, which an emulator's key-only endpoint does not take:
  // this test always runs on the in-process server.
  cosmos = await startCosmosTestEndpoint({ tls: true, local: true });
  const { database } = await cosmos.createDatabase();
  databaseId = database.id;
  // Two live generations of the views, as during a rebuild: generation 2 beside generation 1.
  await createContainer(database, viewsContainerOf(1));
  await createContainer(database, viewsContainerOf(2));
  // A stand-in for the Functions host's managed identity endpoint.
  identity = createServer((request, response) => {
    tokenRequests.push({ url: request.url ?? "", header: request.headers["x-identity-header"] as string | undefined });
    response.setHeader("content-type", "application/json");
    response.end(
      JSON.stringify({
        access_token: "token-from-managed-identity",
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        token_type: "Bearer",
      }),
    );
  });
  await new Promise<void>((resolve) => identity.listen(0, "127.0.0.1", resolve));
  Object.assign(process.env, {
    COSMOS__accountEndpoint: cosmos.endpoint,
    COSMOS__credential: "managedidentity",
    COSMOS__clientId: "00000000-0000-0000-0000-0000000000c1",
    COSMOS_DATABASE: databaseId,
    IDENTITY_ENDPOINT: `http://127.0.0.1:${(identity.address() as AddressInfo).port}/msi/token`,
    IDENTITY_HEADER: "identity-secret",
    VIEWS_GENERATIONS: "1,2",
  });
  worker = loadUnderEmulatedWorker(join(built.folder, "main.js"));
});

afterAll(async () => {
  await cosmos.close();
  await new Promise((resolve) => identity.close(resolve));
  rmSync(outDir, { recursive: true, force: true });
});

const EXPECTED_ROUTES: [string, string, string][] = [
  ["appendEvents", "POST", "streams/{streamId}/events"],
  ["readStream", "GET", "streams/{streamId}/events"],
  ["placeOrder", "POST", "orders"],
  ["getOrder", "GET", "orders/{orderNumber}"],
  ["acceptOrder", "POST", "orders/{orderNumber}/accept"],
  ["updateOrderArticles", "PUT", "orders/{orderNumber}/articles"],
  ["startPicking", "POST", "orders/{orderNumber}/start-picking"],
  ["dispatchOrder", "POST", "orders/{orderNumber}/dispatch"],
  ["deliverOrder", "POST", "orders/{orderNumber}/deliver"],
  ["cancelOrder", "POST", "orders/{orderNumber}/cancel"],
  ["getCustomerView", "GET", "views/customers/{customerId}"],
  ["getTopCustomers", "GET", "views/customers"],
  ["getHubDayView", "GET", "views/hubs/{hubId}/days/{day}"],
  ["getOrderView", "GET", "views/orders/{orderNumber}"],
  ["readFeed", "GET", "feed"],
  ["health", "GET", "health"],
  ["dashboard", "GET", "dashboard"],
  ["openApi", "GET", "openapi.json"],
];
/** Probes, the API description and the dashboard page (whose data calls carry the key) need none. */
const ANONYMOUS = new Set(["health", "openApi", "dashboard"]);

interface ZipEntryRead {
  readonly name: string;
  /** Unix mode from the central directory's external attributes. */
  readonly mode: number;
  readonly madeByUnix: boolean;
  readonly data: Buffer;
}

/** Reads every entry of a zip with yauzl, which checks each entry's CRC-32 and sizes as it inflates. */
async function readZip(file: string): Promise<ZipEntryRead[]> {
  const zip = await promisify<string, yauzl.Options, yauzl.ZipFile>(yauzl.open)(file, {
    lazyEntries: true,
    strictFileNames: true,
    validateEntrySizes: true,
  });
  const entries: ZipEntryRead[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on("error", reject);
    zip.on("end", () => {
      resolve();
    });
    zip.on("entry", (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) {
          reject(error);
          return;
        }
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("error", reject);
        stream.on("end", () => {
          entries.push({
            name: entry.fileName,
            mode: entry.externalFileAttributes >>> 16,
            madeByUnix: entry.versionMadeBy >> 8 === 3,
            data: Buffer.concat(chunks),
          });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return entries;
}

function triggerOf(name: string): [string, Record<string, unknown>] {
  const bindings = worker.functions.get(name)?.metadata.bindings ?? {};
  const entry = Object.entries(bindings).find(([, b]) => String(b.type).endsWith("Trigger"));
  if (!entry) throw new Error(`${name} has no trigger`);
  return entry;
}

async function invokeHttp(name: string, method: string, url: string, params: Record<string, string>, body?: unknown) {
  const [bindingName] = triggerOf(name);
  const http = {
    method,
    url,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    params,
    query: Object.fromEntries(new URL(url).searchParams),
    ...(body === undefined ? {} : { body: { string: JSON.stringify(body) } }),
  };
  const response = await worker.invoke(name, [{ name: bindingName, data: { http } }]);
  const rpc = response.returnValue?.http;
  const text = Buffer.from(rpc?.body?.bytes ?? new Uint8Array()).toString("utf8");
  return { status: Number(rpc?.statusCode), headers: rpc?.headers ?? {}, body: text === "" ? undefined : JSON.parse(text) };
}

describe("the Functions bundle", () => {
  it("is one CommonJS file within budget, with no node_modules needed, and a reproducible zip", async () => {
    expect(built.bundleBytes).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES);
    const main = readFileSync(join(built.folder, "main.js"), "utf8");
    expect(main).toContain('require("@azure/functions-core")');
    expect(JSON.parse(readFileSync(join(built.folder, "package.json"), "utf8"))).toMatchObject({ main: "main.js", type: "commonjs" });
    expect(JSON.parse(readFileSync(join(built.folder, "host.json"), "utf8"))).toMatchObject({
      version: "2.0",
      extensionBundle: { id: "Microsoft.Azure.Functions.ExtensionBundle", version: "[4.*, 5.0.0)" },
    });
    const again = await buildFunctions(mkdtempSync(join(tmpdir(), "es-bundle-again-")));
    expect(again.sha256).toBe(built.sha256);
  });

  it("zips exactly the app folder's files, sorted, as regular rw-r--r-- files with their content", async () => {
    const entries = await readZip(built.zip);
    expect(entries.map((e) => e.name)).toEqual(["host.json", "main.js", "main.js.LEGAL.txt", "package.json"]);
    for (const entry of entries) {
      expect(entry.madeByUnix, entry.name).toBe(true);
      expect(entry.mode, entry.name).toBe(0o100644);
      expect(entry.data.equals(readFileSync(join(built.folder, entry.name))), entry.name).toBe(true);
    }
    expect(entries.find((e) => e.name === "main.js")?.data.length).toBe(built.bundleBytes);
  });

  it("registers every HTTP route with its method, auth level and an http output", () => {
    expect([...worker.functions.keys()].sort()).toEqual(
      [...EXPECTED_ROUTES.map(([name]) => name), "projectViews", "projectViewsG2"].sort(),
    );
    for (const [name, method, route] of EXPECTED_ROUTES) {
      const [, trigger] = triggerOf(name);
      expect(trigger, name).toMatchObject({
        type: "httpTrigger",
        direction: "in",
        route,
        methods: [method],
        authLevel: ANONYMOUS.has(name) ? "anonymous" : "function",
      });
      const output = Object.values(worker.functions.get(name)?.metadata.bindings ?? {}).find((b) => b.direction === "out");
      expect(output, name).toMatchObject({ type: "http" });
    }
  });

  it("serves the dashboard page built ahead of time, with its content security policy", async () => {
    const [bindingName] = triggerOf("dashboard");
    const http = { method: "GET", url: "http://localhost/api/dashboard", headers: {}, params: {}, query: {} };
    const response = await worker.invoke("dashboard", [{ name: bindingName, data: { http } }]);
    const rpc = response.returnValue?.http;
    const html = Buffer.from(rpc?.body?.bytes ?? new Uint8Array()).toString("utf8");
    expect(Number(rpc?.statusCode)).toBe(200);
    expect(html).toContain("<h1>Orders, live</h1>");
    expect(html).toMatch(/<script>.+<\/script>/s);
    expect(JSON.stringify(rpc?.headers)).toContain("default-src 'none'");
  });

  it.each([
    ["projectViews", "views-g1-"],
    ["projectViewsG2", "views-g2-"],
  ])(
    "registers the change-feed projector %s with its own lease prefix, no container creation, a short poll and an unlimited retry",
    (name, leaseContainerPrefix) => {
      const [, trigger] = triggerOf(name);
      expect(trigger).toMatchObject({
        type: "cosmosDBTrigger",
        direction: "in",
        connection: "COSMOS",
        databaseName: databaseId,
        containerName: "events",
        leaseContainerName: "leases",
        leaseContainerPrefix,
        createLeaseContainerIfNotExists: false,
        startFromBeginning: true,
      });
      expect(trigger.feedPollDelay).toBeLessThanOrEqual(500);
      expect(trigger.maxItemsPerInvocation).toBeGreaterThan(0);
      expect(worker.functions.get(name)?.metadata.retryOptions).toMatchObject({ retryStrategy: "exponentialBackoff", maxRetryCount: -1 });
    },
  );

  it("appends through the HTTP function with a managed identity token, projects through the trigger, serves the view", async () => {
    const orderNumber = "bundle-1";
    const appended = await invokeHttp(
      "appendEvents",
      "POST",
      `http://localhost/api/streams/order-${orderNumber}/events`,
      { streamId: `order-${orderNumber}` },
      {
        expectedVersion: "no_stream",
        events: [
          { type: "OrderRequested", data: requestedData(orderNumber, 50077, 10007) },
          { type: "OrderAccepted", data: { orderNumber } },
        ],
      },
    );
    expect(appended.status).toBe(201);
    expect(appended.body).toMatchObject({ streamId: `order-${orderNumber}`, firstVersion: 1, lastVersion: 2 });
    expect(Number(appended.headers["x-request-charge"])).toBeGreaterThan(0);
    expect(tokenRequests.length).toBeGreaterThan(0);
    expect(tokenRequests[0]?.header).toBe("identity-secret");
    expect(tokenRequests[0]?.url).toContain("client_id=00000000-0000-0000-0000-0000000000c1");
    expect(new URL(tokenRequests[0]?.url ?? "", "http://x").searchParams.get("resource")).toMatch(/^https:\/\//);

    // The change feed hands the projector the stored documents, system fields and all.
    const { resources } = await cosmos.client.database(databaseId).container("events").items.query({ query: "SELECT * FROM c" }).fetchAll();
    const [projector] = triggerOf("projectViews");
    await worker.invoke("projectViews", [{ name: projector, data: { json: JSON.stringify(resources) } }]);
    expect(worker.logs.some((l) => /ProjectionBatch lagMs=\d+ events=2 applied=2/.test(l))).toBe(true);

    const view = await invokeHttp("getOrderView", "GET", `http://localhost/api/views/orders/${orderNumber}`, { orderNumber });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ orderNumber, status: "ACCEPTED", customerId: 50077, hubId: 10007, version: 2 });
    const health = await invokeHttp("health", "GET", "http://localhost/api/health", {});
    expect(health.body).toMatchObject({ store: "cosmos", views: "cosmos", deadLetters: 0 });
    expect(health.body.projection.lagMs).toBeGreaterThanOrEqual(0);
    // Generation 2 has projected nothing yet: generation 1 serves.
    expect(health.body.projection).toMatchObject({
      servingGeneration: 1,
      generations: [
        { generation: 1, serving: true },
        { generation: 2, serving: false, position: null },
      ],
    });
    const g2 = cosmos.client.database(databaseId).container("views-g2");
    expect((await g2.item("header", `order:${orderNumber}`).read()).statusCode).toBe(404);
  });

  it("builds generation 2 through its own trigger, then switches reads to it once it has caught up, for good", async () => {
    const { resources } = await cosmos.client.database(databaseId).container("events").items.query({ query: "SELECT * FROM c" }).fetchAll();
    const [projector] = triggerOf("projectViewsG2");
    await worker.invoke("projectViewsG2", [{ name: projector, data: { json: JSON.stringify(resources) } }]);
    const health = await invokeHttp("health", "GET", "http://localhost/api/health", {});
    expect(health.body.projection).toMatchObject({
      servingGeneration: 2,
      generations: [
        { generation: 1, serving: false },
        { generation: 2, serving: true },
      ],
    });
    expect(health.body.projection.generations[1].position).toBe(health.body.projection.generations[0].position);
    // The switch is recorded in generation 2's container, for every instance to see.
    const g2 = cosmos.client.database(databaseId).container("views-g2");
    expect((await g2.item("header", "status:serving").read()).resource).toMatchObject({
      kind: "status",
      view: { since: expect.any(String) },
    });
    // Reads now come from generation 2: with the order gone from generation 1, it is still served.
    await cosmos.client.database(databaseId).container("views-g1").item("header", "order:bundle-1").delete();
    const view = await invokeHttp("getOrderView", "GET", "http://localhost/api/views/orders/bundle-1", { orderNumber: "bundle-1" });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ orderNumber: "bundle-1", status: "ACCEPTED", version: 2 });
  });

  it("serves the OpenAPI document with one operation per registered HTTP function, and none other", async () => {
    const served = await invokeHttp("openApi", "GET", "http://localhost/api/openapi.json", {});
    expect(served.status).toBe(200);
    const documented = Object.entries(served.body.paths as Record<string, Record<string, { operationId: string }>>).flatMap(
      ([path, byMethod]) =>
        Object.entries(byMethod).map(([method, operation]) => `${operation.operationId} ${method.toUpperCase()} ${path}`),
    );
    const registered = [...worker.functions.keys()].flatMap((name) => {
      const [, trigger] = triggerOf(name);
      return trigger.type === "httpTrigger" ? [`${name} ${String((trigger.methods as string[])[0])} /api/${String(trigger.route)}`] : [];
    });
    expect(documented.sort()).toEqual(registered.sort());
  });
});
