import * as cosmosdb from "@pulumi/azure-native/cosmosdb/index.js";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config.js";
import { CONTAINERS, indexingPolicyOf, type ContainerDefinition } from "../../functions/src/eventstore/cosmos/container-definitions.js";

export interface EventStoreDatabaseArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly config: StackConfig;
  readonly tags: Record<string, string>;
}

export const DATABASE_NAME = "eventstore";

type EventStoreContainer = Exclude<keyof typeof CONTAINERS, "views">;

/** Where a container goes: the account and database, and the tags. */
export interface ContainerPlace {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly accountName: pulumi.Input<string>;
  readonly databaseName: pulumi.Input<string>;
  readonly tags: Record<string, string>;
}

/** A SQL container from its definition: partition key, indexing and unique keys. */
export function cosmosContainer(
  name: string,
  definition: ContainerDefinition,
  place: ContainerPlace,
  options: pulumi.CustomResourceOptions,
): cosmosdb.SqlResourceSqlContainer {
  return new cosmosdb.SqlResourceSqlContainer(
    name,
    {
      resourceGroupName: place.resourceGroupName,
      accountName: place.accountName,
      databaseName: place.databaseName,
      containerName: definition.id,
      resource: {
        id: definition.id,
        partitionKey: { paths: [definition.partitionKeyPath], kind: "Hash", version: 2 },
        indexingPolicy: indexingPolicyOf(definition),
        ...(definition.uniqueKeyPaths.length > 0 ? { uniqueKeyPolicy: { uniqueKeys: [{ paths: [...definition.uniqueKeyPaths] }] } } : {}),
      },
      tags: place.tags,
    },
    options,
  );
}

/**
 * The Cosmos DB account, database and containers of the event store. Local (key) auth is off,
 * so the only way in is Entra ID with a data-plane role; key-based metadata writes are off too,
 * so containers change only through the control plane (this program).
 *
 * With `protectData` the account, the database and the `events` container are protected: an
 * update that would delete or replace them (a rename, a changed partition key) fails instead of
 * deleting every event, and so does `pulumi destroy` until they are unprotected
 * (pulumi.com/docs/iac/concepts/options/protect). `retainOnDelete` would not do: it lets the
 * replacement go ahead and only leaves the old resource behind, outside the stack, and the
 * account would still go with its resource group on `pulumi destroy`
 * (pulumi.com/docs/iac/concepts/resources/options/retainondelete). Views, dead letters and
 * leases are rebuilt from the events, so they stay unprotected.
 */
export class EventStoreDatabase extends pulumi.ComponentResource {
  readonly account: cosmosdb.DatabaseAccount;
  readonly database: cosmosdb.SqlResourceSqlDatabase;
  readonly containers: Record<EventStoreContainer, cosmosdb.SqlResourceSqlContainer>;
  readonly endpoint: pulumi.Output<string>;
  readonly databaseName = DATABASE_NAME;

  constructor(name: string, args: EventStoreDatabaseArgs, options: pulumi.ComponentResourceOptions = {}) {
    super("eventsourcing:azure:EventStoreDatabase", name, {}, options);
    const { config, tags, resourceGroupName } = args;
    const serverless = config.cosmosThroughput === "serverless";
    const data = { parent: this, protect: config.protectData };
    const regions = [config.location, ...(config.cosmosSecondaryLocation === undefined ? [] : [config.cosmosSecondaryLocation])];

    this.account = new cosmosdb.DatabaseAccount(
      `${name}-account`,
      {
        resourceGroupName,
        location: config.location,
        kind: "GlobalDocumentDB",
        databaseAccountOfferType: "Standard",
        locations: regions.map((locationName, failoverPriority) => ({
          locationName,
          failoverPriority,
          isZoneRedundant: config.cosmosZoneRedundant,
        })),
        enableAutomaticFailover: regions.length > 1,
        consistencyPolicy: { defaultConsistencyLevel: "Session" },
        capabilities: serverless ? [{ name: "EnableServerless" }] : [],
        disableLocalAuth: true,
        disableKeyBasedMetadataWriteAccess: true,
        minimalTlsVersion: "Tls12",
        backupPolicy: { type: "Continuous", continuousModeProperties: { tier: config.cosmosBackupTier } },
        tags,
      },
      data,
    );

    this.database = new cosmosdb.SqlResourceSqlDatabase(
      `${name}-database`,
      {
        resourceGroupName,
        accountName: this.account.name,
        databaseName: DATABASE_NAME,
        resource: { id: DATABASE_NAME },
        // Serverless accounts take no throughput; autoscale is shared by the containers.
        ...(serverless ? {} : { options: { autoscaleSettings: { maxThroughput: config.cosmosAutoscaleMaxThroughput } } }),
        tags,
      },
      data,
    );

    const place = { resourceGroupName, accountName: this.account.name, databaseName: this.database.name, tags };
    // The events are the source of truth; every other container is derived from them.
    const container = (key: EventStoreContainer) =>
      cosmosContainer(`${name}-${CONTAINERS[key].id}`, CONTAINERS[key], place, key === "events" ? data : { parent: this });
    // The views containers, one per generation, are the ViewGenerations component's.
    this.containers = { events: container("events"), deadLetters: container("deadLetters"), leases: container("leases") };
    this.endpoint = this.account.documentEndpoint;
    this.registerOutputs({ accountName: this.account.name, endpoint: this.endpoint, databaseName: DATABASE_NAME });
  }
}
