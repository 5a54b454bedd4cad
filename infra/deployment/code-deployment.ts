import * as pulumi from "@pulumi/pulumi";
import { fileURLToPath } from "node:url";
import type * as DeployRunner from "./deploy-runner.js";
import type { CodeDeploymentInputs, CodeDeploymentOutputs, RunnerOverrides } from "./deploy-runner.js";

/**
 * The runner is loaded when the provider runs, through tsx, rather than captured: Pulumi
 * serializes a dynamic provider's functions into the state, and a closure that holds only two
 * absolute paths serializes reliably where a module graph does not. Pulumi runs the serialized
 * provider as a CommonJS module, where `require` exists; it is not captured, only named.
 */
const RUNNER_URL = new URL("./deploy-runner.ts", import.meta.url).href;
const TSX_API_PATH = fileURLToPath(import.meta.resolve("tsx/esm/api"));

/**
 * A dynamic provider that deploys the functions zip with one-deploy. It redeploys only when
 * the zip's sha256 (or the app) changes, waits for the deployment, fails with its reason, and
 * succeeds only once the app has indexed its functions and answers on /api/health.
 * Deleting does nothing: the code goes with the app.
 */
export function createOneDeployProvider(
  overrides?: RunnerOverrides,
): pulumi.dynamic.ResourceProvider<CodeDeploymentInputs, CodeDeploymentOutputs> {
  const runner = async () => {
    const load = typeof require === "function" ? require : (globalThis as { require?: NodeJS.Require }).require;
    if (load === undefined) throw new Error("the one-deploy provider must run where require() exists (Pulumi's dynamic provider host)");
    const { tsImport } = load(TSX_API_PATH) as { tsImport: (url: string, parent: string) => Promise<unknown> };
    return (await tsImport(RUNNER_URL, RUNNER_URL)) as typeof DeployRunner;
  };
  return {
    diff(_id, olds, news) {
      const changed = (["zipSha256", "scmHostName", "appId"] as const).filter((key) => olds[key] !== news[key]);
      return Promise.resolve({ changes: changed.length > 0, replaces: [], deleteBeforeReplace: false });
    },
    async create(inputs) {
      const outs = await (await runner()).deploy(inputs, overrides);
      return { id: `${inputs.appId}/deployments/${inputs.zipSha256.slice(0, 16)}`, outs };
    },
    async update(_id, _olds, news) {
      return { outs: await (await runner()).deploy(news, overrides) };
    },
    delete() {
      return Promise.resolve();
    },
  };
}

export interface CodeDeploymentArgs {
  readonly appId: pulumi.Input<string>;
  readonly scmHostName: pulumi.Input<string>;
  readonly zipPath: pulumi.Input<string>;
  readonly zipSha256: pulumi.Input<string>;
  readonly healthUrl: pulumi.Input<string>;
  readonly expectedFunctions: pulumi.Input<readonly string[]>;
  readonly propagationWindowMinutes: pulumi.Input<number>;
}

export class CodeDeployment extends pulumi.dynamic.Resource {
  declare readonly deploymentId: pulumi.Output<string>;
  declare readonly deployedAt: pulumi.Output<string>;
  declare readonly indexedFunctions: pulumi.Output<string[]>;

  constructor(name: string, args: CodeDeploymentArgs, options: pulumi.CustomResourceOptions = {}) {
    const outputs = {
      deploymentId: undefined,
      deployedAt: undefined,
      durationMs: undefined,
      uploadAttempts: undefined,
      indexedFunctions: undefined,
    };
    super(createOneDeployProvider(), name, { ...args, ...outputs }, options, "eventsourcing-azure", "CodeDeployment");
  }
}
