import { servedPaths, undocumented } from "./documented-responses.js";

export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/**
 * A small JSON client for the API under test. A string body is sent as is. Every response is
 * held to the API's OpenAPI document: a status, problem type or body it does not describe
 * for the route fails the calling test.
 */
export function apiClient(baseUrl: string) {
  return async function api<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const init: RequestInit = {
      method,
      headers: { ...(body === undefined || typeof body === "string" ? {} : { "content-type": "application/json" }), ...headers },
    };
    if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
    const url = new URL(`${baseUrl}${path}`);
    const response = await fetch(url, init);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    const mismatch = undocumented(servedPaths(), method, url, response.status, parsed);
    if (mismatch !== undefined) throw new Error(mismatch);
    return { status: response.status, headers: response.headers, body: parsed as T };
  };
}
