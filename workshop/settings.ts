import { DEFAULT_RETRY, type RetryPolicy } from "./retry.js";

/** The workshop tool's own settings; environment variables override the defaults. */
export interface WorkshopSettings {
  /** `workshop up` refuses more attendees than this without `--yes`. */
  readonly confirmAbove: number;
  /**
   * Expected cost of one attendee's stack for a workshop day, in US dollars. An estimate, not a
   * quote: a dev stack bills per use (serverless Cosmos DB per request unit and GB stored, Flex
   * Consumption per execution and GB-second, Log Analytics per GB ingested) and nothing is kept
   * warm, so a day of exercises costs cents; the default leaves room for a busy room.
   */
  readonly costPerAttendeeUsd: number;
  readonly defaultParallel: number;
  /** Default lifetime of a room's stacks when `--expires` is not given. */
  readonly defaultLifetimeHours: number;
  readonly retry: RetryPolicy;
}

export const DEFAULT_SETTINGS: WorkshopSettings = {
  confirmAbove: 10,
  costPerAttendeeUsd: 0.5,
  defaultParallel: 4,
  defaultLifetimeHours: 12,
  retry: DEFAULT_RETRY,
};

/** WORKSHOP_CONFIRM_ABOVE and WORKSHOP_COST_PER_ATTENDEE_USD override the defaults. */
export function settingsFrom(
  env: Readonly<Record<string, string | undefined>>,
  base: WorkshopSettings = DEFAULT_SETTINGS,
): WorkshopSettings {
  const number = (name: string, fallback: number, isValid: (n: number) => boolean): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!isValid(n)) throw new Error(`${name} must be a number (got '${raw}')`);
    return n;
  };
  return {
    ...base,
    confirmAbove: number("WORKSHOP_CONFIRM_ABOVE", base.confirmAbove, (n) => Number.isInteger(n) && n >= 0),
    costPerAttendeeUsd: number("WORKSHOP_COST_PER_ATTENDEE_USD", base.costPerAttendeeUsd, (n) => Number.isFinite(n) && n >= 0),
  };
}

export function formatUsd(amount: number): string {
  return `US$${amount.toFixed(2)}`;
}
