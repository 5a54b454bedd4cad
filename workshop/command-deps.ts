import type { Output, ProgressBoard } from "./progress-board.js";
import type { Sleep } from "./retry.js";
import type { WorkshopSettings } from "./settings.js";
import type { StackPort } from "./stack-port.js";

/** What every workshop command gets: the stacks, where to write, the settings, time. */
export interface CommandDeps {
  readonly stacks: StackPort;
  readonly log: Output;
  readonly board: (names: readonly string[]) => ProgressBoard;
  readonly settings: WorkshopSettings;
  readonly sleep: Sleep;
  readonly now: () => Date;
}
