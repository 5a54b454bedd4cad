import { Validator } from "@seriousme/openapi-schema-validator";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppDependencies } from "../../functions/src/handlers/dependencies.js";
import type { LocalApp } from "../../functions/src/local/local-app.js";
import { PROBLEM_TYPE_BASE } from "../../functions/src/application/problems.js";
import { createRoutes } from "../../functions/src/handlers/routes.js";
import { startLocalApp } from "../../functions/src/local/local-app.js";
import { openApiDocument } from "../../functions/src/openapi/openapi-document.js";

interface Operation {
  operationId: string;
  parameters: { $ref?: string; name?: string; in?: string }[];
  security: Record<string, string[]>[];
  responses: Record<
    string,
    { headers?: Record<string, unknown>; content?: Record<string, { schema: { properties?: { type?: { enum: string[] } } } }> }
  >;
  requestBody?: unknown;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { headers: Record<string, unknown>; parameters: Record<string, unknown>; schemas: Record<string, unknown> };
}

let app: LocalApp;
let dataDir: string;
let served: Document;
let contentType: string | null;
const inert = {} as AppDependencies;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "es-openapi-"));
  app = await startLocalApp({ dataDir, port: 0, log: () => undefined });
  const response = await fetch(`http://127.0.0.1:${app.port}/api/openapi.json`);
  expect(response.status).toBe(200);
  contentType = response.headers.get("content-type");
  served = (await response.json()) as Document;
});
afterAll(async () => {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const operations = (document: Document) =>
  Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
  );

describe("GET /api/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document, by @seriousme/openapi-schema-validator", async () => {
    expect(contentType).toMatch(/^application\/json/);
    const validator = new Validator();
    const result = await validator.validate(served as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("is the document generated from the route table, which the end-to-end tests hold responses to", () => {
    const generated = openApiDocument(createRoutes(inert), "1.0.0") as unknown as Document & { info: { version: string } };
    expect(served).toEqual({ ...generated, info: { ...generated.info, version: (served as unknown as typeof generated).info.version } });
  });

  it("has one operation per registered route and method, and no operation without a route", () => {
    const registered = createRoutes(inert).flatMap((route) => route.methods.map((method) => `${method} /api/${route.route} ${route.name}`));
    const documented = operations(served).map(({ path, method, operation }) => `${method} ${path} ${operation.operationId}`);
    expect(documented.sort()).toEqual(registered.sort());
  });

  it("asks for a function key exactly where Azure does", () => {
    for (const route of createRoutes(inert)) {
      const operation = served.paths[`/api/${route.route}`]?.[route.methods[0]?.toLowerCase() ?? ""];
      expect(operation?.security, route.name).toEqual(
        route.authLevel === "anonymous" ? [] : [{ functionKeyHeader: [] }, { functionKeyQuery: [] }],
      );
      expect(Object.keys(operation?.responses ?? {}).includes("401"), route.name).toBe(route.authLevel === "function");
    }
  });

  it("documents problems with their type URNs, ETag and If-Match, and x-request-charge on every response", () => {
    for (const { operation } of operations(served)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (status === "401") continue;
        expect(response.headers, `${operation.operationId} ${status}`).toHaveProperty("x-request-charge");
        if (Number(status) >= 400) {
          const types = response.content?.["application/problem+json"]?.schema.properties?.type?.enum ?? [];
          expect(types.length, `${operation.operationId} ${status}`).toBeGreaterThan(0);
          for (const type of types) expect(type).toMatch(new RegExp(`^${PROBLEM_TYPE_BASE}[a-z-]+$`));
        }
      }
      // Every operation can meet a malformed request and an internal error.
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(["400", "431", "500"]));
    }
    const append = served.paths["/api/streams/{streamId}/events"]?.post;
    expect(append?.responses["201"]?.headers).toHaveProperty("ETag");
    expect(append?.responses["409"]?.content?.["application/problem+json"]?.schema.properties?.type?.enum).toEqual([
      `${PROBLEM_TYPE_BASE}wrong-expected-version`,
      `${PROBLEM_TYPE_BASE}event-id-conflict`,
    ]);
    expect(append?.responses["415"]).toBeDefined();
    expect(append?.responses["413"]).toBeDefined();
    const accept = served.paths["/api/orders/{orderNumber}/accept"]?.post;
    expect(accept?.parameters).toContainEqual({ $ref: "#/components/parameters/IfMatch" });
    expect(accept?.responses["412"]?.content?.["application/problem+json"]?.schema.properties?.type?.enum).toEqual([
      `${PROBLEM_TYPE_BASE}precondition-failed`,
    ]);
    expect(accept?.responses["422"]).toBeDefined();
    expect(served.paths["/api/orders"]?.post?.responses["201"]?.headers).toHaveProperty("Location");
    expect(served.paths["/api/orders"]?.post?.responses["503"]?.headers).toHaveProperty("Retry-After");
    expect(Object.keys(served.components.headers).sort()).toEqual(["ETag", "Location", "Retry-After", "x-request-charge"]);
  });

  it("describes request bodies with the zod schemas the handlers validate with", () => {
    const placeOrder = served.paths["/api/orders"]?.post?.requestBody as {
      content: { "application/json": { schema: { required: string[]; additionalProperties: boolean } } };
    };
    expect(placeOrder.content["application/json"].schema.required.sort()).toEqual(["articles", "customer", "hubId"]);
    expect(placeOrder.content["application/json"].schema.additionalProperties).toBe(false);
    expect(Object.keys(served.components.schemas)).toEqual(expect.arrayContaining(["Problem", "OrderRequestedData", "OrderDeliveredData"]));
    // Path parameters carry the patterns the handlers check.
    const streamParam = served.paths["/api/streams/{streamId}/events"]?.get?.parameters.find((p) => p.name === "streamId") as
      { schema: { pattern: string } } | undefined;
    expect(streamParam?.schema.pattern).toBe("^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$");
  });
});
