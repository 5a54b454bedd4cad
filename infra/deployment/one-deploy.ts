/**
 * One-deploy to a Flex Consumption Function App: upload the zip to the SCM site's publish API
 * with an Entra token, then follow that deployment until it succeeds or fails. Flex apps take
 * code only this way (a blob upload alone deploys nothing).
 *
 * The protocol, as the Functions team describes it and azd implements it (Azure/azure-dev
 * #3658; cli/azd/pkg/azsdk/funcapp_host_client.go): `POST /api/publish` answers 202 with the
 * deployment id as a JSON string; `GET /api/deployments/<id>` answers 200 whether the
 * deployment runs or ended, so its `status` decides: -1 cancelled, 0 pending, 1 building,
 * 2 deploying, 3 failed, 4 success, 5 conflict, 6 partial success.
 */
export interface OneDeployOptions {
  /** The SCM host (`<app>.scm.<region>.azurewebsites.net`), or a full base URL. */
  readonly scmHost: string;
  readonly zip: Uint8Array;
  /** An Entra access token for https://management.azure.com, from one credential reused throughout. */
  readonly getToken: () => Promise<string>;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  /** Status polling interval; default 2000 ms. */
  readonly pollIntervalMs?: number;
  /** Longest wait for one deployment to finish once it is accepted; default 15 minutes. */
  readonly timeoutMs?: number;
  /**
   * How long refusals that new role assignments explain are retried: a 403 from the publish
   * API, or a deployment that failed because storage answered 403. Default 30 minutes: Azure
   * Resource Manager caches role assignments and "it can sometimes take up to 30 minutes for
   * changes to take effect" (Microsoft Learn, Troubleshoot Azure RBAC).
   */
  readonly propagationWindowMs?: number;
  /** Pause between a refused or conflicting publish and the next; default 10 s. */
  readonly retryDelayMs?: number;
  readonly log?: (message: string) => void;
}

export interface OneDeployResult {
  readonly deploymentId: string;
  readonly durationMs: number;
  readonly uploadAttempts: number;
  /** The last status read; `confirmedBy` says whether the endpoint reported success or vanished after the deployment was seen. */
  readonly lastStatus: number | undefined;
  readonly confirmedBy: "status" | "recycled-worker";
}

export class OneDeployError extends Error {}

/** Kudu deployment statuses (Azure/azure-dev #3658; azd's PublishStatus constants). */
export const DeployStatus = {
  Cancelled: -1,
  Pending: 0,
  Building: 1,
  Deploying: 2,
  Failed: 3,
  Success: 4,
  Conflict: 5,
  PartialSuccess: 6,
} as const;

export interface DeploymentStatus {
  id?: string;
  status?: number;
  status_text?: string;
  complete?: boolean;
  log_url?: string;
  message?: string;
}

function baseUrl(scmHost: string): string {
  return /^https?:\/\//.test(scmHost) ? scmHost.replace(/\/$/, "") : `https://${scmHost}`;
}

async function excerpt(response: Response): Promise<string> {
  return (await response.text().catch(() => "")).replace(/\s+/g, " ").slice(0, 400);
}

/** Upload refusals that fix themselves once role assignments reach the SCM site or the deployment storage. */
function isPropagationDelay(status: number, body: string): boolean {
  return status === 403 || (status === 400 && /BlobUploadFailed|AuthorizationPermissionMismatch|403/.test(body));
}

/**
 * Flex writes the package to the deployment container asynchronously, with the app's identity:
 * a storage 403 therefore arrives as a failed deployment, e.g. "Failed to upload blob package to
 * storage account ... 403 (This request is not authorized to perform this operation.)"
 * (Azure/azure-functions-core-tools #4346).
 */
export function isStorageForbidden(status: DeploymentStatus): boolean {
  return /\b403\b|Forbidden|AuthorizationPermissionMismatch|not authorized to perform this operation/i.test(
    `${status.status_text ?? ""} ${status.message ?? ""}`,
  );
}

/**
 * The deployment id of an accepted publish: the body is the id as a JSON string (azd's Publish
 * unmarshals it so); a Location header naming /api/deployments/<id> is accepted too.
 */
export async function deploymentIdOf(response: Response): Promise<string | undefined> {
  const text = (await response.text().catch(() => "")).trim();
  if (text !== "") {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === "string" && parsed !== "") return parsed;
      if (typeof parsed === "object" && parsed !== null && typeof (parsed as { id?: unknown }).id === "string")
        return (parsed as { id: string }).id;
    } catch {
      if (/^[\w-]+$/.test(text)) return text;
    }
  }
  const location = response.headers.get("location");
  return location === null ? undefined : /\/api\/deployments\/([^/?#]+)/.exec(location)?.[1];
}

type Outcome =
  | { readonly kind: "succeeded"; readonly last: DeploymentStatus; readonly confirmedBy: "status" | "recycled-worker" }
  | { readonly kind: "publish-again"; readonly reason: "storage-forbidden" | "conflict"; readonly detail: string };

function describe(status: DeploymentStatus): string {
  const log = status.log_url === undefined ? "" : ` (log: ${status.log_url})`;
  return `${status.status_text || status.message || "no reason given"}${log}`;
}

export async function oneDeploy(options: OneDeployOptions): Promise<OneDeployResult> {
  const fetcher = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  const propagationWindowMs = options.propagationWindowMs ?? 30 * 60_000;
  const retryDelayMs = options.retryDelayMs ?? 10_000;
  const base = baseUrl(options.scmHost);
  const started = now();
  const withinWindow = () => now() - started < propagationWindowMs;
  const authorization = async () => ({ authorization: `Bearer ${await options.getToken()}` });

  /** Follows one deployment by its id until it ends, or tells the caller to publish again. */
  async function follow(deploymentId: string): Promise<Outcome> {
    const url = `${base}/api/deployments/${encodeURIComponent(deploymentId)}`;
    const followStarted = now();
    let last: DeploymentStatus | undefined;
    for (;;) {
      if (now() - followStarted > timeoutMs) {
        throw new OneDeployError(
          `the deployment ${deploymentId} did not finish within ${Math.round(timeoutMs / 1000)} s; last status ${String(last?.status)} ${last?.status_text ?? ""}`.trim(),
        );
      }
      await sleep(pollIntervalMs);
      const response = await fetcher(url, { headers: await authorization() });
      if (response.status === 404) {
        await response.body?.cancel();
        // A 404 once the deployment has been seen means its worker was recycled, not that it
        // failed: azd returns the last status it saw (funcapp_host_client.go). The checks after
        // the deployment (functions indexed, health answering) confirm it.
        if (last !== undefined) {
          log(
            `deployment ${deploymentId}: the status endpoint answered 404 after status ${String(last.status)}; the deployment worker was recycled, taking the last status seen`,
          );
          return { kind: "succeeded", last, confirmedBy: "recycled-worker" };
        }
        continue; // not visible yet
      }
      if (response.status === 403 || response.status === 429 || response.status >= 500) {
        // Role assignments reaching the SCM site, throttling or the SCM site restarting.
        await response.body?.cancel();
        continue;
      }
      if (!response.ok)
        throw new OneDeployError(`reading the deployment status failed with ${response.status}: ${await excerpt(response)}`);
      last = (await response.json()) as DeploymentStatus;
      log(`deployment ${deploymentId}: status ${String(last.status)} ${last.status_text ?? ""}`.trim());
      switch (last.status) {
        case DeployStatus.Success:
          return { kind: "succeeded", last, confirmedBy: "status" };
        case DeployStatus.Failed:
          if (isStorageForbidden(last)) return { kind: "publish-again", reason: "storage-forbidden", detail: describe(last) };
          throw new OneDeployError(`the deployment ${deploymentId} failed: ${describe(last)}`);
        case DeployStatus.Cancelled:
          throw new OneDeployError(`the deployment ${deploymentId} was cancelled: ${describe(last)}`);
        case DeployStatus.Conflict:
          // Another deployment was in progress (azd: "cancelled due to another deployment being in progress").
          return { kind: "publish-again", reason: "conflict", detail: describe(last) };
        case DeployStatus.PartialSuccess:
          throw new OneDeployError(`the deployment ${deploymentId} only partly succeeded: ${describe(last)}`);
        case undefined:
        default:
          if (last.complete === true)
            throw new OneDeployError(`the deployment ${deploymentId} ended with status ${String(last.status)}: ${describe(last)}`);
      }
    }
  }

  let uploadAttempts = 0;
  let conflicts = 0;
  for (;;) {
    uploadAttempts++;
    const response = await fetcher(`${base}/api/publish?RemoteBuild=false`, {
      method: "POST",
      headers: { ...(await authorization()), "content-type": "application/zip", accept: "application/json" },
      body: options.zip,
    });
    if (!response.ok) {
      const body = await excerpt(response);
      const elapsed = now() - started;
      if (response.status === 401)
        throw new OneDeployError(`the SCM site refused the Entra token (401): sign in again with \`az login\`. ${body}`);
      const propagation = isPropagationDelay(response.status, body);
      const retryable = propagation
        ? withinWindow()
        : (response.status === 409 || response.status === 429 || response.status >= 500) && uploadAttempts < 6;
      if (!retryable) {
        const hint =
          response.status === 403
            ? " The identity running `pulumi up` needs Website Contributor (or Contributor) on the Function App; new role assignments can take up to 30 minutes (config `deployPropagationMinutes`)."
            : "";
        throw new OneDeployError(
          `uploading the functions package failed with ${response.status} after ${uploadAttempts} attempt(s) over ${Math.round(elapsed / 1000)} s.${hint} ${body}`,
        );
      }
      log(
        `upload answered ${response.status}; retrying in ${Math.round(retryDelayMs / 1000)} s (${propagation ? "role assignments still propagating" : "transient"})`,
      );
      await sleep(retryDelayMs);
      continue;
    }
    const deploymentId = await deploymentIdOf(response);
    if (deploymentId === undefined)
      throw new OneDeployError(`the publish API accepted the package (${response.status}) but named no deployment to follow`);
    log(`upload accepted as deployment ${deploymentId}`);
    const outcome = await follow(deploymentId);
    if (outcome.kind === "succeeded") {
      return {
        deploymentId,
        durationMs: now() - started,
        uploadAttempts,
        lastStatus: outcome.last.status,
        confirmedBy: outcome.confirmedBy,
      };
    }
    if (outcome.reason === "storage-forbidden") {
      if (!withinWindow()) {
        throw new OneDeployError(
          `the deployment ${deploymentId} could not write the package to its storage (403) for ${Math.round((now() - started) / 1000)} s: the app's identity needs Storage Blob Data Owner on the deployment storage account. ${outcome.detail}`,
        );
      }
      log(
        `deployment ${deploymentId} failed on a storage 403 (the app identity's grant still propagating); publishing again in ${Math.round(retryDelayMs / 1000)} s`,
      );
    } else {
      conflicts++;
      if (conflicts >= 5)
        throw new OneDeployError(`the deployment ${deploymentId} conflicted with another deployment ${conflicts} times: ${outcome.detail}`);
      log(
        `deployment ${deploymentId} conflicted with another deployment in progress; publishing again in ${Math.round(retryDelayMs / 1000)} s`,
      );
    }
    await sleep(retryDelayMs);
  }
}
