/**
 * The one error family of the API. Each kind has a stable RFC 9457 `type`, a title and a status;
 * the application throws Problems, and the HTTP layer renders them as application/problem+json.
 */
export const PROBLEM_CATALOGUE = {
  "invalid-json": [400, "The request body is not valid JSON"],
  "malformed-request": [400, "Malformed HTTP request"],
  "validation-failed": [400, "The request does not match the expected shape"],
  "unknown-event-type": [400, "Unknown event type"],
  "invalid-stream-id": [400, "Invalid stream id"],
  "duplicate-event-ids": [400, "Duplicate eventIds in one request"],
  "too-many-events": [400, "An append takes 1 to 100 events"],
  "invalid-identifier": [400, "Invalid identifier in the path"],
  "stream-not-found": [404, "Stream not found"],
  "order-not-found": [404, "Order not found"],
  "view-not-found": [404, "View not found"],
  "route-not-found": [404, "No such route"],
  "method-not-allowed": [405, "Method not allowed on this route"],
  "wrong-expected-version": [409, "The stream is not at the expected version"],
  "event-id-conflict": [409, "eventIds already used elsewhere in this stream"],
  "order-exists": [409, "The order already exists"],
  "precondition-failed": [412, "If-Match does not match the current version"],
  "payload-too-large": [413, "Request body over 1 MiB"],
  "headers-too-large": [431, "Request headers too large"],
  "unsupported-media-type": [415, "The request body must be application/json"],
  "lifecycle-violation": [422, "The order's lifecycle forbids this command"],
  "internal-error": [500, "Internal error"],
  "unreadable-event": [500, "A stored event matches no known schema version"],
  "store-unavailable": [503, "The store is busy or unreachable; retry later"],
} as const satisfies Record<string, readonly [number, string]>;

export type ProblemKind = keyof typeof PROBLEM_CATALOGUE;

export const PROBLEM_TYPE_BASE = "urn:eventsourcing-azure:problem:";

export class Problem extends Error {
  readonly status: number;
  readonly title: string;
  constructor(
    readonly kind: ProblemKind,
    readonly detail: string,
    /** Extra members of the problem document, e.g. currentVersion. */
    readonly extensions: Readonly<Record<string, unknown>> = {},
    /** Response headers that go with it, e.g. Retry-After. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    [this.status, this.title] = PROBLEM_CATALOGUE[kind];
  }

  toJSON(): Record<string, unknown> {
    return { ...this.extensions, type: `${PROBLEM_TYPE_BASE}${this.kind}`, title: this.title, status: this.status, detail: this.detail };
  }
}
