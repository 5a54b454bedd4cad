import type { LineState, ProgressBoard } from "./progress-board.js";
import type { ProgressListener } from "./stack-port.js";

/** Turns the engine's events for one stack into its line on the board: resources done so far. */
export function progressLine(board: ProgressBoard, name: string, phase: string): ProgressListener {
  let done = 0;
  let detail: string | undefined;
  const show = (): void => {
    const state: LineState = detail === undefined ? { phase, resources: done } : { phase, resources: done, detail };
    board.update(name, state);
  };
  show();
  return (progress) => {
    switch (progress.kind) {
      case "resource-started":
        return;
      case "resource-done":
        done += 1;
        show();
        return;
      case "resource-failed":
        detail = `failed: ${progress.urn.split("::").pop() ?? progress.urn}`;
        show();
        return;
      case "diagnostic":
        if (progress.severity === "error") {
          detail = progress.message.split("\n")[0]?.slice(0, 120);
          show();
        }
        return;
    }
  };
}
