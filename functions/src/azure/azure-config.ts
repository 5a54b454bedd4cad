/**
 * App settings of the Function App, read once at start-up. Only identity-based settings exist:
 * no key or connection string is read anywhere (docs/architecture.md, "Azure baseline").
 */
export interface AzureConfig {
  /** `COSMOS__accountEndpoint`: the account's https endpoint; also the trigger's connection. */
  readonly cosmosEndpoint: string;
  /** `COSMOS__clientId`: client id of the user-assigned identity; unset means system-assigned. */
  readonly cosmosClientId: string | undefined;
  /** `COSMOS_DATABASE`; default "eventstore". */
  readonly databaseName: string;
  /** `COSMOS_REQUEST_TIMEOUT_MS`; default 5000. */
  readonly requestTimeoutMs: number;
}

export class ConfigError extends Error {}

export function readAzureConfig(env: Readonly<Record<string, string | undefined>>): AzureConfig {
  const problems: string[] = [];
  const endpoint = env.COSMOS__accountEndpoint ?? "";
  if (endpoint === "") problems.push("COSMOS__accountEndpoint is not set: it must be the Cosmos DB account endpoint, e.g. https://<account>.documents.azure.com:443/");
  else if (!/^https?:\/\/[^\s/]+/.test(endpoint)) problems.push(`COSMOS__accountEndpoint must be an http(s) URL, got '${endpoint}'`);
  for (const forbidden of ["COSMOS__accountKey", "COSMOS_KEY", "COSMOS_CONNECTION_STRING", "COSMOS"]) {
    if ((env[forbidden] ?? "") !== "") problems.push(`${forbidden} is set: keys and connection strings are not accepted; use the managed identity (COSMOS__credential=managedidentity, COSMOS__clientId)`);
  }
  const timeout = env.COSMOS_REQUEST_TIMEOUT_MS ?? "5000";
  if (!/^\d{3,6}$/.test(timeout)) problems.push(`COSMOS_REQUEST_TIMEOUT_MS must be milliseconds (100-999999), got '${timeout}'`);
  if (problems.length > 0) throw new ConfigError(`invalid app settings:\n- ${problems.join("\n- ")}`);
  const clientId = env.COSMOS__clientId;
  return {
    cosmosEndpoint: endpoint,
    cosmosClientId: clientId === undefined || clientId === "" ? undefined : clientId,
    databaseName: env.COSMOS_DATABASE ?? "eventstore",
    requestTimeoutMs: Number(timeout),
  };
}
