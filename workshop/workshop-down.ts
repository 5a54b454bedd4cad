import { progressLine } from "./operation-progress.js";
import type { CommandDeps } from "./command-deps.js";
import type { LeftoverGroup, ResourceGroupPort } from "./resource-group-port.js";
import { messageOf, withRetry } from "./retry.js";
import { runInParallel } from "./run-in-parallel.js";
import { isExpired, labelledStacks } from "./workshop-stacks.js";
import { teardownReport, verifiedEmpty, type TeardownOutcome } from "./teardown-report.js";

export interface TeardownDeps extends CommandDeps {
  readonly resourceGroups: ResourceGroupPort;
}

export interface TeardownResult {
  readonly exitCode: number;
  readonly outcomes: readonly TeardownOutcome[];
}

/** `workshop down`: every stack of one workshop. */
export async function workshopDown(workshop: string, parallel: number, deps: TeardownDeps): Promise<TeardownResult> {
  const stacks = (await labelledStacks(deps.stacks, workshop)).map((entry) => entry.listing.name);
  if (stacks.length === 0) {
    deps.log.write(`no stacks for workshop ${workshop}: nothing to tear down\n`);
    return { exitCode: 0, outcomes: [] };
  }
  return teardown(stacks, parallel, deps, `workshop ${workshop}`);
}

/** `workshop sweep`: every workshop stack whose expiry has passed, whatever its workshop. */
export async function workshopSweep(parallel: number, deps: TeardownDeps): Promise<TeardownResult> {
  const now = deps.now();
  const expired = (await labelledStacks(deps.stacks)).filter((entry) => isExpired(entry.labels, now)).map((entry) => entry.listing.name);
  if (expired.length === 0) {
    deps.log.write(`no workshop stack has expired (${now.toISOString()})\n`);
    return { exitCode: 0, outcomes: [] };
  }
  return teardown(expired, parallel, deps, `expired stacks as of ${now.toISOString()}`);
}

/**
 * Destroys each stack (retried), asks Azure Resource Manager whether anything of it is left
 * (Pulumi's state is not the proof, the subscription is), and removes the stack once nothing is.
 */
async function teardown(stacks: readonly string[], parallel: number, deps: TeardownDeps, title: string): Promise<TeardownResult> {
  const { log, settings } = deps;
  log.write(`tearing down ${stacks.length} stack(s) of ${title}, ${parallel} at a time\n`);
  const board = deps.board(stacks);
  const retried = <T>(stack: string, phase: string, operation: () => Promise<T>): Promise<T> =>
    withRetry(operation, settings.retry, deps.sleep, (failure, attempt, delayMs) => {
      board.update(stack, {
        phase: `${phase}: retrying`,
        detail: `${failure.name}; attempt ${attempt + 1} in ${Math.round(delayMs / 1000)} s`,
      });
    });

  const settled = await runInParallel(stacks, parallel, async (stack): Promise<TeardownOutcome> => {
    // The group's name is in the outputs only while the stack exists: read it first.
    const knownGroup = await deps.stacks.outputs(stack).then(
      (outputs) => (typeof outputs["resourceGroup"]?.value === "string" ? outputs["resourceGroup"].value : undefined),
      () => undefined,
    );
    let destroyError: string | undefined;
    try {
      await retried(stack, "destroy", () => deps.stacks.destroy(stack, progressLine(board, stack, "destroy")));
    } catch (error) {
      destroyError = messageOf(error);
    }
    board.update(stack, { phase: "verifying with Azure Resource Manager" });
    let leftovers: readonly LeftoverGroup[] | undefined;
    let verifyError: string | undefined;
    try {
      leftovers = await deps.resourceGroups.leftovers(stack, knownGroup);
    } catch (error) {
      verifyError = messageOf(error);
    }
    // The stack goes only once Azure shows nothing of it: while anything is left, the next
    // `down` or `sweep` must still find the stack and its labels.
    let removeError: string | undefined;
    if (destroyError === undefined && leftovers?.length === 0) {
      board.update(stack, { phase: "removing stack" });
      try {
        await retried(stack, "remove", () => deps.stacks.remove(stack));
      } catch (error) {
        removeError = messageOf(error);
      }
    } else {
      removeError = "kept, so that the next down or sweep finds it";
    }
    const outcome: TeardownOutcome = { stack, knownGroup, destroyError, removeError, leftovers, verifyError };
    board.update(stack, { phase: verifiedEmpty(outcome) ? "verified empty" : "NOT verified empty" });
    return outcome;
  });
  board.finish();
  const outcomes = stacks.map((stack, i): TeardownOutcome => {
    const result = settled[i];
    if (result?.status === "fulfilled") return result.value;
    return {
      stack,
      knownGroup: undefined,
      destroyError: messageOf(result?.reason),
      removeError: undefined,
      leftovers: undefined,
      verifyError: "not checked",
    };
  });
  log.write(teardownReport(outcomes));
  return { exitCode: outcomes.every(verifiedEmpty) ? 0 : 1, outcomes };
}
