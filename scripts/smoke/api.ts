/** One call of the smoke, as it is reported. */
export interface Call {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly ms: number;
  /** Request units the store spent, from `x-request-charge` when the API forwards it (Cosmos DB). */
  readonly requestCharge: number | undefined;
  readonly contentType: string;
  readonly headers: Headers;
  readonly body: unknown;
}

/**
 * A small client for the API. The function key goes in the `x-functions-key` header, one of the
 * two places the Functions host reads it from (Microsoft Learn, "Azure Functions HTTP trigger",
 * API key authorization: the `code` query string or the `x-functions-key` header).
 */
export function apiClient(apiBaseUrl: string, key: string | undefined, onCall: (call: Call) => void) {
  return async function call(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<Call> {
    const started = performance.now();
    const headers: Record<string, string> = key === undefined ? {} : { "x-functions-key": key };
    if (body !== undefined) headers["content-type"] = contentType;
    const response = await fetch(`${apiBaseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text for the report
    }
    const charge = response.headers.get("x-request-charge");
    const result: Call = {
      method,
      path,
      status: response.status,
      ms: performance.now() - started,
      requestCharge: charge === null || !Number.isFinite(Number(charge)) ? undefined : Number(charge),
      contentType: response.headers.get("content-type") ?? "",
      headers: response.headers,
      body: parsed,
    };
    onCall(result);
    return result;
  };
}
