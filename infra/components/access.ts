import * as authorization from "@pulumi/azure-native/authorization/index.js";
import * as cosmosdb from "@pulumi/azure-native/cosmosdb/index.js";
import * as pulumi from "@pulumi/pulumi";
import { stableGuid } from "./stable-guid.js";

/** Built-in Azure role definitions the app's identity needs (ids are the same in every tenant). */
export const ROLE_DEFINITIONS = {
  storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
} as const;

/** Cosmos DB's data-plane role "Built-in Data Contributor" (an account-level SQL role definition). */
export const COSMOS_DATA_CONTRIBUTOR = "00000000-0000-0000-0000-000000000002";

export interface AccessArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly principalId: pulumi.Input<string>;
  readonly storageAccountId: pulumi.Input<string>;
  readonly appInsightsId: pulumi.Input<string>;
  readonly cosmosAccountName: pulumi.Input<string>;
  readonly cosmosAccountId: pulumi.Input<string>;
  /** "<project>/<stack>": names the role assignment's GUID, the same at every `pulumi up`. */
  readonly stackKey: string;
}

/**
 * Everything the Function App's identity may do, each grant at the narrowest scope: blobs of
 * its own storage account (host state and the deployment package), data in the Cosmos account,
 * metrics into its Application Insights.
 */
export class Access extends pulumi.ComponentResource {
  readonly assignments: pulumi.Resource[];

  constructor(name: string, args: AccessArgs, options: pulumi.ComponentResourceOptions = {}) {
    super("eventsourcing:azure:Access", name, {}, options);
    const subscriptionId = authorization.getClientConfigOutput({ parent: this }).subscriptionId;
    const roleId = (guid: string) =>
      pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
    const grant = (suffix: string, scope: pulumi.Input<string>, guid: string) =>
      new authorization.RoleAssignment(
        `${name}-${suffix}`,
        { scope, principalId: args.principalId, principalType: "ServicePrincipal", roleDefinitionId: roleId(guid) },
        { parent: this },
      );

    this.assignments = [
      grant("storage-blob-data-owner", args.storageAccountId, ROLE_DEFINITIONS.storageBlobDataOwner),
      grant("metrics-publisher", args.appInsightsId, ROLE_DEFINITIONS.monitoringMetricsPublisher),
      new cosmosdb.SqlResourceSqlRoleAssignment(
        `${name}-cosmos-data-contributor`,
        {
          resourceGroupName: args.resourceGroupName,
          accountName: args.cosmosAccountName,
          principalId: args.principalId,
          roleDefinitionId: pulumi.interpolate`${args.cosmosAccountId}/sqlRoleDefinitions/${COSMOS_DATA_CONTRIBUTOR}`,
          scope: args.cosmosAccountId,
          // "The GUID for the Role Assignment" (https://learn.microsoft.com/rest/api/cosmos-db-resource-provider/sql-resources/create-update-sql-role-assignment):
          // given here, stable per stack, rather than left to the provider's auto-naming.
          roleAssignmentId: stableGuid(`${args.stackKey}/cosmos-data-contributor`),
        },
        // Deleted before its successor is created: the identity never holds the role twice.
        { parent: this, deleteBeforeReplace: true },
      ),
    ];
    this.registerOutputs({});
  }
}
