import type { OrderPlan } from "./order-plan.js";
import { stepsOf } from "./order-plan.js";

export interface CallAnswer {
  readonly status: number;
  readonly etag: string | null;
  readonly body?: unknown;
}

/** One HTTP call under /api (path like "/orders/A-1/accept"); the simulator and the dashboard each bring theirs. */
export type ApiCall = (method: string, path: string, body: unknown, ifMatch: string | undefined) => Promise<CallAnswer>;

export interface PlanOutcome {
  /** Commands that succeeded (2xx). */
  readonly succeeded: number;
  /** 412 answers that were re-read and retried. */
  readonly conflictsRetried: number;
  readonly errors: readonly string[];
}

const MAX_CONFLICT_RETRIES = 5;

/**
 * Runs one order's plan through the API as a careful client does: each command carries
 * If-Match with the version last seen; on 412 it re-reads the order and tries again.
 */
export async function runPlan(plan: OrderPlan, call: ApiCall): Promise<PlanOutcome> {
  let etag: string | undefined;
  let succeeded = 0;
  let conflictsRetried = 0;
  const errors: string[] = [];
  for (const [method, suffix, body] of stepsOf(plan)) {
    const path = suffix === "" ? "/orders" : `/orders/${plan.orderNumber}${suffix}`;
    let answer = await call(method, path, body, etag);
    for (let retry = 0; answer.status === 412 && retry < MAX_CONFLICT_RETRIES; retry++) {
      conflictsRetried++;
      etag = (await call("GET", `/orders/${plan.orderNumber}`, undefined, undefined)).etag ?? undefined;
      answer = await call(method, path, body, etag);
    }
    if (answer.status >= 200 && answer.status < 300) {
      succeeded++;
      etag = answer.etag ?? undefined;
    } else errors.push(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body ?? null).slice(0, 200)}`);
  }
  return { succeeded, conflictsRetried, errors };
}
