import { attendeesCsv, attendeesMarkdown, type SheetRow } from "./attendee-sheet.js";
import { linksFrom } from "./attendee-links.js";
import { progressLine } from "./operation-progress.js";
import type { CommandDeps } from "./command-deps.js";
import { messageOf, withRetry } from "./retry.js";
import { runInParallel } from "./run-in-parallel.js";
import { formatUsd } from "./settings.js";
import { nameProblems, stackNameOf } from "./stack-names.js";

export interface UpRequest {
  readonly workshop: string;
  readonly attendees: readonly string[];
  readonly location: string;
  readonly expires: Date;
  readonly parallel: number;
  readonly yes: boolean;
}

export interface WorkshopDeps extends CommandDeps {
  /** Writes a file only its owner can read (the sheets hold function keys). */
  readonly writePrivateFile: (path: string, content: string) => Promise<void>;
  /** Where `workshops/<id>/` goes: the project directory. */
  readonly outputRoot: string;
}

export interface UpResult {
  readonly exitCode: number;
  readonly rows: readonly SheetRow[];
  readonly files: readonly string[];
}

/** `workshop up`: one stack per attendee, labelled, up in parallel and retried, then the sheets. */
export async function workshopUp(request: UpRequest, deps: WorkshopDeps): Promise<UpResult> {
  const { log, settings } = deps;
  const problems = nameProblems(request.workshop, request.attendees);
  if (problems.length > 0) {
    log.write(`workshop up: ${problems.join("; ")}\n`);
    return { exitCode: 2, rows: [], files: [] };
  }
  const count = request.attendees.length;
  const cost = `expected cost: about ${formatUsd(settings.costPerAttendeeUsd)} per attendee per day, ${formatUsd(settings.costPerAttendeeUsd * count)} for ${count} attendee(s) (an estimate; idle stacks cost close to nothing)`;
  if (count > settings.confirmAbove && !request.yes) {
    log.write(
      `workshop up: ${count} attendees is more than ${settings.confirmAbove} (WORKSHOP_CONFIRM_ABOVE); nothing was created.\n${cost}\nRun again with --yes to go ahead.\n`,
    );
    return { exitCode: 2, rows: [], files: [] };
  }
  const labelStore = await deps.stacks.labelStore();
  log.write(
    `workshop ${request.workshop}: ${count} stack(s) in ${request.location}, ${request.parallel} at a time, expiring ${request.expires.toISOString()}\n` +
      `${cost}\nlabels (workshop, owner, expiry) kept as stack ${labelStore === "tags" ? "tags" : "config (this backend keeps no stack tags)"}\n`,
  );

  const stacks = request.attendees.map((attendee) => ({ attendee, stack: stackNameOf(request.workshop, attendee) }));
  const board = deps.board(request.attendees);
  const settled = await runInParallel(stacks, request.parallel, async ({ attendee, stack }) => {
    board.update(attendee, { phase: "preparing" });
    const outputs = await withRetry(
      async (attempt) => {
        await deps.stacks.prepare(stack, {
          location: request.location,
          owner: attendee,
          workshop: request.workshop,
          expires: request.expires.toISOString(),
        });
        return deps.stacks.up(stack, progressLine(board, attendee, attempt === 1 ? "up" : `up (attempt ${attempt})`));
      },
      settings.retry,
      deps.sleep,
      (failure, attempt, delayMs) => {
        board.update(attendee, { phase: "retrying", detail: `${failure.name}; attempt ${attempt + 1} in ${Math.round(delayMs / 1000)} s` });
      },
    );
    const links = linksFrom(outputs);
    board.update(attendee, {
      phase: "done",
      detail: links.missing.length === 0 ? (links.apiBaseUrl ?? "") : `outputs missing: ${links.missing.join(", ")}`,
    });
    return links;
  });
  const rows: SheetRow[] = stacks.map(({ attendee, stack }, i) => {
    const result = settled[i];
    if (result?.status === "fulfilled") return { attendee, stack, links: result.value, error: undefined };
    const error = messageOf(result?.reason);
    board.update(attendee, { phase: "failed", detail: error });
    return { attendee, stack, links: undefined, error };
  });
  board.finish();

  const dir = `${deps.outputRoot}/workshops/${request.workshop}`;
  const files = [`${dir}/attendees.md`, `${dir}/attendees.csv`];
  await deps.writePrivateFile(
    files[0] as string,
    attendeesMarkdown({ workshop: request.workshop, location: request.location, expires: request.expires }, rows),
  );
  await deps.writePrivateFile(files[1] as string, attendeesCsv(rows));

  const failed = rows.filter((row) => row.links === undefined);
  const missing = [...new Set(rows.flatMap((row) => row.links?.missing ?? []))];
  log.write(
    `\n${rows.length - failed.length} of ${rows.length} stack(s) up. Sheets (they hold keys; git ignores them): ${files.join(", ")}\n` +
      (missing.length > 0 ? `Some stacks have no ${missing.join(", ")} output: the sheet says "not available" there.\n` : "") +
      (failed.length > 0
        ? `Failed: ${failed.map((row) => `${row.attendee} (${row.error ?? ""})`).join("; ")}\nRun the same command again to retry them; \`workshop down --workshop ${request.workshop}\` removes everything.\n`
        : "") +
      `Tear down: npm run workshop -- down --workshop ${request.workshop}\n`,
  );
  return { exitCode: failed.length === 0 ? 0 : 1, rows, files };
}
