import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { StoreUnavailableError } from "../eventstore/errors.js";

const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Transient answers of the identity endpoint: "It's recommended to retry if you receive a 404,
 * 429, or 5xx error code" (Microsoft Learn, "How to use managed identities for Azure resources
 * on an Azure VM to acquire an access token", Retry guidance). App Service's endpoint answers 404
 * for an identity that is not assigned, a permanent mistake, so only 429 and 5xx are retried here.
 */
function isTransient(status: number): boolean {
  return status === 429 || status >= 500;
}

export interface IdentityRetryPolicy {
  /** Attempts in all; default 4. */
  readonly maxAttempts: number;
  /** Longest total wait between attempts, so a request never hangs on the identity endpoint; default 3000 ms. */
  readonly maxTotalWaitMs: number;
  /** First back-off when the endpoint names no Retry-After; doubles each time; default 200 ms. */
  readonly baseDelayMs: number;
}

export const DEFAULT_IDENTITY_RETRY: IdentityRetryPolicy = { maxAttempts: 4, maxTotalWaitMs: 3000, baseDelayMs: 200 };

function retryAfterMs(response: Response): number | undefined {
  const header = response.headers.get("retry-after");
  if (header === null) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

export interface ManagedIdentityOptions {
  /** User-assigned identity's client id; undefined for the system-assigned one. */
  readonly clientId: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly fetch?: typeof fetch;
  readonly retry?: IdentityRetryPolicy;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Tokens from the managed identity endpoint that App Service and Functions expose to the app
 * (IDENTITY_ENDPOINT with the IDENTITY_HEADER secret). About sixty lines instead of
 * @azure/identity, which would add some 370 KB to a bundle whose budget is 600 KB. Tokens are
 * cached per resource until five minutes before they expire. Throttling (429) and server errors
 * from the endpoint are retried within a bound; past it the credential throws
 * StoreUnavailableError, which the Cosmos SDK passes through unchanged, so the API answers 503
 * with Retry-After instead of 500.
 */
export class ManagedIdentityCredential implements TokenCredential {
  private readonly cache = new Map<string, AccessToken>();
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly fetcher: typeof fetch;

  constructor(private readonly options: ManagedIdentityOptions) {
    this.env = options.env ?? process.env;
    this.fetcher = options.fetch ?? fetch;
  }

  async getToken(scopes: string | string[]): Promise<AccessToken> {
    const scope = Array.isArray(scopes) ? (scopes[0] ?? "") : scopes;
    const resource = scope.replace(/\/\.default$/, "");
    const cached = this.cache.get(resource);
    if (cached && cached.expiresOnTimestamp - REFRESH_MARGIN_MS > Date.now()) return cached;
    const endpoint = this.env.IDENTITY_ENDPOINT;
    const secret = this.env.IDENTITY_HEADER;
    if (endpoint === undefined || secret === undefined) {
      throw new Error(
        "no managed identity here: IDENTITY_ENDPOINT and IDENTITY_HEADER are not set (is an identity assigned to the Function App?)",
      );
    }
    const url = new URL(endpoint);
    url.searchParams.set("api-version", "2019-08-01");
    url.searchParams.set("resource", resource);
    if (this.options.clientId !== undefined) url.searchParams.set("client_id", this.options.clientId);
    const response = await this.requestWithRetry(url, secret);
    const body = (await response.json()) as { access_token?: string; expires_on?: string | number };
    if (typeof body.access_token !== "string" || body.expires_on === undefined)
      throw new Error("managed identity endpoint answered without access_token or expires_on");
    const token = { token: body.access_token, expiresOnTimestamp: Number(body.expires_on) * 1000 };
    this.cache.set(resource, token);
    return token;
  }

  private async requestWithRetry(url: URL, secret: string): Promise<Response> {
    const policy = this.options.retry ?? DEFAULT_IDENTITY_RETRY;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      let response: Response | undefined;
      let failure = "";
      try {
        response = await this.fetcher(url, { headers: { "X-IDENTITY-HEADER": secret }, signal: AbortSignal.timeout(10_000) });
      } catch (error) {
        // A dropped connection or a timeout is as transient as a 503.
        failure = error instanceof Error ? error.message : String(error);
      }
      if (response !== undefined) {
        if (response.ok) return response;
        const text = (await response.text()).slice(0, 300);
        if (!isTransient(response.status)) throw new Error(`managed identity endpoint answered ${response.status}: ${text}`);
        failure = `answered ${response.status}: ${text}`;
      }
      const serverDelay = response === undefined ? undefined : retryAfterMs(response);
      const delay = serverDelay ?? policy.baseDelayMs * 2 ** (attempt - 1);
      if (attempt >= policy.maxAttempts || waited + delay > policy.maxTotalWaitMs) {
        throw new StoreUnavailableError(
          `managed identity endpoint unavailable after ${attempt} attempts over ${waited} ms: ${failure}`,
          Math.max(delay, 1000),
        );
      }
      await sleep(delay);
      waited += delay;
    }
  }
}
