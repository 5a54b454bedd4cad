import type { TokenCredential } from "@azure/core-auth";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { OneDeployOptions } from "./one-deploy.js";
import { oneDeploy } from "./one-deploy.js";
import type { VerifyOptions } from "./verify-deployment.js";
import { verifyDeployment } from "./verify-deployment.js";

export interface CodeDeploymentInputs {
  readonly appId: string;
  readonly scmHostName: string;
  readonly zipPath: string;
  readonly zipSha256: string;
  /** `https://<app host>/api/health`: must answer once the code is deployed. */
  readonly healthUrl: string;
  /** Functions the host must have indexed once the code is deployed. */
  readonly expectedFunctions: readonly string[];
  /** How long refusals explained by propagating role assignments are retried. */
  readonly propagationWindowMinutes: number;
}

export interface CodeDeploymentOutputs extends CodeDeploymentInputs {
  readonly deploymentId: string;
  readonly deployedAt: string;
  readonly durationMs: number;
  readonly uploadAttempts: number;
  readonly indexedFunctions: readonly string[];
}

/** What tests replace: the credential, the endpoints, the clock and the timings. */
export type RunnerOverrides = Partial<
  Pick<OneDeployOptions, "fetch" | "sleep" | "now" | "pollIntervalMs" | "timeoutMs" | "retryDelayMs" | "log">
> & {
  /** Makes the one credential a deployment uses; default DefaultAzureCredential (so `az login` is enough). */
  readonly createCredential?: () => TokenCredential | Promise<TokenCredential>;
  readonly propagationWindowMs?: number;
  readonly armBaseUrl?: string;
  readonly verifyTimeoutMs?: number;
  readonly verifyIntervalMs?: number;
};

const ARM_SCOPE = "https://management.azure.com/.default";

async function defaultCredential(): Promise<TokenCredential> {
  const { DefaultAzureCredential } = await import("@azure/identity");
  return new DefaultAzureCredential();
}

/**
 * Deploys the zip named by the inputs, after checking it is the one that was hashed, then checks
 * the app serves it. One credential serves every call: it caches its token, where a credential
 * per call would start a new `az` process or token request each time.
 */
export async function deploy(inputs: CodeDeploymentInputs, overrides: RunnerOverrides = {}): Promise<CodeDeploymentOutputs> {
  const zip = readFileSync(inputs.zipPath);
  const sha256 = createHash("sha256").update(zip).digest("hex");
  if (sha256 !== inputs.zipSha256)
    throw new Error(`${inputs.zipPath} changed after the build (sha256 ${sha256}, expected ${inputs.zipSha256}); run pulumi up again`);
  const credential = await (overrides.createCredential ?? defaultCredential)();
  const getToken = async () => {
    const token = await credential.getToken(ARM_SCOPE);
    if (token === null) throw new Error("no Entra token for Azure Resource Manager: sign in with `az login`");
    return token.token;
  };
  const log =
    overrides.log ??
    ((m: string) => {
      console.log(`one-deploy: ${m}`);
    });
  const common = {
    getToken,
    log,
    ...(overrides.fetch === undefined ? {} : { fetch: overrides.fetch }),
    ...(overrides.sleep === undefined ? {} : { sleep: overrides.sleep }),
    ...(overrides.now === undefined ? {} : { now: overrides.now }),
  };
  const { createCredential: _, propagationWindowMs, armBaseUrl, verifyTimeoutMs, verifyIntervalMs, ...deployOverrides } = overrides;
  const result = await oneDeploy({
    ...deployOverrides,
    ...common,
    scmHost: inputs.scmHostName,
    zip,
    propagationWindowMs: propagationWindowMs ?? inputs.propagationWindowMinutes * 60_000,
  });
  const verifyOptions: VerifyOptions = {
    ...common,
    appId: inputs.appId,
    expectedFunctions: inputs.expectedFunctions,
    healthUrl: inputs.healthUrl,
    ...(armBaseUrl === undefined ? {} : { armBaseUrl }),
    ...(verifyTimeoutMs === undefined ? {} : { timeoutMs: verifyTimeoutMs }),
    ...(verifyIntervalMs === undefined ? {} : { intervalMs: verifyIntervalMs }),
  };
  const verified = await verifyDeployment(verifyOptions);
  return {
    ...inputs,
    deploymentId: result.deploymentId,
    deployedAt: new Date().toISOString(),
    durationMs: result.durationMs + verified.durationMs,
    uploadAttempts: result.uploadAttempts,
    indexedFunctions: verified.functions,
  };
}
