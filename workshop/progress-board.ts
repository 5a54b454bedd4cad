/**
 * One progress line per attendee. On a terminal the block of lines is redrawn in place; in a CI
 * log (no TTY) each change worth reading is printed as its own plain line, so the log stays
 * readable and short.
 */
export interface Output {
  write(text: string): void;
}

export interface LineState {
  /** e.g. "waiting", "up", "retrying", "done", "failed". */
  readonly phase: string;
  readonly resources?: number;
  readonly detail?: string;
}

export interface ProgressBoard {
  update(name: string, state: LineState): void;
  /** Draws the final state (terminal) and stops redrawing. */
  finish(): void;
}

const RESOURCE_STEP = 10;

export function createProgressBoard(
  names: readonly string[],
  out: Output,
  isTTY: boolean,
  clock: () => Date = () => new Date(),
): ProgressBoard {
  const width = Math.max(...names.map((name) => name.length), 4);
  const states = new Map<string, LineState>(names.map((name) => [name, { phase: "waiting" }]));
  const render = (name: string, state: LineState): string => {
    const resources = state.resources === undefined ? "" : ` ${state.resources} resource(s)`;
    const detail = state.detail === undefined ? "" : ` - ${state.detail}`;
    return `${name.padEnd(width)}  ${state.phase}${resources}${detail}`;
  };

  if (isTTY) {
    let drawn = 0;
    const draw = (): void => {
      const lines = names.map((name) => render(name, states.get(name) ?? { phase: "waiting" }));
      // Move to the top of the block, then rewrite each line whole (\x1b[2K clears it).
      out.write((drawn > 0 ? `\x1b[${drawn}A` : "") + lines.map((line) => `\x1b[2K${line}\n`).join(""));
      drawn = lines.length;
    };
    draw();
    return {
      update(name, state) {
        states.set(name, state);
        draw();
      },
      finish() {
        draw();
      },
    };
  }

  const printed = new Map<string, LineState>();
  const worthPrinting = (before: LineState | undefined, after: LineState): boolean =>
    before === undefined ||
    before.phase !== after.phase ||
    before.detail !== after.detail ||
    Math.floor((after.resources ?? 0) / RESOURCE_STEP) !== Math.floor((before.resources ?? 0) / RESOURCE_STEP);
  return {
    update(name, state) {
      states.set(name, state);
      if (!worthPrinting(printed.get(name), state)) return;
      printed.set(name, state);
      out.write(`${clock().toISOString().slice(11, 19)} ${render(name, state)}\n`);
    },
    finish() {
      // Plain lines were printed as they happened.
    },
  };
}
