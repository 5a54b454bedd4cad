import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/**
 * The stack's settings, read and validated once. Every key is optional except `location`; the
 * defaults suit a small dev or workshop stack (serverless Cosmos DB, one region, nothing
 * protected, so `pulumi destroy` cleans up after a workshop).
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
  /** `flexMemoryQuotaMB`: the subscription's Flex Consumption memory quota in this region; default 512000. */
  readonly flexMemoryQuotaMB: number;
  /** `logRetentionDays`: Log Analytics retention; default 30 (30-730). */
  readonly logRetentionDays: number;
  /** `alertEmail`: where alerts go; default none (alerts still fire and show in the portal). */
  readonly alertEmail: string | undefined;
  /** `projectionLagAlertSeconds`: alert when the projection lags more; default 60. */
  readonly projectionLagAlertSeconds: number;
  /** `projectorStallAlertMinutes`: alert when appends succeed but the projector made no progress for this long; default 15. */
  readonly projectorStallAlertMinutes: number;
  /** `protectData`: protect the Cosmos account, database and `events` container from deletion; default false. */
  readonly protectData: boolean;
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

/**
 * Flex Consumption's default memory quota per subscription and region, shared by every Flex app
 * there: "each region in a given subscription has a memory limit of 512,000 MB for all instances
 * of apps running on Flex Consumption plans" (learn.microsoft.com/azure/azure-functions/
 * flex-consumption-plan#regional-subscription-memory-quotas). It can be raised by a support
 * ticket, hence `flexMemoryQuotaMB`.
 */
export const FLEX_DEFAULT_MEMORY_QUOTA_MB = 512_000;

const KEYS = [
  "location",
  "cosmosThroughput",
  "cosmosAutoscaleMaxThroughput",
  "cosmosZoneRedundant",
  "cosmosSecondaryLocation",
  "cosmosBackupTier",
  "functionInstanceMemoryMB",
  "functionMaximumInstances",
  "functionAlwaysReadyInstances",
  "flexMemoryQuotaMB",
  "logRetentionDays",
  "alertEmail",
  "projectionLagAlertSeconds",
  "projectorStallAlertMinutes",
  "protectData",
  "owner",
  "deployCode",
  "viewsGeneration",
  "viewsRetireBelow",
] as const;
type Key = (typeof KEYS)[number];

const REGION = /^[a-z][a-z0-9]{2,30}$/;
const regionMessage = "must be an Azure region name such as westeurope";

const optional = <T extends z.ZodType>(schema: T) => schema.optional();
const oneOf = <const T extends readonly [string, ...string[]]>(allowed: T, fallback: T[number]) =>
  optional(z.enum(allowed, { error: `must be one of ${allowed.join(", ")}` })).transform((v) => v ?? fallback);
const wholeNumber = (min: number, max: number, fallback: number) =>
  optional(
    z.string().refine((s) => /^\d+$/.test(s) && Number(s) >= min && Number(s) <= max, `must be a whole number from ${min} to ${max}`),
  ).transform((s) => (s === undefined ? fallback : Number(s)));
const bool = (fallback: boolean) =>
  optional(z.enum(["true", "false"], { error: "must be true or false" })).transform((v) => (v === undefined ? fallback : v === "true"));

/** One schema per key, over the raw string; each message completes "<project>:<key> ...". */
const FIELDS = {
  location: z.string({ error: "is required: the Azure region, e.g. `pulumi config set location westeurope`" }).regex(REGION, regionMessage),
  cosmosThroughput: oneOf(["serverless", "autoscale"], "serverless"),
  cosmosAutoscaleMaxThroughput: wholeNumber(1000, 1_000_000, 1000),
  cosmosZoneRedundant: bool(false),
  cosmosSecondaryLocation: optional(z.string().regex(REGION, regionMessage)),
  cosmosBackupTier: oneOf(["Continuous7Days", "Continuous30Days"], "Continuous7Days"),
  functionInstanceMemoryMB: optional(z.enum(["512", "2048", "4096"], { error: "must be 512, 2048 or 4096" })).transform(
    (v) => Number(v ?? "2048") as 512 | 2048 | 4096,
  ),
  // Flex Consumption: "The lowest maximum scale is currently 40. The highest currently supported value is 1000." (flex-consumption-plan#considerations)
  functionMaximumInstances: wholeNumber(40, 1000, 40),
  functionAlwaysReadyInstances: wholeNumber(0, 20, 0),
  flexMemoryQuotaMB: wholeNumber(2048, 100_000_000, FLEX_DEFAULT_MEMORY_QUOTA_MB),
  logRetentionDays: wholeNumber(30, 730, 30),
  alertEmail: optional(z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "must be an e-mail address")),
  projectionLagAlertSeconds: wholeNumber(5, 3600, 60),
  // The stall alert's window (a log search alert's windowSize): one of the window sizes the
  // portal offers for log search alerts up to an hour (azure-monitor/alerts/alerts-create-log-alert-rule).
  projectorStallAlertMinutes: optional(z.enum(["5", "10", "15", "30", "45", "60"], { error: "must be 5, 10, 15, 30, 45 or 60" })).transform(
    (v) => Number(v ?? "15"),
  ),
  protectData: bool(false),
  owner: optional(z.string().min(1, "must not be empty")),
  deployCode: bool(true),
  viewsGeneration: wholeNumber(1, 1000, 1),
  viewsRetireBelow: wholeNumber(1, 1000, 1),
} satisfies Record<Key, z.ZodType>;
type Parsed = { [K in Key]: z.output<(typeof FIELDS)[K]> };

/** Rules over several keys, on values that passed their own schema; each names the keys it involves. */
function crossFieldProblems(c: Parsed, project: string): string[] {
  const problems: string[] = [];
  if (c.cosmosThroughput === "serverless" && c.cosmosSecondaryLocation !== undefined) {
    problems.push(`${project}:cosmosSecondaryLocation needs cosmosThroughput autoscale: serverless accounts have one region`);
  }
  if (c.viewsRetireBelow > c.viewsGeneration) {
    problems.push(
      `${project}:viewsRetireBelow must be at most viewsGeneration (${c.viewsGeneration}): the newest generation serves reads; got '${c.viewsRetireBelow}'`,
    );
  }
  const memory = c.functionInstanceMemoryMB * c.functionMaximumInstances;
  if (memory > c.flexMemoryQuotaMB) {
    problems.push(
      `${project}:functionMaximumInstances × ${project}:functionInstanceMemoryMB is ${c.functionMaximumInstances} × ${c.functionInstanceMemoryMB} MB = ${memory} MB, ` +
        `above the Flex Consumption memory quota of ${c.flexMemoryQuotaMB} MB per subscription and region: lower either ` +
        `(at most ${Math.floor(c.flexMemoryQuotaMB / c.functionInstanceMemoryMB)} instances of ${c.functionInstanceMemoryMB} MB), or set flexMemoryQuotaMB once Azure support raised the quota`,
    );
  }
  return problems;
}

/** Reads the stack's config; throws one StackConfigError naming every bad key. */
export function readStackConfig(config = new pulumi.Config(), project = pulumi.getProject(), stack = pulumi.getStack()): StackConfig {
  const problems: string[] = [];
  const values: Partial<Record<Key, unknown>> = {};
  for (const key of KEYS) {
    const raw = config.get(key);
    const result = FIELDS[key].safeParse(raw);
    if (result.success) {
      values[key] = result.data;
      continue;
    }
    for (const issue of result.error.issues)
      problems.push(`${project}:${key} ${issue.message}${raw === undefined ? "" : `; got '${raw}'`}`);
    // Go on with the default, so that one run reports every problem, the cross-field ones included.
    values[key] = FIELDS[key].safeParse(undefined).data;
  }
  const c = values as Parsed;
  problems.push(...crossFieldProblems(c, project));
  if (problems.length > 0) throw new StackConfigError(`stack ${stack} has invalid config:\n- ${problems.join("\n- ")}`);
  return { project, stack, ...c, owner: c.owner ?? stack };
}

/** Tags on every resource; the policy pack requires them. */
export function tagsOf(config: StackConfig): Record<string, string> {
  return { project: config.project, environment: config.stack, owner: config.owner, "managed-by": "pulumi" };
}

export const REQUIRED_TAGS = ["project", "environment", "owner", "managed-by"] as const;
