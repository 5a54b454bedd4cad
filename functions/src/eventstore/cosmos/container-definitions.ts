/**
 * The Cosmos containers the adapters expect, with the indexing each query needs and nothing
 * more (every indexed path costs RUs on every write). The Pulumi program and the emulator tests
 * create containers from these same definitions.
 */
export interface ContainerDefinition {
  readonly id: string;
  readonly partitionKeyPath: string;
  readonly includedPaths: readonly string[];
  readonly uniqueKeyPaths: readonly string[];
  readonly compositeIndexes?: readonly (readonly { path: string; order: "ascending" | "descending" }[])[];
}

export const CONTAINERS = {
  /** One document per event; id = version. Queries: by version range, MAX(version), by eventId. */
  events: { id: "events", partitionKeyPath: "/streamId", includedPaths: ["/version/?", "/eventId/?"], uniqueKeyPaths: ["/eventId"] },
  /** View documents; id = view key. Queries: the customers top list (kind, rank). */
  views: { id: "views", partitionKeyPath: "/id", includedPaths: ["/kind/?", "/rank/?"], uniqueKeyPaths: [] },
  /** One document per dead-lettered event; id = version. Queries: count, oldest first. */
  deadLetters: { id: "deadletters", partitionKeyPath: "/streamId", includedPaths: ["/failedAt/?"], uniqueKeyPaths: [] },
  /** The change feed processor's leases; created by Pulumi, since managed identity cannot. */
  leases: { id: "leases", partitionKeyPath: "/id", includedPaths: ["/*"], uniqueKeyPaths: [] },
} as const satisfies Record<string, ContainerDefinition>;

/** The indexing policy of a definition, in the shape both the SDK and azure-native take. */
export function indexingPolicyOf(definition: ContainerDefinition) {
  const everything = definition.includedPaths.includes("/*");
  return {
    indexingMode: "consistent" as const,
    automatic: true,
    includedPaths: definition.includedPaths.map((path) => ({ path })),
    excludedPaths: everything ? [{ path: '/"_etag"/?' }] : [{ path: "/*" }],
  };
}
