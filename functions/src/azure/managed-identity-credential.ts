import type { AccessToken, TokenCredential } from "@azure/core-auth";

const REFRESH_MARGIN_MS = 5 * 60_000;

export interface ManagedIdentityOptions {
  /** User-assigned identity's client id; undefined for the system-assigned one. */
  readonly clientId: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly fetch?: typeof fetch;
}

/**
 * Tokens from the managed identity endpoint that App Service and Functions expose to the app
 * (IDENTITY_ENDPOINT with the IDENTITY_HEADER secret). About sixty lines instead of
 * @azure/identity, which would add some 370 KB to a bundle whose budget is 600 KB. Tokens are
 * cached per resource until five minutes before they expire.
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
      throw new Error("no managed identity here: IDENTITY_ENDPOINT and IDENTITY_HEADER are not set (is an identity assigned to the Function App?)");
    }
    const url = new URL(endpoint);
    url.searchParams.set("api-version", "2019-08-01");
    url.searchParams.set("resource", resource);
    if (this.options.clientId !== undefined) url.searchParams.set("client_id", this.options.clientId);
    const response = await this.fetcher(url, { headers: { "X-IDENTITY-HEADER": secret }, signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`managed identity endpoint answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    const body = (await response.json()) as { access_token?: string; expires_on?: string | number };
    if (typeof body.access_token !== "string" || body.expires_on === undefined) throw new Error("managed identity endpoint answered without access_token or expires_on");
    const token = { token: body.access_token, expiresOnTimestamp: Number(body.expires_on) * 1000 };
    this.cache.set(resource, token);
    return token;
  }
}
