import type { AppDependencies } from "../../functions/src/handlers/dependencies.js";
import type { RouteDefinition } from "../../functions/src/handlers/routes.js";
import { PROBLEM_TYPE_BASE } from "../../functions/src/application/problems.js";
import { formatIssues } from "../../functions/src/domain/schema.js";
import { createRoutes } from "../../functions/src/handlers/routes.js";
import { openApiDocument } from "../../functions/src/openapi/openapi-document.js";
import { problemSchema } from "../../functions/src/openapi/response-schemas.js";

interface OpenApiOperation {
  readonly operationId: string;
  readonly responses: Record<string, { content?: Record<string, { schema?: { properties?: { type?: { enum?: string[] } } } }> }>;
}
export type OpenApiPaths = Record<string, Record<string, OpenApiOperation>>;

/** Dependencies that fail if touched: the route table is built only to read its docs. */
const inert = new Proxy({} as AppDependencies, {
  get: () => () => {
    throw new Error("route docs only: no handler runs here");
  },
});
const routes = createRoutes(inert);
const routesByName = new Map<string, RouteDefinition>(routes.map((route) => [route.name, route]));
let generated: OpenApiPaths | undefined;

/**
 * The paths of the document GET /api/openapi.json serves, generated here from the same route
 * table rather than fetched from each server under test: a server killed mid-test costs no
 * request, and tests/openapi/openapi-document.test.ts checks that the served document is this one.
 */
export function servedPaths(): OpenApiPaths {
  generated ??= (openApiDocument(routes, "test") as { paths: OpenApiPaths }).paths;
  return generated;
}

/** Matches a request path to a documented path the way the Functions host does: literals ignore case. */
export function documentedPath(paths: OpenApiPaths, pathname: string): string | undefined {
  const parts = pathname.split("/");
  return Object.keys(paths).find((template) => {
    const segments = template.split("/");
    return (
      segments.length === parts.length &&
      segments.every((segment, i) =>
        segment.startsWith("{") ? (parts[i] ?? "") !== "" : segment.toLowerCase() === parts[i]?.toLowerCase(),
      )
    );
  });
}

/**
 * Why a response is not what the served OpenAPI document says, or undefined when it is: the
 * status must be documented for the operation (404 and 405 for paths and methods it lacks),
 * a problem's `type` must be one listed for that status, and a JSON body of a success must
 * match the route's documented schema.
 */
export function undocumented(paths: OpenApiPaths, method: string, url: URL, status: number, body: unknown): string | undefined {
  const where = `${method} ${url.pathname}`;
  const template = documentedPath(paths, url.pathname);
  const operation = template === undefined ? undefined : paths[template]?.[method.toLowerCase()];
  if (!operation) {
    const expected = template === undefined ? 404 : 405;
    return status === expected
      ? undefined
      : `${where} answered ${status}; a ${template === undefined ? "path" : "method"} the document lacks must answer ${expected}`;
  }
  const documented = operation.responses[String(status)];
  if (!documented)
    return `${where} answered ${status}, which /api/openapi.json does not document for ${operation.operationId} (documented: ${Object.keys(operation.responses).join(", ")})`;
  if (status >= 400) {
    const parsed = problemSchema.safeParse(body);
    if (!parsed.success) return `${where} answered ${status} with a body that is not a problem document: ${formatIssues(parsed.error)}`;
    const types = documented.content?.["application/problem+json"]?.schema?.properties?.type?.enum ?? [];
    if (!types.includes(parsed.data.type))
      return `${where} answered ${status} ${parsed.data.type.slice(PROBLEM_TYPE_BASE.length)}, not documented for ${operation.operationId} (documented: ${types.join(", ")})`;
    return undefined;
  }
  const schema = routesByName.get(operation.operationId)?.doc.responses[status]?.body;
  if (!schema) return `${operation.operationId} is in the document but not in the route table`;
  const parsed = schema.safeParse(body);
  return parsed.success
    ? undefined
    : `${where} answered ${status} with a body that does not match its documented schema: ${formatIssues(parsed.error)}`;
}
