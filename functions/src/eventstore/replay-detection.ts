import type { AppendResult, ExpectedVersion } from "./event-store.js";
import { EventIdConflictError } from "./errors.js";
import { isExpectedVersion } from "./expected-version.js";

/**
 * Decides whether an append is a retry of one already stored. `storedVersions` maps each of the
 * request's eventIds that the stream already holds to its version. A retry is recognised only
 * when every eventId is stored, in request order, on consecutive versions, at the place the
 * expected version names; any other overlap is a conflict, never a partial write.
 * Returns undefined when none of the eventIds is stored (a new append).
 */
export function detectReplay(
  streamId: string,
  eventIds: readonly string[],
  storedVersions: ReadonlyMap<string, number>,
  expected: ExpectedVersion,
): AppendResult | undefined {
  if (storedVersions.size === 0) return undefined;
  const first = storedVersions.get(eventIds[0] ?? "");
  const conflictWith = eventIds.find((id) => storedVersions.has(id)) ?? "";
  if (first === undefined) throw new EventIdConflictError(streamId, conflictWith);
  for (const [index, id] of eventIds.entries()) {
    if (storedVersions.get(id) !== first + index) throw new EventIdConflictError(streamId, id);
  }
  // The stored events are where this append would have put them: after version first - 1.
  if (!isExpectedVersion(expected, first - 1)) throw new EventIdConflictError(streamId, conflictWith);
  return { streamId, firstVersion: first, lastVersion: first + eventIds.length - 1, eventIds: [...eventIds], replayed: true };
}
