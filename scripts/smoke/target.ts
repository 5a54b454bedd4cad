import { execFile } from "node:child_process";
import { promisify } from "node:util";

/** Where the smoke runs: the API's base URL (ending in /api) and the function key, if any. */
export interface SmokeTarget {
  readonly apiBaseUrl: string;
  readonly key: string | undefined;
  readonly source: string;
}

export interface SmokeArgs {
  readonly baseUrl: string | undefined;
  readonly key: string | undefined;
  readonly stack: string | undefined;
  readonly viewsTimeoutMs: number;
}

export class UsageError extends Error {}

/** The stack's outputs could not be read: the CLI failed, or the stack has not been deployed. */
export class StackOutputError extends Error {}

export const USAGE = `usage: npm run smoke -- --base-url <url> [--key <function key>] [--views-timeout <seconds>]
       npm run smoke -- --stack <name> [--views-timeout <seconds>]   (reads apiBaseUrl and functionKey from the stack's outputs)`;

export function parseArgs(argv: readonly string[]): SmokeArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? "";
    if (!["--base-url", "--key", "--stack", "--views-timeout"].includes(flag)) throw new UsageError(`unknown argument '${flag}'`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    values.set(flag, value);
    i++;
  }
  const baseUrl = values.get("--base-url");
  const stack = values.get("--stack");
  if ((baseUrl === undefined) === (stack === undefined)) throw new UsageError("give either --base-url or --stack");
  if (stack !== undefined && values.has("--key")) throw new UsageError("--key goes with --base-url; --stack reads the key from the stack");
  const seconds = Number(values.get("--views-timeout") ?? "60");
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError("--views-timeout must be a positive number of seconds");
  return { baseUrl, key: values.get("--key"), stack, viewsTimeoutMs: seconds * 1000 };
}

/** `https://host`, `https://host/` and `https://host/api/` all mean `https://host/api`. */
export function apiBaseOf(url: string): string {
  const trimmed = url.replace(/\/+$/, "");
  if (!/^https?:\/\//.test(trimmed)) throw new UsageError(`--base-url must start with http:// or https://; got '${url}'`);
  return trimmed.endsWith("/api") ? trimmed : `${trimmed}/api`;
}

/**
 * Reads `apiBaseUrl` and `functionKey` with `pulumi stack output --json --show-secrets --stack
 * <name>` (Pulumi CLI reference, pulumi stack output: `--json` emits the outputs as JSON,
 * `--show-secrets` shows secret outputs in plaintext, `--stack` names the stack).
 */
export async function stackTarget(stack: string, run = promisify(execFile)): Promise<SmokeTarget> {
  let stdout: string;
  try {
    ({ stdout } = await run("pulumi", ["stack", "output", "--json", "--show-secrets", "--stack", stack], { maxBuffer: 4 * 1024 * 1024 }));
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || (error instanceof Error ? error.message : String(error));
    throw new StackOutputError(`could not read the outputs of stack '${stack}' with the pulumi CLI: ${detail}`);
  }
  const outputs = JSON.parse(stdout) as { apiBaseUrl?: unknown; functionKey?: unknown };
  if (typeof outputs.apiBaseUrl !== "string" || outputs.apiBaseUrl === "")
    throw new StackOutputError(`stack '${stack}' has no apiBaseUrl output: has \`pulumi up\` finished?`);
  const key = typeof outputs.functionKey === "string" && outputs.functionKey !== "" ? outputs.functionKey : undefined;
  return { apiBaseUrl: apiBaseOf(outputs.apiBaseUrl), key, source: `stack ${stack}` };
}

export async function resolveTarget(args: SmokeArgs): Promise<SmokeTarget> {
  if (args.stack !== undefined) return stackTarget(args.stack);
  return { apiBaseUrl: apiBaseOf(args.baseUrl ?? ""), key: args.key, source: "--base-url" };
}
