/**
 * What a finished deployment must show before `pulumi up` calls it done: the host indexed the
 * functions users call, and the API answers. A deployment can report success while the worker
 * fails to index the bundle; Core Tools checks the host after a Flex deployment for the same
 * reason ("Deployment was successful but the app appears to be unhealthy",
 * Azure/azure-functions-core-tools #3404).
 */
export interface VerifyOptions {
  /** The Function App's ARM id, `/subscriptions/.../providers/Microsoft.Web/sites/<app>`. */
  readonly appId: string;
  /** Function names that must be listed, e.g. `health` and the change-feed trigger. */
  readonly expectedFunctions: readonly string[];
  /** The anonymous health endpoint, `https://<app host>/api/health`. */
  readonly healthUrl: string;
  readonly getToken: () => Promise<string>;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  /** ARM's base URL; default https://management.azure.com. */
  readonly armBaseUrl?: string;
  /** How long the host may take to index and answer; default 10 minutes. */
  readonly timeoutMs?: number;
  /** Pause between checks; default 5 s. */
  readonly intervalMs?: number;
  readonly log?: (message: string) => void;
}

export interface VerifyResult {
  readonly functions: readonly string[];
  readonly healthStatus: number;
  readonly durationMs: number;
}

export class VerifyError extends Error {}

/**
 * Web Apps - List Functions: GET {appId}/functions?api-version=2025-03-01 answers
 * `{ value: [ { name: "<app>/<function>", ... } ] }` (Microsoft Learn, REST API reference for
 * App Service, web-apps/list-functions).
 */
const LIST_FUNCTIONS_API_VERSION = "2025-03-01";

export async function verifyDeployment(options: VerifyOptions): Promise<VerifyResult> {
  const fetcher = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const intervalMs = options.intervalMs ?? 5000;
  const arm = (options.armBaseUrl ?? "https://management.azure.com").replace(/\/$/, "");
  const started = now();
  let missing: readonly string[] = options.expectedFunctions;
  let listed: string[] = [];
  let lastProblem = "";

  for (;;) {
    try {
      if (missing.length > 0) {
        const response = await fetcher(`${arm}${options.appId}/functions?api-version=${LIST_FUNCTIONS_API_VERSION}`, {
          headers: { authorization: `Bearer ${await options.getToken()}` },
        });
        if (!response.ok) {
          lastProblem = `listing the functions answered ${response.status}`;
          await response.body?.cancel();
        } else {
          const body = (await response.json()) as { value?: { name?: string }[] };
          listed = (body.value ?? []).map((f) => (f.name ?? "").split("/").at(-1) ?? "");
          missing = options.expectedFunctions.filter((name) => !listed.includes(name));
          lastProblem =
            missing.length === 0 ? "" : `the host has not indexed ${missing.join(", ")} (listed: ${listed.join(", ") || "none"})`;
        }
      }
      if (missing.length === 0) {
        const health = await fetcher(options.healthUrl, { signal: AbortSignal.timeout(30_000) });
        await health.body?.cancel();
        if (health.ok) {
          log(`verified: ${listed.length} functions indexed, ${options.healthUrl} answered ${health.status}`);
          return { functions: listed, healthStatus: health.status, durationMs: now() - started };
        }
        lastProblem = `${options.healthUrl} answered ${health.status}`;
      }
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    if (now() - started >= timeoutMs) {
      throw new VerifyError(
        `the deployment finished but the app is not serving after ${Math.round(timeoutMs / 1000)} s: ${lastProblem}. Check the app's logs in Application Insights.`,
      );
    }
    log(`waiting for the app: ${lastProblem}`);
    await sleep(intervalMs);
  }
}
