/**
 * The port to Azure Resource Manager that `workshop down` uses to check, independently of
 * Pulumi's state, that a stack left nothing behind. Implemented over the Azure SDK in
 * `arm-resource-groups.ts` and by fakes in the tests.
 */
export interface LeftoverGroup {
  readonly name: string;
  /** Resources still in the group; undefined when they could not be listed. */
  readonly resources: number | undefined;
  /** ARM's provisioningState, e.g. "Deleting" while a delete is under way. */
  readonly provisioningState: string | undefined;
}

export interface ResourceGroupPort {
  /**
   * The resource groups that still exist for a stack: the group named in its outputs (if known)
   * and every group tagged `environment=<stack>` by the program. Empty means verified gone.
   */
  leftovers(stack: string, knownGroup: string | undefined): Promise<readonly LeftoverGroup[]>;
}
