import type { ExpectedVersion } from "./event-store.js";
import { WrongExpectedVersionError } from "./errors.js";

/**
 * The one expected-version rule of every adapter: whether a stream at `current` (its number of
 * events, 0 when empty) is where an append expecting `expected` may write.
 */
export function isExpectedVersion(expected: ExpectedVersion, current: number): boolean {
  switch (expected) {
    case "any":
      return true;
    case "no_stream":
      return current === 0;
    case "stream_exists":
      return current > 0;
    default:
      return expected === current;
  }
}

export function checkExpectedVersion(streamId: string, expected: ExpectedVersion, current: number): void {
  if (!isExpectedVersion(expected, current)) throw new WrongExpectedVersionError(streamId, expected, current);
}
