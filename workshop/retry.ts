import { transientFailureOf, type TransientFailure } from "./transient-failures.js";

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** Wait before the second attempt; doubles each time up to maxDelayMs. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

/** Three attempts, 30 s then 60 s apart: role assignments propagate within minutes. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, firstDelayMs: 30_000, maxDelayMs: 120_000 };

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class RetriesExhausted extends Error {
  constructor(
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(`${attempts} attempt(s): ${messageOf(lastError)}`);
  }
}

/**
 * Runs `operation`; after a transient failure waits and runs it again, up to the policy's
 * attempts. A failure that is not transient is thrown at once, wrapped so callers know how many
 * attempts it took.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  sleep: Sleep,
  onRetry: (failure: TransientFailure, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const failure = transientFailureOf(error);
      if (failure === undefined || attempt >= policy.attempts) throw new RetriesExhausted(attempt, error);
      const delayMs = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (attempt - 1));
      onRetry(failure, attempt, delayMs);
      await sleep(delayMs);
    }
  }
}

/** The first meaningful line of an error: CLI errors carry the whole stdout/stderr. */
export function messageOf(error: unknown): string {
  if (error instanceof RetriesExhausted) return error.message;
  const text = error instanceof Error ? error.message : String(error);
  const lines = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  // The CLI's own "error: ..." line says what went wrong; the rest is its progress output.
  const errorLine = lines.find((line) => /\berror:/i.test(line));
  const first = errorLine === undefined ? (lines[0] ?? "unknown error") : errorLine.slice(errorLine.search(/\berror:/i));
  return first.slice(0, 300);
}
