import type { HttpHandler } from "@azure/functions";
import type { AppDependencies } from "../handlers/dependencies.js";
import { Problem } from "../application/problems.js";
import { formatIssues, z } from "../domain/schema.js";
import { json } from "../handlers/http-responses.js";
import { withProblems } from "../handlers/with-problems.js";

export const RECENT_EVENTS_MAX_LIMIT = 200;

/** GET /api/feed query: `after` is the opaque cursor of the previous page, `limit` 1-200 (default 50). */
export const recentEventsQuerySchema = z.strictObject({
  after: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,4096}$/, "after must be the `next` cursor of a previous page"))),
  limit: z.optional(
    z.string().check(z.regex(/^(?:[1-9]\d{0,1}|1\d\d|200)$/, `limit must be an integer from 1 to ${RECENT_EVENTS_MAX_LIMIT}`)),
  ),
});

/** GET /api/feed?after=<cursor>&limit=50: events across all streams, oldest first, and the cursor to poll with. */
export function recentEventsHandler(deps: AppDependencies): HttpHandler {
  return withProblems(async (request) => {
    // Only the parameters we know: on Azure `code` (the function key) may ride along.
    const after = request.query.get("after");
    const limit = request.query.get("limit");
    const parsed = recentEventsQuerySchema.safeParse({ ...(after === null ? {} : { after }), ...(limit === null ? {} : { limit }) });
    if (!parsed.success) throw new Problem("validation-failed", formatIssues(parsed.error));
    const page = await deps.recentEvents.read(parsed.data.after, Number(parsed.data.limit ?? "50"));
    if (page === "invalid-cursor") throw new Problem("validation-failed", "after must be the `next` cursor of a previous page");
    return json(200, page, { "cache-control": "no-store" });
  });
}
