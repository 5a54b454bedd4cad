import type { LeftoverGroup } from "./resource-group-port.js";

export interface TeardownOutcome {
  readonly stack: string;
  /** The resource group named in the stack's outputs before the destroy, if it had one. */
  readonly knownGroup: string | undefined;
  readonly destroyError: string | undefined;
  readonly removeError: string | undefined;
  /** What Azure Resource Manager still shows; undefined when the check could not run. */
  readonly leftovers: readonly LeftoverGroup[] | undefined;
  readonly verifyError: string | undefined;
}

/** The report `workshop down` and `sweep` print: what was verified empty and what was not. */
export function teardownReport(outcomes: readonly TeardownOutcome[]): string {
  const empty = outcomes.filter(verifiedEmpty);
  const left = outcomes.filter((o) => !empty.includes(o));
  const lines = ["", `Verified empty with Azure Resource Manager: ${empty.length} of ${outcomes.length}`];
  for (const o of empty)
    lines.push(
      `  ok    ${o.stack}: stack removed; ${o.knownGroup === undefined ? "no resource group" : `resource group ${o.knownGroup}`} and no group tagged environment=${o.stack} left`,
    );
  if (left.length > 0) {
    lines.push(`NOT verified empty: ${left.length}`);
    for (const o of left) {
      const reasons: string[] = [];
      if (o.destroyError !== undefined) reasons.push(`destroy failed: ${o.destroyError}`);
      if (o.removeError !== undefined)
        reasons.push(`stack ${o.removeError.startsWith("kept") ? o.removeError : `not removed: ${o.removeError}`}`);
      if (o.verifyError !== undefined) reasons.push(`could not check Azure: ${o.verifyError}`);
      for (const group of o.leftovers ?? []) {
        reasons.push(
          `resource group ${group.name} still exists (${group.provisioningState ?? "state unknown"}, ${group.resources === undefined ? "resources unknown" : `${group.resources} resource(s)`})`,
        );
      }
      lines.push(`  LEFT  ${o.stack}: ${reasons.join("; ")}`);
    }
    lines.push(
      "Run the same command again; a group in Deleting goes on its own, a group Pulumi no longer knows: `az group delete -n <group>`.",
    );
  }
  return lines.join("\n") + "\n";
}

/** Destroyed, Azure shows no group of it, and the stack removed: the only state that counts as done. */
export function verifiedEmpty(outcome: TeardownOutcome): boolean {
  return (
    outcome.destroyError === undefined &&
    outcome.removeError === undefined &&
    outcome.verifyError === undefined &&
    outcome.leftovers?.length === 0
  );
}
