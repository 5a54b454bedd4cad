import type { HttpResponseInit } from "@azure/functions";
import type { Problem } from "../application/problems.js";

/**
 * Responses carry their body as a string with an explicit content type, so the Functions host
 * and the local server send the same bytes.
 */
export function json(status: number, value: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, headers: { "content-type": "application/json; charset=utf-8", ...headers }, body: JSON.stringify(value) };
}

export function problemResponse(problem: Problem): HttpResponseInit {
  return {
    status: problem.status,
    headers: { "content-type": "application/problem+json; charset=utf-8", ...problem.headers },
    body: JSON.stringify(problem),
  };
}

/** ETag of a stream version: the version number, quoted. */
export function versionTag(version: number): string {
  return `"${version}"`;
}
