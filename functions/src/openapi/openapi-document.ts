import { toJSONSchema } from "zod/mini";
import type { ProblemKind } from "../application/problems.js";
import type { Schema } from "../domain/schema.js";
import type { RouteDefinition } from "../handlers/routes.js";
import type { OperationDoc, ResponseHeader } from "./operation-doc.js";
import { PROBLEM_CATALOGUE, PROBLEM_TYPE_BASE } from "../application/problems.js";
import { orderEventSchemas } from "../domain/order-events.js";
import { problemSchema } from "./response-schemas.js";

type JsonObject = Record<string, unknown>;

/** Problems any request can meet: the server refusing the request itself, or failing. */
const SERVER_PROBLEMS: readonly ProblemKind[] = ["malformed-request", "headers-too-large", "internal-error"];
/** Problems of reading a JSON body (functions/src/handlers/read-json-body.ts). */
const BODY_PROBLEMS: readonly ProblemKind[] = ["invalid-json", "validation-failed", "payload-too-large", "unsupported-media-type"];
/** Cosmos DB throttled or unreachable past the retry bound. */
const STORE_PROBLEMS: readonly ProblemKind[] = ["store-unavailable"];

const HEADERS: Record<ResponseHeader | "requestCharge", [string, JsonObject]> = {
  etag: [
    "ETag",
    {
      description: 'The stream\'s version after the request, quoted: "3". Send it back in If-Match.',
      schema: { type: "string", pattern: '^"\\d+"$' },
    },
  ],
  location: ["Location", { description: "Path of the order just placed.", schema: { type: "string" } }],
  "retry-after": ["Retry-After", { description: "Seconds to wait before retrying.", schema: { type: "integer", minimum: 1 } }],
  requestCharge: [
    "x-request-charge",
    {
      description:
        "Request units (Cosmos DB) the request spent, on every response that reached the store; absent on the embedded store, which charges none.",
      schema: { type: "string", pattern: "^\\d+(\\.\\d+)?$" },
    },
  ],
};

/**
 * A zod schema as an OpenAPI 3.1 (JSON Schema 2020-12) schema object. As input, so defaults
 * are optional and open response objects stay open to members added later.
 */
function jsonSchema(schema: Schema): JsonObject {
  const { $schema: _dialect, ...converted } = toJSONSchema(schema, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "any",
  }) as JsonObject;
  return converted;
}

const headerRef = (name: ResponseHeader | "requestCharge") => ({
  [HEADERS[name][0]]: { $ref: `#/components/headers/${HEADERS[name][0]}` },
});

function problemResponses(kinds: readonly ProblemKind[]): Record<string, JsonObject> {
  const byStatus = new Map<number, ProblemKind[]>();
  for (const kind of kinds) {
    const [status] = PROBLEM_CATALOGUE[kind];
    byStatus.set(status, [...new Set([...(byStatus.get(status) ?? []), kind])]);
  }
  const responses: Record<string, JsonObject> = {};
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: group.map((kind) => `\`${kind}\`: ${PROBLEM_CATALOGUE[kind][1]}`).join("; "),
      headers: { ...headerRef("requestCharge"), ...(group.includes("store-unavailable") ? headerRef("retry-after") : {}) },
      content: {
        "application/problem+json": {
          schema: {
            allOf: [{ $ref: "#/components/schemas/Problem" }],
            properties: { type: { enum: group.map((kind) => `${PROBLEM_TYPE_BASE}${kind}`) }, status: { const: status } },
          },
        },
      },
    };
  }
  return responses;
}

function parameters(route: RouteDefinition): JsonObject[] {
  const doc = route.doc;
  const names = [...route.route.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? "");
  const path = names.map((name) => {
    const schema = doc.pathParams?.[name];
    if (!schema) throw new Error(`route ${route.name} has no schema for its path parameter {${name}}`);
    return { name, in: "path", required: true, schema: jsonSchema(schema) };
  });
  const query = Object.entries(doc.query ?? {}).map(([name, { schema, description }]) => ({
    name,
    in: "query",
    required: false,
    description,
    schema: jsonSchema(schema),
  }));
  return [...path, ...query, ...(doc.ifMatch ? [{ $ref: "#/components/parameters/IfMatch" }] : [])];
}

function operation(route: RouteDefinition): JsonObject {
  const doc: OperationDoc = route.doc;
  const problems = [
    ...doc.problems,
    ...(doc.body ? BODY_PROBLEMS : []),
    ...(doc.ifMatch ? (["validation-failed", "precondition-failed"] as const) : []),
    ...SERVER_PROBLEMS,
    ...(doc.touchesStore === false ? [] : STORE_PROBLEMS),
  ];
  const responses: Record<string, JsonObject> = {};
  for (const [status, success] of Object.entries(doc.responses)) {
    responses[status] = {
      description: success.description,
      headers: { ...headerRef("requestCharge"), ...Object.assign({}, ...(success.headers ?? []).map(headerRef)) },
      content: { [success.mediaType ?? "application/json"]: { schema: jsonSchema(success.body) } },
    };
  }
  Object.assign(responses, problemResponses(problems));
  if (route.authLevel === "function")
    responses["401"] = {
      description: "On Azure only: no valid function key. The Functions host answers before the function runs, with no body.",
    };
  return {
    operationId: route.name,
    summary: doc.summary,
    ...(doc.description === undefined ? {} : { description: doc.description }),
    tags: [doc.tag],
    security: route.authLevel === "function" ? [{ functionKeyHeader: [] }, { functionKeyQuery: [] }] : [],
    parameters: parameters(route),
    ...(doc.body
      ? { requestBody: { required: doc.body.required, content: { "application/json": { schema: jsonSchema(doc.body.schema) } } } }
      : {}),
    responses,
  };
}

/**
 * The OpenAPI 3.1 description of a route table: every route, its parameters, bodies,
 * responses and problems, converted from the zod schemas the handlers validate with.
 */
export function openApiDocument(routes: readonly RouteDefinition[], version: string): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of routes) {
    const path = `/api/${route.route}`;
    for (const method of route.methods) (paths[path] ??= {})[method.toLowerCase()] = operation(route);
  }
  const eventSchemas = Object.fromEntries(Object.entries(orderEventSchemas).map(([type, schema]) => [`${type}Data`, jsonSchema(schema)]));
  return {
    openapi: "3.1.0",
    info: {
      title: "Event sourcing on Azure: HTTP API",
      version,
      description:
        "The same API on Azure Functions (Cosmos DB) and on the local server (SQLite). Errors are RFC 9457 problem documents whose `type` is stable per kind. A request answered 4xx writes nothing. See docs/http-api.md.",
    },
    tags: [
      { name: "store", description: "Append and read events (the store API)." },
      { name: "orders", description: "Order commands, checked by the order's lifecycle." },
      { name: "views", description: "Materialized views, eventually consistent." },
      { name: "operations", description: "Health and this document." },
    ],
    paths,
    components: {
      schemas: { Problem: jsonSchema(problemSchema), ...eventSchemas },
      headers: Object.fromEntries(Object.values(HEADERS)),
      parameters: {
        IfMatch: {
          name: "If-Match",
          in: "header",
          required: false,
          description:
            'The order stream\'s version the command expects, e.g. "3" (quotes optional, * for any). A mismatch answers 412 with currentVersion; without it, a concurrent change is retried on fresh state.',
          schema: { type: "string" },
        },
      },
      securitySchemes: {
        functionKeyHeader: {
          type: "apiKey",
          in: "header",
          name: "x-functions-key",
          description: "On Azure: a function key. The local server asks for none.",
        },
        functionKeyQuery: { type: "apiKey", in: "query", name: "code", description: "On Azure: a function key in the query string." },
      },
    },
  };
}
