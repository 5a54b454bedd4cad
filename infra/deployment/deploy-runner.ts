import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { OneDeployOptions } from "./one-deploy.js";
import { oneDeploy } from "./one-deploy.js";

export interface CodeDeploymentInputs {
  readonly appId: string;
  readonly scmHostName: string;
  readonly zipPath: string;
  readonly zipSha256: string;
}

export interface CodeDeploymentOutputs extends CodeDeploymentInputs {
  readonly deploymentId: string;
  readonly deployedAt: string;
  readonly durationMs: number;
}

/** What tests replace: the token source and the timings. */
export type RunnerOverrides = Partial<Pick<OneDeployOptions, "getToken" | "fetch" | "sleep" | "pollIntervalMs" | "timeoutMs" | "forbiddenRetryMs" | "retryDelayMs" | "log">>;

async function entraToken(): Promise<string> {
  const { DefaultAzureCredential } = await import("@azure/identity");
  const token = await new DefaultAzureCredential().getToken("https://management.azure.com/.default");
  return token.token;
}

/** Deploys the zip named by the inputs, after checking it is the one that was hashed. */
export async function deploy(inputs: CodeDeploymentInputs, overrides: RunnerOverrides = {}): Promise<CodeDeploymentOutputs> {
  const zip = readFileSync(inputs.zipPath);
  const sha256 = createHash("sha256").update(zip).digest("hex");
  if (sha256 !== inputs.zipSha256) throw new Error(`${inputs.zipPath} changed after the build (sha256 ${sha256}, expected ${inputs.zipSha256}); run pulumi up again`);
  const result = await oneDeploy({ scmHost: inputs.scmHostName, zip, getToken: entraToken, log: (m) => {
      console.log(`one-deploy: ${m}`);
    }, ...overrides });
  return { ...inputs, deploymentId: result.deploymentId, deployedAt: new Date().toISOString(), durationMs: result.durationMs };
}
