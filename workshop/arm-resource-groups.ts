/**
 * The ResourceGroupPort over Azure Resource Manager (the Azure SDK), signed in as the Azure CLI
 * is (AzureCliCredential). A CI job that signs in with a service principal or workload identity
 * sets AZURE_CLIENT_ID, and then DefaultAzureCredential, which reads those variables, is used.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ResourceManagementClient, type ResourceGroup, type ResourceManagementClientOptionalParams } from "@azure/arm-resources";
import type { TokenCredential } from "@azure/core-auth";
import { AzureCliCredential, DefaultAzureCredential } from "@azure/identity";
import type { LeftoverGroup, ResourceGroupPort } from "./resource-group-port.js";

export class ArmResourceGroups implements ResourceGroupPort {
  constructor(
    private readonly client: ResourceManagementClient,
    /** The program's `project` tag: a group tagged environment=<stack> of another project is not ours. */
    private readonly project: string,
  ) {}

  static create(options: {
    subscriptionId: string;
    project: string;
    credential?: TokenCredential;
    clientOptions?: ResourceManagementClientOptionalParams;
  }): ArmResourceGroups {
    const client = new ResourceManagementClient(
      options.credential ?? defaultCredential(process.env),
      options.subscriptionId,
      options.clientOptions ?? {},
    );
    return new ArmResourceGroups(client, options.project);
  }

  async leftovers(stack: string, knownGroup: string | undefined): Promise<readonly LeftoverGroup[]> {
    const found = new Map<string, ResourceGroup>();
    // The program tags every group environment=<stack>, project=<project> (infra/config.ts tagsOf),
    // so a group the state never recorded (an up that failed half-way) is found too. ARM filters
    // resource groups by one tag name and value: "tagName eq 'x' and tagValue eq 'y'"
    // (https://learn.microsoft.com/javascript/api/@azure/arm-resources/resourcegroupslistoptionalparams,
    // the `filter` property; the SDK's own doc comment says the same).
    const filter = `tagName eq 'environment' and tagValue eq '${stack.replace(/'/g, "''")}'`;
    for await (const group of this.client.resourceGroups.list({ filter })) {
      if (group.name !== undefined && group.tags?.["project"] === this.project) found.set(group.name, group);
    }
    if (knownGroup !== undefined && !found.has(knownGroup)) {
      // HEAD on the group: 204 when it exists, 404 when it is gone (Resource Groups - Check Existence).
      const exists = await this.client.resourceGroups.checkExistence(knownGroup);
      if (exists.body) found.set(knownGroup, await this.client.resourceGroups.get(knownGroup));
    }
    return Promise.all(
      [...found.entries()].map(async ([name, group]): Promise<LeftoverGroup> => ({
        name,
        resources: await this.countResources(name),
        provisioningState: group.properties?.provisioningState,
      })),
    );
  }

  private async countResources(group: string): Promise<number | undefined> {
    try {
      let count = 0;
      for await (const _ of this.client.resources.listByResourceGroup(group)) count += 1;
      return count;
    } catch {
      // A group that is being deleted may refuse the listing; the group itself is the finding.
      return undefined;
    }
  }
}

/**
 * The Azure CLI's sign-in, so a failure says "run az login" rather than the last of
 * DefaultAzureCredential's chain; DefaultAzureCredential when the environment names a client.
 */
export function defaultCredential(env: Readonly<Record<string, string | undefined>>): TokenCredential {
  return env["AZURE_CLIENT_ID"] !== undefined && env["AZURE_CLIENT_ID"] !== "" ? new DefaultAzureCredential() : new AzureCliCredential();
}

/** The subscription to check: AZURE_SUBSCRIPTION_ID, else the Azure CLI's current one. */
export async function currentSubscription(env: Readonly<Record<string, string | undefined>>): Promise<string> {
  const fromEnv = env["AZURE_SUBSCRIPTION_ID"];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  try {
    const { stdout } = await promisify(execFile)("az", ["account", "show", "--query", "id", "--output", "tsv"]);
    const id = stdout.trim();
    if (id !== "") return id;
  } catch {
    // Falls through to the message below.
  }
  throw new Error("no Azure subscription: sign in with `az login` (and `az account set -s <id>`) or set AZURE_SUBSCRIPTION_ID");
}
