import type { Container, OperationInput, OperationResponse } from "@azure/cosmos";
import { recordCharge } from "../../shared/request-charge.js";
import { StoreUnavailableError } from "../errors.js";
import { withOriginalFailure } from "./cosmos-client.js";

export interface RetryPolicy {
  /** Attempts in all, the first included; default 5. */
  readonly maxAttempts: number;
  /** Longest total time spent waiting between attempts; default 4000 ms. */
  readonly maxTotalWaitMs: number;
  /** First back-off when the server names no retry-after; doubles each time; default 100 ms. */
  readonly baseDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, maxTotalWaitMs: 4000, baseDelayMs: 100 };

const RETRYABLE_STATUS = new Set([408, 429, 449, 503]);
const RETRYABLE_NETWORK = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "ECONNABORTED",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "TimeoutError",
]);

interface CosmosLikeError {
  code?: number | string;
  statusCode?: number;
  retryAfterInMs?: number;
  name?: string;
  message?: string;
  cause?: unknown;
}

/** Whether an error is worth retrying, and after how long the server asked us to wait. */
export function classify(error: unknown): { retryable: boolean; retryAfterMs: number | undefined } {
  const e = (error ?? {}) as CosmosLikeError;
  const status = typeof e.code === "number" ? e.code : e.statusCode;
  if (status !== undefined && RETRYABLE_STATUS.has(status)) return { retryable: true, retryAfterMs: e.retryAfterInMs };
  const code = typeof e.code === "string" ? e.code : undefined;
  const causeCode = (e.cause as { code?: unknown } | undefined)?.code;
  const network =
    (code !== undefined && RETRYABLE_NETWORK.has(code)) ||
    (typeof causeCode === "string" && RETRYABLE_NETWORK.has(causeCode)) ||
    e.name === "TimeoutError" ||
    e.name === "AbortError" ||
    /socket hang up|ECONNRESET|network|fetch failed|other side closed/i.test(e.message ?? "");
  return { retryable: network, retryAfterMs: undefined };
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * Runs a Cosmos operation, retrying throttling (429), unavailability (503, 449), timeouts and
 * dropped connections with the server's retry-after or exponential back-off, within a bound.
 * Past the bound it throws StoreUnavailableError, which the API answers with 503 and
 * Retry-After. Every operation retried here is safe to repeat: appends are recognised as
 * retries by their eventIds, and view writes are conditional on an etag.
 */
export async function withRetry<T>(operation: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY_POLICY): Promise<T> {
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await withOriginalFailure(operation);
    } catch (error) {
      const { retryable, retryAfterMs } = classify(error);
      if (!retryable) throw error;
      const delay = retryAfterMs ?? policy.baseDelayMs * 2 ** (attempt - 1);
      if (attempt >= policy.maxAttempts || waited + delay > policy.maxTotalWaitMs) {
        const reason = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
        throw new StoreUnavailableError(
          `Cosmos DB did not answer after ${attempt} attempts over ${waited} ms: ${reason.slice(0, 200)}`,
          Math.max(delay, 1),
        );
      }
      await sleep(delay);
      waited += delay;
    }
  }
}

/**
 * Runs a TransactionalBatch in one partition under withRetry, recording its request charge as
 * `name`. A batch throttled or unavailable as a whole answers with a status instead of throwing,
 * so such an answer is turned into an error withRetry retries like any other call. The
 * operations' own statuses are left for the caller to read.
 */
export async function batchWithRetry(
  container: Container,
  operations: OperationInput[],
  partitionKey: string,
  name: string,
  policy: RetryPolicy,
): Promise<readonly OperationResponse[]> {
  const response = await withRetry(async () => {
    const result = await container.items.batch(operations, partitionKey);
    const charge: unknown = result.headers["x-ms-request-charge"];
    recordCharge(name, charge === undefined ? (result.result ?? []).reduce((sum, r) => sum + r.requestCharge, 0) : Number(charge));
    const code = result.code ?? 200;
    if (code === 429 || code === 503 || code === 408)
      throw Object.assign(new Error(`batch answered ${code}`), {
        code,
        retryAfterInMs: Number(result.headers["x-ms-retry-after-ms"] ?? NaN) || undefined,
      });
    return result;
  }, policy);
  return response.result ?? [];
}
