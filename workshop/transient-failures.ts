/**
 * The Azure and Pulumi failures that go away when the same operation runs again a little later.
 * `pulumi up` and `pulumi destroy` converge, so the workshop re-runs the whole operation when its
 * error text names one of these. Anything else fails the attendee's stack at once.
 */
export interface TransientFailure {
  readonly name: string;
  readonly pattern: RegExp;
  /** Where Azure or Pulumi says this failure is temporary. */
  readonly source: string;
}

export const TRANSIENT_FAILURES: readonly TransientFailure[] = [
  {
    // A role assignment made right after its user-assigned identity is created can fail while
    // Entra ID replicates the new principal.
    name: "role assignment before the identity has replicated",
    pattern: /PrincipalNotFound/,
    source:
      "https://learn.microsoft.com/azure/role-based-access-control/troubleshooting (PrincipalNotFound: the principal was recently created; retry or set principalType)",
  },
  {
    // ARM and resource providers throttle per subscription and principal; a room of stacks
    // created at once is where that happens. The answer says to wait Retry-After and retry.
    name: "throttled by Azure Resource Manager (429)",
    pattern: /\b429\b|TooManyRequests|SubscriptionRequestsThrottled|RetryableErrorDueToAnotherOperation/,
    source: "https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling",
  },
  {
    // 409 while another operation holds the same resource.
    name: "conflict with another operation on the same resource",
    pattern: /AnotherOperationInProgress|StorageAccountOperationInProgress|ConflictingConcurrentWriteNotAllowed/,
    source: "pulumi/pulumi-azure-native#903, #3653, #4497, #4765 (409 codes retried because a later attempt succeeds)",
  },
  {
    // The stack's own lock: an earlier attempt or a `status` read still holds it.
    name: "stack locked by another update",
    pattern: /the stack is currently locked by|\[409\] Conflict: Another update is currently in progress/,
    source: "@pulumi/pulumi automation/errors.js (ConcurrentUpdateError for the DIY lock and the Pulumi Cloud 409)",
  },
];

export function transientFailureOf(error: unknown): TransientFailure | undefined {
  // The Automation API's CommandError carries the CLI's whole stdout and stderr in its message.
  const text = error instanceof Error ? error.message : String(error);
  return TRANSIENT_FAILURES.find((failure) => failure.pattern.test(text));
}
