import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Request units spent on behalf of one HTTP request or one projector batch. Adapters record
 * each operation's charge; the handler that opened the meter reports the total, so users can
 * check the RU model of docs/adr/0006 on a real account.
 */
interface Meter {
  total: number;
  operations: number;
  /** "operation=RU" per call, in order: what the log line shows. */
  detail: string[];
}

const meters = new AsyncLocalStorage<Meter>();

/** Records one operation's charge, named for the log (e.g. "events.append"). */
export function recordCharge(operation: string, requestUnits: number | undefined): void {
  const meter = meters.getStore();
  if (!meter || requestUnits === undefined || !Number.isFinite(requestUnits)) return;
  meter.total += requestUnits;
  meter.operations++;
  if (meter.detail.length < 20) meter.detail.push(`${operation}=${Math.round(requestUnits * 100) / 100}`);
}

/** The work's result with what it spent; a failure is thrown as it came. */
export async function measureCharges<T>(
  work: () => Promise<T>,
): Promise<{ result: T; requestUnits: number; operations: number; detail: readonly string[] }> {
  const { outcome, ...spent } = await measureChargesSettled(work);
  if (outcome.status === "rejected") throw outcome.reason;
  return { result: outcome.value, ...spent };
}

/** Like measureCharges, but the meter is read even when the work throws. */
export async function measureChargesSettled<T>(
  work: () => Promise<T>,
): Promise<{ outcome: PromiseSettledResult<T>; requestUnits: number; operations: number; detail: readonly string[] }> {
  const meter: Meter = { total: 0, operations: 0, detail: [] };
  const outcome = await meters.run(meter, () =>
    work().then(
      (value) => ({ status: "fulfilled" as const, value }),
      (reason: unknown) => ({ status: "rejected" as const, reason }),
    ),
  );
  return { outcome, requestUnits: Math.round(meter.total * 100) / 100, operations: meter.operations, detail: meter.detail };
}
