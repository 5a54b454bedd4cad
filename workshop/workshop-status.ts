import type { Output } from "./progress-board.js";
import type { StackPort } from "./stack-port.js";
import { mapInParallel } from "./run-in-parallel.js";
import { isExpired, labelledStacks, LOOKUPS_AT_ONCE } from "./workshop-stacks.js";

export interface StatusRow {
  readonly stack: string;
  readonly workshop: string;
  readonly owner: string;
  readonly lastUpdate: string;
  readonly resources: string;
  readonly expires: string;
}

/** `workshop status`: per stack, its last update's result, its resource count and its expiry. */
export async function workshopStatus(
  workshop: string | undefined,
  deps: { stacks: StackPort; log: Output; now: () => Date },
): Promise<{ exitCode: number; rows: StatusRow[] }> {
  const stacks = await labelledStacks(deps.stacks, workshop);
  if (stacks.length === 0) {
    deps.log.write(workshop === undefined ? "no workshop stacks in this project\n" : `no stacks for workshop ${workshop}\n`);
    return { exitCode: 0, rows: [] };
  }
  const now = deps.now();
  const rows = await mapInParallel(stacks, LOOKUPS_AT_ONCE, async ({ listing, labels }): Promise<StatusRow> => {
    const last = listing.updateInProgress ? undefined : await deps.stacks.lastUpdate(listing.name);
    const lastUpdate = listing.updateInProgress
      ? "in progress"
      : last === undefined
        ? "never updated"
        : `${last.kind} ${last.result}${last.endTime === undefined ? "" : ` at ${last.endTime}`}`;
    return {
      stack: listing.name,
      workshop: labels.workshop,
      owner: labels.owner,
      lastUpdate,
      resources: listing.resourceCount === undefined ? "?" : String(listing.resourceCount),
      expires: `${labels.expires}${isExpired(labels, now) ? " (expired)" : ""}`,
    };
  });
  deps.log.write(
    table(
      ["stack", "workshop", "owner", "last update", "resources", "expires"],
      rows.map((row) => [row.stack, row.workshop, row.owner, row.lastUpdate, row.resources, row.expires]),
    ),
  );
  return { exitCode: 0, rows };
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}
