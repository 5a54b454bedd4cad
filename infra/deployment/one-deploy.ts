/**
 * One-deploy to a Flex Consumption Function App: upload the zip to the SCM site's publish API
 * with an Entra token, then follow the deployment until it succeeds or fails. Flex apps take
 * code only this way (a blob upload alone deploys nothing).
 */
export interface OneDeployOptions {
  /** The SCM host (`<app>.scm.<region>.azurewebsites.net`), or a full base URL. */
  readonly scmHost: string;
  readonly zip: Uint8Array;
  /** An Entra access token for https://management.azure.com. */
  readonly getToken: () => Promise<string>;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  /** Status polling interval; default 2000 ms. */
  readonly pollIntervalMs?: number;
  /** Longest wait for the deployment to finish; default 15 minutes. */
  readonly timeoutMs?: number;
  /** How long 403s are retried while new role assignments propagate; default 5 minutes. */
  readonly forbiddenRetryMs?: number;
  /** Pause between retries of a refused upload; default 10 s. */
  readonly retryDelayMs?: number;
  readonly log?: (message: string) => void;
}

export interface OneDeployResult {
  readonly deploymentId: string;
  readonly durationMs: number;
  readonly uploadAttempts: number;
}

export class OneDeployError extends Error {}

/** Kudu deployment status codes. */
const SUCCEEDED = 4;
const FAILED = 3;

interface DeploymentStatus {
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

export async function oneDeploy(options: OneDeployOptions): Promise<OneDeployResult> {
  const fetcher = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  const forbiddenRetryMs = options.forbiddenRetryMs ?? 5 * 60_000;
  const retryDelayMs = options.retryDelayMs ?? 10_000;
  const base = baseUrl(options.scmHost);
  const started = now();

  // Upload, retrying what propagation delays, a deployment in progress or a hiccup explain.
  let uploadAttempts = 0;
  let pollUrl: string | undefined;
  for (;;) {
    uploadAttempts++;
    const token = await options.getToken();
    const response = await fetcher(`${base}/api/publish?RemoteBuild=false`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/zip" },
      body: options.zip,
    });
    if (response.ok) {
      const location = response.headers.get("location");
      pollUrl = location === null ? `${base}/api/deployments/latest` : new URL(location, `${base}/`).toString();
      await response.body?.cancel();
      break;
    }
    const body = await excerpt(response);
    const elapsed = now() - started;
    const retryable = isPropagationDelay(response.status, body) ? elapsed < forbiddenRetryMs : (response.status === 409 || response.status === 429 || response.status >= 500) && uploadAttempts < 6;
    if (response.status === 401) throw new OneDeployError(`the SCM site refused the Entra token (401): sign in again with \`az login\`. ${body}`);
    if (!retryable) {
      const hint = response.status === 403 ? " The identity running `pulumi up` needs Website Contributor (or Contributor) on the Function App; new role assignments can take minutes." : "";
      throw new OneDeployError(`uploading the functions package failed with ${response.status} after ${uploadAttempts} attempt(s) over ${Math.round(elapsed / 1000)} s.${hint} ${body}`);
    }
    log(`upload answered ${response.status}; retrying in ${Math.round(retryDelayMs / 1000)} s (${response.status === 403 ? "role assignments still propagating" : "transient"})`);
    await sleep(retryDelayMs);
  }

  // Follow the deployment; Flex answers 200 while it runs and after it fails: read the body.
  let last: DeploymentStatus = {};
  for (;;) {
    if (now() - started > timeoutMs) {
      throw new OneDeployError(`the deployment did not finish within ${Math.round(timeoutMs / 1000)} s; last status ${String(last.status)} ${last.status_text ?? ""}`.trim());
    }
    await sleep(pollIntervalMs);
    const response = await fetcher(pollUrl, { headers: { authorization: `Bearer ${await options.getToken()}` } });
    if (response.status === 403 || response.status === 404 || response.status >= 500) {
      // Not visible yet, or the SCM site restarting: keep polling until the timeout.
      await response.body?.cancel();
      continue;
    }
    if (!response.ok) throw new OneDeployError(`reading the deployment status failed with ${response.status}: ${await excerpt(response)}`);
    last = (await response.json()) as DeploymentStatus;
    log(`deployment ${last.id ?? "?"}: status ${String(last.status)} ${last.status_text ?? ""}`.trim());
    if (last.status === SUCCEEDED) return { deploymentId: last.id ?? "latest", durationMs: now() - started, uploadAttempts };
    if (last.status === FAILED || last.complete === true) {
      throw new OneDeployError(`the deployment ${last.id ?? ""} failed: ${last.status_text ?? last.message ?? "no reason given"}${last.log_url === undefined ? "" : ` (log: ${last.log_url})`}`);
    }
  }
}
