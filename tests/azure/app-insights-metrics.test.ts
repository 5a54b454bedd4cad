import type { AddressInfo } from "node:net";
import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MetricSink } from "../../functions/src/azure/app-insights-metrics.js";
import type { ProjectionPorts } from "../../functions/src/projections/projection-engine.js";
import type { CosmosTestEndpoint } from "../support/cosmos-test-endpoint.js";
import {
  AppInsightsMetrics,
  ingestionTargetOf,
  metricsFromAppSettings,
  NO_METRICS,
  PROJECTION_LAG_METRIC,
} from "../../functions/src/azure/app-insights-metrics.js";
import { createProjectorHandler } from "../../functions/src/azure/projector-handler.js";
import { CosmosEventStore } from "../../functions/src/eventstore/cosmos/cosmos-event-store.js";
import { toEventDocument } from "../../functions/src/eventstore/cosmos/event-document.js";
import { CosmosDeadLetters } from "../../functions/src/projections/cosmos/cosmos-dead-letters.js";
import { CosmosViewStore } from "../../functions/src/projections/cosmos/cosmos-view-store.js";
import { InvocationContext } from "../../functions/src/shared/azure-functions-runtime.js";
import { startCosmosTestEndpoint } from "../support/cosmos-test-endpoint.js";
import { requestedData } from "../support/orders.js";
import { orderSummary } from "../projections/read-views.js";

/** A fake of the two endpoints a Function App talks to: its managed identity endpoint and Application Insights ingestion. */
interface Received {
  tokenRequests: URL[];
  tracks: { authorization: string | undefined; body: unknown }[];
}
let server: ReturnType<typeof createServer>;
let base: string;
let received: Received;
let ingestionStatus = 200;
beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      if (url.pathname === "/msi/token" && req.headers["x-identity-header"] === "identity-secret") {
        received.tokenRequests.push(url);
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ access_token: "entra-token", expires_on: String(Math.floor(Date.now() / 1000) + 3600) }));
      } else if (url.pathname === "/v2.1/track" && req.method === "POST") {
        received.tracks.push({ authorization: req.headers.authorization, body: JSON.parse(body) });
        res
          .writeHead(ingestionStatus, { "content-type": "application/json" })
          .end(JSON.stringify({ itemsReceived: 1, itemsAccepted: ingestionStatus === 200 ? 1 : 0, errors: [] }));
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    }),
);

/** The app settings the stack gives the Function App, pointed at the fake endpoints. */
const appSettings = () => ({
  APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=ikey-1;IngestionEndpoint=${base}/;LiveEndpoint=https://live.example/`,
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "Authorization=AAD;ClientId=client-of-the-identity",
  IDENTITY_ENDPOINT: `${base}/msi/token`,
  IDENTITY_HEADER: "identity-secret",
});

describe("projection lag as an Application Insights metric", () => {
  it("reads the ingestion endpoint and key from a connection string", () => {
    expect(
      ingestionTargetOf(
        "InstrumentationKey=abc;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;LiveEndpoint=https://x/",
      ),
    ).toEqual({
      instrumentationKey: "abc",
      trackUrl: "https://westeurope-5.in.applicationinsights.azure.com/v2.1/track",
    });
    expect(ingestionTargetOf("IngestionEndpoint=https://x/")).toBeUndefined();
    expect(ingestionTargetOf("")).toBeUndefined();
  });

  it("sends a MetricData envelope with the identity's Entra token for the monitor.azure.com audience", async () => {
    received = { tokenRequests: [], tracks: [] };
    ingestionStatus = 200;
    const sink = metricsFromAppSettings(appSettings());
    expect(await sink.track(PROJECTION_LAG_METRIC, 420, { events: "3" })).toBe(true);
    expect(received.tokenRequests).toHaveLength(1);
    expect(received.tokenRequests[0]?.searchParams.get("resource")).toBe("https://monitor.azure.com/");
    expect(received.tokenRequests[0]?.searchParams.get("client_id")).toBe("client-of-the-identity");
    expect(received.tracks).toEqual([
      {
        authorization: "Bearer entra-token",
        body: [
          {
            name: "Microsoft.ApplicationInsights.Metric",
            time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
            iKey: "ikey-1",
            data: {
              baseType: "MetricData",
              baseData: { ver: 2, metrics: [{ name: "ProjectionLagMs", value: 420, count: 1 }], properties: { events: "3" } },
            },
          },
        ],
      },
    ]);
  });

  it("sends nothing without Entra-authenticated telemetry settings", async () => {
    expect(metricsFromAppSettings({})).toBe(NO_METRICS);
    expect(metricsFromAppSettings({ ...appSettings(), APPLICATIONINSIGHTS_AUTHENTICATION_STRING: undefined })).toBe(NO_METRICS);
    expect(await NO_METRICS.track(PROJECTION_LAG_METRIC, 1)).toBe(false);
  });

  it("never throws: a refused metric is reported, and sending pauses for a minute so batches do not wait on it", async () => {
    received = { tokenRequests: [], tracks: [] };
    ingestionStatus = 403;
    let now = 1_000_000;
    const errors: string[] = [];
    const target = ingestionTargetOf(appSettings().APPLICATIONINSIGHTS_CONNECTION_STRING);
    if (target === undefined) throw new Error("no target");
    const sink = new AppInsightsMetrics(
      target,
      { getToken: () => Promise.resolve({ token: "t", expiresOnTimestamp: now + 3_600_000 }) },
      { now: () => now, onError: (m) => errors.push(m) },
    );
    expect(await sink.track(PROJECTION_LAG_METRIC, 1)).toBe(false);
    expect(errors).toEqual([expect.stringContaining("ingestion answered 403")]);
    now += 30_000;
    expect(await sink.track(PROJECTION_LAG_METRIC, 2)).toBe(false);
    expect(received.tracks).toHaveLength(1);
    ingestionStatus = 200;
    now += 31_000;
    expect(await sink.track(PROJECTION_LAG_METRIC, 3)).toBe(true);
    expect(received.tracks).toHaveLength(2);
  });
});

describe("the projector handler", () => {
  let endpoint: CosmosTestEndpoint;
  beforeAll(async () => {
    endpoint = await startCosmosTestEndpoint();
  });
  afterAll(async () => {
    await endpoint.close();
  });

  it("emits each projected batch's lag as the metric, beside the views it wrote", async () => {
    const { containers } = await endpoint.createDatabase();
    const ports: ProjectionPorts = {
      views: new CosmosViewStore(containers.views),
      deadLetters: new CosmosDeadLetters(containers.deadLetters),
      events: new CosmosEventStore({ container: containers.events }),
      now: () => new Date("2026-11-27T10:00:02.500Z"),
    };
    const tracked: { name: string; value: number; properties: Record<string, string> | undefined }[] = [];
    const sink: MetricSink = {
      track: (name, value, properties) => {
        tracked.push({ name, value, properties });
        return Promise.resolve(true);
      },
    };
    const event = {
      eventId: "00000000-0000-4000-8000-00000000a001",
      streamId: "order-m1",
      version: 1,
      type: "OrderRequested",
      data: requestedData("m1"),
      metadata: {},
      recordedAt: "2026-11-27T10:00:00.000Z",
    };
    const handler = createProjectorHandler(ports, sink);
    await handler([{ ...toEventDocument(event), _lsn: 1 }], new InvocationContext({ functionName: "projectViews" }));
    expect(tracked).toEqual([{ name: "ProjectionLagMs", value: 2500, properties: { events: "1" } }]);
    expect(await orderSummary(ports.views, "m1")).toMatchObject({ version: 1 });
    // An empty batch has no lag to report.
    await handler([], new InvocationContext({ functionName: "projectViews" }));
    expect(tracked).toHaveLength(1);
  });
});
