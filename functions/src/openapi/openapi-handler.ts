import type { HttpHandler } from "@azure/functions";
import type { RouteDefinition } from "../handlers/routes.js";
import { openApiDocument } from "./openapi-document.js";

/** The document's version: the HTTP API's, which changes only by additions. */
const API_VERSION = "1.0.0";

/**
 * GET /api/openapi.json. The document describes `routes` as they are when first asked for,
 * the openapi route included, and is generated once per process.
 */
export function openApiHandler(routes: readonly RouteDefinition[]): HttpHandler {
  let body: string | undefined;
  return () => {
    body ??= JSON.stringify(openApiDocument(routes, API_VERSION));
    return Promise.resolve({ status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body });
  };
}
