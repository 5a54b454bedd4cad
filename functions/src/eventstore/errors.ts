import type { ExpectedVersion } from "./event-store.js";

/** The one error family of the store: adapters throw these and nothing else on expected failures. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

export class WrongExpectedVersionError extends EventStoreError {
  readonly code = "wrong-expected-version";
  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    readonly currentVersion: number,
  ) {
    super(`stream ${streamId} is at version ${currentVersion}, expected ${String(expectedVersion)}`);
  }
}

/** Some of the request's eventIds are stored, but not as this same append at this same place. */
export class EventIdConflictError extends EventStoreError {
  readonly code = "event-id-conflict";
  constructor(
    readonly streamId: string,
    readonly eventId: string,
  ) {
    super(`event ${eventId} is already stored in stream ${streamId}, but not as part of this same append`);
  }
}

/** The store could not be reached or asked us to back off; the append was not applied. */
export class StoreUnavailableError extends EventStoreError {
  readonly code = "store-unavailable";
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}
