import { describe, expect, it } from "vitest";
import type { ExpectedVersion } from "../../functions/src/eventstore/event-store.js";
import { EventIdConflictError, WrongExpectedVersionError } from "../../functions/src/eventstore/errors.js";
import { checkExpectedVersion, isExpectedVersion } from "../../functions/src/eventstore/expected-version.js";
import { detectReplay } from "../../functions/src/eventstore/replay-detection.js";

/** [expected, the stream's current version, may an append write there?] */
const TABLE: readonly [ExpectedVersion, number, boolean][] = [
  ["any", 0, true],
  ["any", 1, true],
  ["any", 7, true],
  ["no_stream", 0, true],
  ["no_stream", 1, false],
  ["no_stream", 7, false],
  ["stream_exists", 0, false],
  ["stream_exists", 1, true],
  ["stream_exists", 7, true],
  [0, 0, true],
  [0, 1, false],
  [1, 0, false],
  [1, 1, true],
  [1, 2, false],
  [7, 6, false],
  [7, 7, true],
  [7, 8, false],
];

describe("the expected-version rule", () => {
  it.each(TABLE)("expected %j at version %i: %s", (expected, current, allowed) => {
    expect(isExpectedVersion(expected, current)).toBe(allowed);
    const check = () => {
      checkExpectedVersion("s", expected, current);
    };
    if (allowed) expect(check).not.toThrow();
    else expect(check).toThrow(WrongExpectedVersionError);
  });

  // A retry is recognised only where the first attempt could have written: its events start
  // right after a version the expectation allows (the same rule, applied at first - 1).
  it.each(TABLE)("a retry expecting %j of events stored after version %i is a replay: %s", (expected, before, replay) => {
    const ids = ["e1", "e2"];
    const stored = new Map([
      ["e1", before + 1],
      ["e2", before + 2],
    ]);
    if (replay)
      expect(detectReplay("s", ids, stored, expected)).toEqual({
        streamId: "s",
        firstVersion: before + 1,
        lastVersion: before + 2,
        eventIds: ids,
        replayed: true,
      });
    else expect(() => detectReplay("s", ids, stored, expected)).toThrow(EventIdConflictError);
  });
});
