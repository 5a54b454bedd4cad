import type { ProblemKind } from "../application/problems.js";
import type { Schema } from "../domain/schema.js";

/** Response headers the API sends, described once in the document's components. */
export type ResponseHeader = "etag" | "location" | "retry-after";

/** One success response of an operation. */
export interface SuccessDoc {
  readonly description: string;
  /** The JSON body; a zod schema, converted to JSON Schema with the rest of the document. */
  readonly body: Schema;
  /** Media type of the body; application/json unless said otherwise. */
  readonly mediaType?: string;
  readonly headers?: readonly ResponseHeader[];
}

/**
 * What the OpenAPI document says about one route, written beside the route in routes.ts.
 * Schemas are the same zod schemas the handlers validate with, so the document cannot drift
 * from what is accepted.
 */
export interface OperationDoc {
  readonly summary: string;
  readonly description?: string;
  /** Groups operations in the document: "store", "orders", "views", "operations". */
  readonly tag: "store" | "orders" | "views" | "operations";
  /** Schemas of the `{name}` segments of the route template. */
  readonly pathParams?: Readonly<Record<string, Schema>>;
  readonly query?: Readonly<Record<string, { readonly schema: Schema; readonly description: string }>>;
  /** The request's JSON body; `required: false` where an empty body means `{}`. */
  readonly body?: { readonly schema: Schema; readonly required: boolean };
  /** Takes `If-Match: "<version>"`, answered 412 on a mismatch. */
  readonly ifMatch?: boolean;
  /** Success responses by status. */
  readonly responses: Readonly<Record<number, SuccessDoc>>;
  /**
   * The problems this route's own code can answer. Those of reading a body, of the server
   * itself (malformed requests, oversized headers, internal errors, an unavailable store) are
   * added by the generator to every operation that can meet them.
   */
  readonly problems: readonly ProblemKind[];
  /** False for routes that never reach the store, which then cannot answer 503. */
  readonly touchesStore?: false;
}
