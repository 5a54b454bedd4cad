import * as pulumi from "@pulumi/pulumi";

/**
 * The stack's settings, read and validated once. Every key is optional except `location`; the
 * defaults suit a small dev or workshop stack (serverless Cosmos DB, one region).
 */
export interface StackConfig {
  readonly project: string;
  readonly stack: string;
  /** `location`: Azure region of every resource. Required. */
  readonly location: string;
  /** `cosmosThroughput`: "serverless" (default) or "autoscale". */
  readonly cosmosThroughput: "serverless" | "autoscale";
  /** `cosmosAutoscaleMaxThroughput`: RU/s ceiling of the database with autoscale; default 1000 (1000-1000000). */
  readonly cosmosAutoscaleMaxThroughput: number;
  /** `cosmosZoneRedundant`: spread the account over availability zones; default false. */
  readonly cosmosZoneRedundant: boolean;
  /** `cosmosSecondaryLocation`: a second region for reads and failover; default none. */
  readonly cosmosSecondaryLocation: string | undefined;
  /** `cosmosBackupTier`: continuous backup window, "Continuous7Days" (default) or "Continuous30Days". */
  readonly cosmosBackupTier: "Continuous7Days" | "Continuous30Days";
  /** `functionInstanceMemoryMB`: 512, 2048 (default) or 4096. */
  readonly functionInstanceMemoryMB: 512 | 2048 | 4096;
  /** `functionMaximumInstances`: scale-out ceiling; default 40 (40-1000). */
  readonly functionMaximumInstances: number;
  /** `functionAlwaysReadyInstances`: HTTP instances kept warm; default 0 (0-20). */
  readonly functionAlwaysReadyInstances: number;
  /** `logRetentionDays`: Log Analytics retention; default 30 (30-730). */
  readonly logRetentionDays: number;
  /** `alertEmail`: where alerts go; default none (alerts still fire and show in the portal). */
  readonly alertEmail: string | undefined;
  /** `projectionLagAlertSeconds`: alert when the projection lags more; default 60. */
  readonly projectionLagAlertSeconds: number;
  /** `owner`: the `owner` tag; default the stack name. */
  readonly owner: string;
  /** `deployCode`: build and deploy the functions bundle in `pulumi up`; default true. */
  readonly deployCode: boolean;
  /** `viewsGeneration`: the newest generation of the views; raise it by one to rebuild them (ADR 11). Default 1. */
  readonly viewsGeneration: number;
  /** `viewsRetireBelow`: generations below this one are removed; default 1 (none). At most viewsGeneration. */
  readonly viewsRetireBelow: number;
}

export class StackConfigError extends Error {}

type Reader = { key: string; raw: string | undefined };

/** Reads the stack's config; throws one StackConfigError naming every bad key. */
export function readStackConfig(config = new pulumi.Config(), project = pulumi.getProject(), stack = pulumi.getStack()): StackConfig {
  const problems: string[] = [];
  const read = (key: string): Reader => ({ key, raw: config.get(key) });
  const oneOf = <T extends string>({ key, raw }: Reader, allowed: readonly T[], fallback: T): T => {
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${project}:${key} must be one of ${allowed.join(", ")}; got '${raw}'`);
    return fallback;
  };
  const int = ({ key, raw }: Reader, min: number, max: number, fallback: number): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    problems.push(`${project}:${key} must be a whole number from ${min} to ${max}; got '${raw}'`);
    return fallback;
  };
  const bool = ({ key, raw }: Reader, fallback: boolean): boolean => {
    if (raw === undefined) return fallback;
    if (raw === "true" || raw === "false") return raw === "true";
    problems.push(`${project}:${key} must be true or false; got '${raw}'`);
    return fallback;
  };
  const region = ({ key, raw }: Reader): string | undefined => {
    if (raw === undefined) return undefined;
    if (/^[a-z][a-z0-9]{2,30}$/.test(raw)) return raw;
    problems.push(`${project}:${key} must be an Azure region name such as westeurope; got '${raw}'`);
    return undefined;
  };

  const location = region(read("location"));
  if (location === undefined && config.get("location") === undefined) problems.push(`${project}:location is required: the Azure region, e.g. \`pulumi config set location westeurope\``);
  const alertEmail = read("alertEmail");
  if (alertEmail.raw !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alertEmail.raw)) problems.push(`${project}:alertEmail must be an e-mail address; got '${alertEmail.raw}'`);
  const memory = int(read("functionInstanceMemoryMB"), 512, 4096, 2048);
  if (![512, 2048, 4096].includes(memory)) problems.push(`${project}:functionInstanceMemoryMB must be 512, 2048 or 4096; got '${memory}'`);
  const throughput = oneOf(read("cosmosThroughput"), ["serverless", "autoscale"], "serverless");
  const zoneRedundant = bool(read("cosmosZoneRedundant"), false);
  const secondary = region(read("cosmosSecondaryLocation"));
  if (throughput === "serverless" && secondary !== undefined) problems.push(`${project}:cosmosSecondaryLocation needs cosmosThroughput autoscale: serverless accounts have one region`);

  const result: StackConfig = {
    project,
    stack,
    location: location ?? "",
    cosmosThroughput: throughput,
    cosmosAutoscaleMaxThroughput: int(read("cosmosAutoscaleMaxThroughput"), 1000, 1_000_000, 1000),
    cosmosZoneRedundant: zoneRedundant,
    cosmosSecondaryLocation: secondary,
    cosmosBackupTier: oneOf(read("cosmosBackupTier"), ["Continuous7Days", "Continuous30Days"], "Continuous7Days"),
    functionInstanceMemoryMB: memory as 512 | 2048 | 4096,
    functionMaximumInstances: int(read("functionMaximumInstances"), 40, 1000, 40),
    functionAlwaysReadyInstances: int(read("functionAlwaysReadyInstances"), 0, 20, 0),
    logRetentionDays: int(read("logRetentionDays"), 30, 730, 30),
    alertEmail: alertEmail.raw,
    projectionLagAlertSeconds: int(read("projectionLagAlertSeconds"), 5, 3600, 60),
    owner: config.get("owner") ?? stack,
    deployCode: bool(read("deployCode"), true),
    viewsGeneration: int(read("viewsGeneration"), 1, 1000, 1),
    viewsRetireBelow: int(read("viewsRetireBelow"), 1, 1000, 1),
  };
  if (result.viewsRetireBelow > result.viewsGeneration) problems.push(`${project}:viewsRetireBelow must be at most viewsGeneration (${result.viewsGeneration}): the newest generation serves reads; got '${result.viewsRetireBelow}'`);
  if (problems.length > 0) throw new StackConfigError(`stack ${stack} has invalid config:\n- ${problems.join("\n- ")}`);
  return result;
}

/** Tags on every resource; the policy pack requires them. */
export function tagsOf(config: StackConfig): Record<string, string> {
  return { project: config.project, environment: config.stack, owner: config.owner, "managed-by": "pulumi" };
}

export const REQUIRED_TAGS = ["project", "environment", "owner", "managed-by"] as const;
