import type { HttpHandler } from "@azure/functions";
import type { AppDependencies } from "./dependencies.js";
import { appendEvents, requireStreamId } from "../application/append-events.js";
import { Problem } from "../application/problems.js";
import { json, versionTag } from "./http-responses.js";
import { readJsonBody } from "./read-json-body.js";
import { withProblems } from "./with-problems.js";

function streamIdOf(params: Record<string, string>): string {
  return requireStreamId(params.streamId ?? "");
}

/** A positive integer query parameter with bounds; absent means the default. */
export function intParam(value: string | null, name: string, min: number, max: number, fallback: number): number {
  if (value === null) return fallback;
  if (!/^\d{1,16}$/.test(value)) throw new Problem("validation-failed", `${name} must be an integer from ${min} to ${max}`);
  const n = Number(value);
  if (n < min || n > max) throw new Problem("validation-failed", `${name} must be an integer from ${min} to ${max}`);
  return n;
}

/** POST /api/streams/{streamId}/events */
export function appendEventsHandler(deps: AppDependencies): HttpHandler {
  return withProblems(async (request) => {
    const streamId = streamIdOf(request.params);
    const body = await readJsonBody(request);
    if (body === undefined) throw new Problem("validation-failed", "the body must be an object with an events array");
    const result = await appendEvents(deps.events, streamId, body, deps.newId);
    const { firstVersion, lastVersion, eventIds } = result;
    // A recognised retry answers 200 with the first result; a new append 201.
    return json(result.replayed ? 200 : 201, { streamId, firstVersion, lastVersion, eventIds }, { etag: versionTag(lastVersion) });
  });
}

/** GET /api/streams/{streamId}/events?fromVersion=1&maxCount=100 */
export function readStreamHandler(deps: AppDependencies): HttpHandler {
  return withProblems(async (request) => {
    const streamId = streamIdOf(request.params);
    const fromVersion = intParam(request.query.get("fromVersion"), "fromVersion", 1, Number.MAX_SAFE_INTEGER, 1);
    const maxCount = intParam(request.query.get("maxCount"), "maxCount", 1, 1000, 100);
    const slice = await deps.events.read(streamId, { fromVersion, maxCount });
    if (slice.version === 0) throw new Problem("stream-not-found", `stream ${streamId} has no events`);
    // Events are served in their current shape; schemaVersion says which one that is.
    const events = slice.events.map(({ eventId, version, type, schemaVersion, data, metadata, recordedAt }) => ({
      eventId,
      streamId,
      version,
      type,
      schemaVersion,
      data,
      metadata,
      recordedAt,
    }));
    return json(200, { streamId, version: slice.version, events }, { etag: versionTag(slice.version) });
  });
}
