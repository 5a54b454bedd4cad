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
  /**
   * View rows (docs/adr/0010); partition key = the view's group key, id = the row in it.
   * Queries: a group's rows by /sort (paging), and the customers top list over the headers,
   * ordered by the composite index (kind, rank DESC, groupKey).
   */
  views: {
    id: "views",
    partitionKeyPath: "/groupKey",
    includedPaths: ["/kind/?", "/rank/?", "/sort/?", "/groupKey/?"],
    uniqueKeyPaths: [],
    compositeIndexes: [
      [
        { path: "/kind", order: "ascending" },
        { path: "/rank", order: "descending" },
        { path: "/groupKey", order: "ascending" },
      ],
    ],
  },
  /** One document per dead-lettered event; id = version. Queries: count, oldest first. */
  deadLetters: { id: "deadletters", partitionKeyPath: "/streamId", includedPaths: ["/failedAt/?"], uniqueKeyPaths: [] },
  /** The change feed processor's leases; created by Pulumi, since managed identity cannot. */
  leases: { id: "leases", partitionKeyPath: "/id", includedPaths: ["/*"], uniqueKeyPaths: [] },
} as const satisfies Record<string, ContainerDefinition>;

/**
 * The views container of a generation: the same definition under another name, so every
 * generation's container is partitioned and indexed alike.
 */
export function viewsContainerDefinition(id: string = CONTAINERS.views.id): ContainerDefinition {
  return { ...CONTAINERS.views, id };
}

/**
 * The indexing policy of a definition, in the shape both the SDK and azure-native take.
 * Composite indexes: https://learn.microsoft.com/azure/cosmos-db/index-policy#composite-indexes
 * (a multi-property ORDER BY needs one matching its properties and directions).
 */
export function indexingPolicyOf(definition: ContainerDefinition) {
  const everything = definition.includedPaths.includes("/*");
  const composite = definition.compositeIndexes ?? [];
  return {
    indexingMode: "consistent" as const,
    automatic: true,
    includedPaths: definition.includedPaths.map((path) => ({ path })),
    excludedPaths: everything ? [{ path: '/"_etag"/?' }] : [{ path: "/*" }],
    ...(composite.length > 0 ? { compositeIndexes: composite.map((index) => index.map(({ path, order }) => ({ path, order }))) } : {}),
  };
}
