import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const ROOT = join(import.meta.dirname, "../..");
export const PROJECT = "eventsourcing-azure";
export const SUBSCRIPTION = "00000000-0000-0000-0000-0000000000aa";

export interface MockedResource {
  readonly type: string;
  readonly name: string;
  readonly id: string;
  /** The inputs as the engine registers them: after the SDK's defaults and the resource's transforms. */
  readonly inputs: Record<string, any>;
  /** The `protect` and `retainOnDelete` options as sent to the engine. */
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
}

/** An invoke the program made, with the resources created before it. */
export interface MockedInvoke {
  readonly token: string;
  readonly createdBefore: readonly string[];
}

export interface ProgramRun {
  readonly resources: MockedResource[];
  readonly invokes: MockedInvoke[];
  readonly outputs: Record<string, pulumi.Output<unknown>>;
  ofType(type: string): MockedResource[];
  one(type: string): MockedResource;
}

/** The name azure-native reports back, mirroring the type-specific name input as Azure does. */
function nameOf(inputs: Record<string, any>, fallback: string): string {
  for (const key of ["accountName", "containerName", "databaseName", "resourceName", "workspaceName", "name", "resourceGroupName"]) {
    if (typeof inputs[key] === "string" && key !== "resourceGroupName") return inputs[key];
  }
  return fallback;
}

/** Outputs that Azure computes and the program reads. */
function computed(type: string, name: string): Record<string, unknown> {
  switch (type) {
    case "azure-native:cosmosdb:DatabaseAccount":
      return { documentEndpoint: `https://${name}.documents.azure.com:443/` };
    case "azure-native:managedidentity:UserAssignedIdentity":
      return { principalId: `principal-of-${name}`, clientId: `client-of-${name}` };
    case "azure-native:storage:StorageAccount":
      return { primaryEndpoints: { blob: `https://${name}.blob.core.windows.net/` } };
    case "azure-native:web:WebApp":
      return {
        defaultHostName: `${name}.azurewebsites.net`,
        hostNameSslStates: [
          { name: `${name}.azurewebsites.net`, hostType: "Standard" },
          { name: `${name}.scm.azurewebsites.net`, hostType: "Repository" },
        ],
      };
    case "pulumi:pulumi:StackReference":
      // The stack reading its own last outputs: none, as on a stack's first up.
      return { outputs: {} };
    case "azure-native:applicationinsights:Component":
      return {
        connectionString: `InstrumentationKey=ikey-of-${name};IngestionEndpoint=https://westeurope.in.applicationinsights.azure.com/`,
      };
    default:
      return {};
  }
}

/** Loads the real program under Pulumi's mocks with the config of Pulumi.<stack>.yaml. */
export async function runProgram(
  stack: "dev" | "prod",
  overrides: Record<string, string> = {},
  faults: { hostKeysFailures?: number } = {},
): Promise<ProgramRun> {
  const file = parse(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
  const config = Object.fromEntries(Object.entries({ ...file.config, ...overrides }).map(([k, v]) => [k, String(v)]));
  process.env.PULUMI_CONFIG = JSON.stringify(config);
  const resources: MockedResource[] = [];
  const invokes: MockedInvoke[] = [];
  let hostKeysFailures = faults.hostKeysFailures ?? 0;
  const options = new Map<string, { protect: boolean; retainOnDelete: boolean }>();
  await pulumi.runtime.setMocks(
    {
      async newResource(args) {
        // The engine runs a resource's transforms on its inputs before registering them; the
        // mock monitor hands them over without running them, so run them here as the engine does.
        let inputs = args.inputs as Record<string, any>;
        for (const transform of args.transforms ?? []) {
          const result = await transform({ custom: args.custom ?? true, type: args.type, name: args.name, props: inputs, opts: {} });
          if (result !== undefined) inputs = result.props as Record<string, any>;
        }
        const name = nameOf(inputs, args.name);
        const id =
          args.type === "azure-native:resources:ResourceGroup"
            ? `/subscriptions/${SUBSCRIPTION}/resourceGroups/${name}`
            : `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/${args.type}/${name}`;
        const sent = options.get(`${args.type}::${args.name}`) ?? { protect: false, retainOnDelete: false };
        resources.push({ type: args.type, name: args.name, id, inputs, ...sent });
        return { id, state: { ...inputs, name, ...computed(args.type, name) } };
      },
      call(args) {
        invokes.push({ token: args.token, createdBefore: resources.map((r) => r.name) });
        if (args.token === "azure-native:web:listWebAppHostKeys" && hostKeysFailures-- > 0) {
          // What ARM answers while the host cannot reach its secrets yet (Azure/azure-cli #20892).
          // Pulumi's invoke reports the engine's `details` as the error message.
          const details = 'Status=400 Code="BadRequest" Message="Encountered an error (InternalServerError) from host runtime."';
          throw Object.assign(new Error(details), { details });
        }
        if (args.token === "azure-native:authorization:getClientConfig")
          return { subscriptionId: SUBSCRIPTION, tenantId: "tenant", clientId: "deployer", objectId: "deployer-object" };
        if (args.token === "azure-native:web:listWebAppHostKeys")
          return { functionKeys: { default: "the-function-key" }, masterKey: "the-master-key" };
        throw new Error(`unexpected invoke ${args.token}`);
      },
    },
    PROJECT,
    stack,
    false,
  );
  recordResourceOptions(options);
  const program = (await import("../../infra/index.js")) as Record<string, pulumi.Output<unknown>>;
  const outputs = Object.fromEntries(Object.entries(program).filter(([, v]) => pulumi.Output.isInstance(v)));
  await Promise.all(Object.values(outputs).map((o) => new Promise((resolve) => o.apply(resolve))));
  // Resources whose inputs are outputs arrive later: wait until no new one comes.
  for (let seen = -1; seen !== resources.length;) {
    seen = resources.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    resources,
    invokes,
    outputs,
    ofType: (type) => resources.filter((r) => r.type === type),
    one(type) {
      const found = resources.filter((r) => r.type === type);
      if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
      return found[0] as MockedResource;
    },
  };
}

/** The register request the SDK sends to the engine, as far as these tests read it. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
}

/** Records each resource's `protect` and `retainOnDelete` from the request the engine receives (the mocks do not pass them on). */
function recordResourceOptions(options: Map<string, { protect: boolean; retainOnDelete: boolean }>): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: RegisterRequest, callback: unknown): unknown };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    options.set(`${req.getType()}::${req.getName()}`, {
      protect: req.getProtect() === true,
      retainOnDelete: req.getRetainondelete() === true,
    });
    return register(req, callback);
  };
}

export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}
