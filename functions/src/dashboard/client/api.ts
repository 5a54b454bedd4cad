/**
 * The page's one way to the API: same origin, with the function key taken from the URL
 * fragment (#key=…). Browsers never send a fragment to the server, so the key stays out of
 * access logs; it travels in the x-functions-key header, which the Functions host accepts in
 * place of the `code` query parameter ("Work with access keys in Azure Functions",
 * https://learn.microsoft.com/azure/azure-functions/function-keys-how-to).
 */
const functionKey = new URLSearchParams(location.hash.slice(1)).get("key");

export interface Answer<T> {
  readonly status: number;
  readonly body: T;
  readonly etag: string | null;
}

export interface CallRecord {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Request units the call spent (x-request-charge), on stores that charge them. */
  readonly requestCharge: number | undefined;
}

const listeners: ((record: CallRecord) => void)[] = [];

export function onCall(listener: (record: CallRecord) => void): void {
  listeners.push(listener);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
  ) {
    super(`${path}: HTTP ${status}`);
  }
}

export async function call<T>(method: string, path: string, body?: unknown, ifMatch?: string): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (functionKey !== null) headers["x-functions-key"] = functionKey;
  if (body !== undefined) headers["content-type"] = "application/json";
  if (ifMatch !== undefined) headers["if-match"] = ifMatch;
  const response = await fetch(`/api${path}`, {
    method,
    headers,
    cache: "no-store",
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    parsed = text;
  }
  const charge = response.headers.get("x-request-charge");
  const record: CallRecord = {
    at: Date.now(),
    method,
    path,
    status: response.status,
    requestCharge: charge === null ? undefined : Number(charge),
  };
  for (const listener of listeners) listener(record);
  return { status: response.status, body: parsed as T, etag: response.headers.get("etag") };
}

/** A GET whose 2xx body is returned; 404 gives undefined (a view not there yet); anything else throws. */
export async function get<T>(path: string): Promise<T | undefined> {
  const answer = await call<T>("GET", path);
  if (answer.status === 404) return undefined;
  if (answer.status < 200 || answer.status >= 300) throw new ApiError(answer.status, path);
  return answer.body;
}

export const hasKey = functionKey !== null;
