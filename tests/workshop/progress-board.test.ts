import { describe, expect, it } from "vitest";
import { createProgressBoard } from "../../workshop/progress-board.js";
import { RecordingOutput } from "./fakes.js";

const clock = () => new Date("2026-11-29T09:05:07Z");

describe("progress board", () => {
  it("prints plain, timestamped lines without a terminal: on each change of phase, and every ten resources", () => {
    const out = new RecordingOutput();
    const board = createProgressBoard(["alice", "bob"], out, false, clock);
    board.update("alice", { phase: "preparing" });
    for (let done = 0; done <= 23; done++) board.update("alice", { phase: "up", resources: done });
    board.update("bob", { phase: "retrying", detail: "throttled by Azure Resource Manager (429); attempt 2 in 30 s" });
    board.update("alice", { phase: "done", detail: "https://ws1-alice.azurewebsites.net/api" });
    board.finish();

    expect(out.text.split("\n").filter((line) => line.length > 0)).toEqual([
      "09:05:07 alice  preparing",
      "09:05:07 alice  up 0 resource(s)",
      "09:05:07 alice  up 10 resource(s)",
      "09:05:07 alice  up 20 resource(s)",
      "09:05:07 bob    retrying - throttled by Azure Resource Manager (429); attempt 2 in 30 s",
      "09:05:07 alice  done - https://ws1-alice.azurewebsites.net/api",
    ]);
    expect(out.text).not.toContain("\x1b[");
  });

  it("redraws one line per attendee in place on a terminal", () => {
    const out = new RecordingOutput();
    const board = createProgressBoard(["alice", "bob"], out, true, clock);
    board.update("bob", { phase: "up", resources: 7 });

    const frames = out.text.split("\x1b[2A");
    expect(frames).toHaveLength(2);
    expect(frames[0]).toBe("\x1b[2Kalice  waiting\n\x1b[2Kbob    waiting\n");
    expect(frames[1]).toBe("\x1b[2Kalice  waiting\n\x1b[2Kbob    up 7 resource(s)\n");
  });
});
