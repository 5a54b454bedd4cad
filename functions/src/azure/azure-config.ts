/**
 * App settings of the Function App, read once at start-up. Only identity-based settings exist:
 * no key or connection string is read anywhere. App settings reach the code as environment
 * variables, and changing one restarts the app
 * (https://learn.microsoft.com/azure/azure-functions/functions-app-settings).
 */
// zod/mini: the same validation as zod, tree-shaken, for a bundle with a size budget.
import * as z from "zod/mini";

export interface AzureConfig {
  /** `COSMOS__accountEndpoint`: the account's https endpoint; also the trigger's connection. */
  readonly cosmosEndpoint: string;
  /** `COSMOS__clientId`: client id of the user-assigned identity; unset means system-assigned. */
  readonly cosmosClientId: string | undefined;
  /** `COSMOS_DATABASE`; default "eventstore". */
  readonly databaseName: string;
  /** `COSMOS_REQUEST_TIMEOUT_MS`; default 5000. */
  readonly requestTimeoutMs: number;
  /**
   * `VIEWS_GENERATIONS`: the live generations of the views, oldest first, e.g. "1,2"; default
   * "1". Each gets its container and its change-feed projector; the stack sets it, and the
   * restart that a change causes registers the projectors anew.
   */
  readonly viewsGenerations: readonly number[];
}

export class ConfigError extends Error {}

const FORBIDDEN = ["COSMOS__accountKey", "COSMOS_KEY", "COSMOS_CONNECTION_STRING", "COSMOS"] as const;
const unset = (value: string | undefined) => value === undefined || value === "";

const toGenerations = (raw: string): number[] => raw.split(",").map((part) => Number(part.trim()));
const isGenerationList = (raw: string): boolean => {
  const list = toGenerations(raw);
  return /^\s*\d+\s*(,\s*\d+\s*)*$/.test(raw) && list.every((g, i) => g >= 1 && (i === 0 || g > (list[i - 1] ?? 0)));
};

const ENDPOINT_MISSING =
  "COSMOS__accountEndpoint is not set: it must be the Cosmos DB account endpoint, e.g. https://<account>.documents.azure.com:443/";
const got = (issue: { input?: unknown }) => `got '${String(issue.input)}'`;

const settings = z.object({
  COSMOS__accountEndpoint: z
    .string({ error: ENDPOINT_MISSING })
    .check(
      z.minLength(1, ENDPOINT_MISSING),
      z.regex(/^https?:\/\/[^\s/]+/, { error: (issue) => `COSMOS__accountEndpoint must be an http(s) URL, ${got(issue)}` }),
    ),
  COSMOS__clientId: z.optional(z.string()),
  COSMOS_DATABASE: z._default(z.string().check(z.minLength(1, "COSMOS_DATABASE must not be empty")), "eventstore"),
  COSMOS_REQUEST_TIMEOUT_MS: z._default(
    z
      .string()
      .check(z.regex(/^\d{3,6}$/, { error: (issue) => `COSMOS_REQUEST_TIMEOUT_MS must be milliseconds (100-999999), ${got(issue)}` })),
    "5000",
  ),
  VIEWS_GENERATIONS: z._default(
    z.string().check(
      z.refine(isGenerationList, {
        error: (issue) => `VIEWS_GENERATIONS must list generations (whole numbers from 1) in ascending order, e.g. "1,2"; ${got(issue)}`,
      }),
    ),
    "1",
  ),
  // Keys and connection strings are refused by name, each with its own message.
  ...Object.fromEntries(
    FORBIDDEN.map((key) => [
      key,
      z.optional(
        z
          .string()
          .check(
            z.refine(
              unset,
              `${key} is set: keys and connection strings are not accepted; use the managed identity (COSMOS__credential=managedidentity, COSMOS__clientId)`,
            ),
          ),
      ),
    ]),
  ),
});

export function readAzureConfig(env: Readonly<Record<string, string | undefined>>): AzureConfig {
  const parsed = settings.safeParse(env);
  if (!parsed.success) throw new ConfigError(`invalid app settings:\n- ${parsed.error.issues.map((issue) => issue.message).join("\n- ")}`);
  const { data } = parsed;
  return {
    cosmosEndpoint: data.COSMOS__accountEndpoint,
    cosmosClientId: unset(data.COSMOS__clientId) ? undefined : data.COSMOS__clientId,
    databaseName: data.COSMOS_DATABASE,
    requestTimeoutMs: Number(data.COSMOS_REQUEST_TIMEOUT_MS),
    viewsGenerations: toGenerations(data.VIEWS_GENERATIONS),
  };
}
