import { EventIdConflictError, EventStoreError, StoreUnavailableError, WrongExpectedVersionError } from "../eventstore/errors.js";
import { Problem } from "./problems.js";

/** Maps the store's error family onto problems; anything else passes through unchanged. */
export function storeErrorAsProblem(error: unknown): unknown {
  if (!(error instanceof EventStoreError)) return error;
  if (error instanceof WrongExpectedVersionError) {
    return new Problem("wrong-expected-version", error.message, { streamId: error.streamId, expectedVersion: error.expectedVersion, currentVersion: error.currentVersion });
  }
  if (error instanceof EventIdConflictError) return new Problem("event-id-conflict", error.message, { streamId: error.streamId, eventId: error.eventId });
  if (error instanceof StoreUnavailableError) {
    return new Problem("store-unavailable", error.message, {}, { "retry-after": String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))) });
  }
  return error;
}
