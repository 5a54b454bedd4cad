/**
 * The security and resource baseline of docs/architecture.md ("Azure baseline") as pure checks over a resource's
 * inputs, so the policy pack and its tests share one definition. Each returns its violations.
 */
import { REQUIRED_TAGS } from "../infra/config.js";

/** A resource's inputs as the policy engine hands them over: untyped JSON. */
export type Props = Record<string, unknown>;

export interface BaselineRule {
  readonly name: string;
  readonly description: string;
  /** Resource types the rule inspects. */
  readonly types: readonly string[];
  readonly check: (props: Props) => string[];
}

/** The value at a path of nested objects, or undefined. */
function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) current = typeof current === "object" && current !== null ? (current as Record<string, unknown>)[key] : undefined;
  return current;
}

const T = {
  cosmosAccount: "azure-native:cosmosdb:DatabaseAccount",
  storageAccount: "azure-native:storage:StorageAccount",
  webApp: "azure-native:web:WebApp",
  appInsights: "azure-native:applicationinsights:Component",
  ftpAllowed: "azure-native:web:WebAppFtpAllowed",
  scmAllowed: "azure-native:web:WebAppScmAllowed",
} as const;

/** Resource types this project creates that carry tags. */
export const TAGGED_TYPES = [
  "azure-native:resources:ResourceGroup",
  T.cosmosAccount,
  "azure-native:cosmosdb:SqlResourceSqlDatabase",
  "azure-native:cosmosdb:SqlResourceSqlContainer",
  T.storageAccount,
  "azure-native:web:AppServicePlan",
  T.webApp,
  "azure-native:managedidentity:UserAssignedIdentity",
  "azure-native:operationalinsights:Workspace",
  T.appInsights,
  "azure-native:monitor:ActionGroup",
  "azure-native:monitor:MetricAlert",
  "azure-native:monitor:ScheduledQueryRule",
  "azure-native:applicationinsights:Workbook",
] as const;

/** Settings that are keys or connection strings, or that Flex Consumption no longer takes. */
export const FORBIDDEN_APP_SETTINGS = [
  "AzureWebJobsStorage",
  "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
  "WEBSITE_CONTENTSHARE",
  "WEBSITE_RUN_FROM_PACKAGE",
  "FUNCTIONS_WORKER_RUNTIME",
  "FUNCTIONS_EXTENSION_VERSION",
  "WEBSITE_NODE_DEFAULT_VERSION",
  "SCM_DO_BUILD_DURING_DEPLOYMENT",
  "ENABLE_ORYX_BUILD",
  "WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT",
  "COSMOS",
  "COSMOS__accountKey",
  "APPINSIGHTS_INSTRUMENTATIONKEY",
];
const SECRET_LOOKING = /AccountKey=|SharedAccessSignature=|SharedAccessKey=|Password=|[?&]sig=/i;

const violation = (condition: boolean, message: string): string[] => (condition ? [] : [message]);

export const BASELINE_RULES: readonly BaselineRule[] = [
  {
    name: "cosmos-identity-only",
    description: "Cosmos DB accounts take Entra ID only: local (key) auth and key-based metadata writes are off.",
    types: [T.cosmosAccount],
    check: (p) => [
      ...violation(p.disableLocalAuth === true, "disableLocalAuth must be true: keys must not open the account"),
      ...violation(p.disableKeyBasedMetadataWriteAccess === true, "disableKeyBasedMetadataWriteAccess must be true"),
    ],
  },
  {
    name: "cosmos-tls12-and-continuous-backup",
    description: "Cosmos DB accounts require TLS 1.2 and keep continuous backup.",
    types: [T.cosmosAccount],
    check: (p) => [
      ...violation(p.minimalTlsVersion === "Tls12", `minimalTlsVersion must be Tls12, is ${String(p.minimalTlsVersion)}`),
      ...violation(at(p, "backupPolicy", "type") === "Continuous", "backupPolicy must be Continuous (point-in-time restore)"),
    ],
  },
  {
    name: "storage-no-shared-key",
    description: "Storage accounts take Entra ID only, over HTTPS with TLS 1.2, and expose no public blobs.",
    types: [T.storageAccount],
    check: (p) => [
      ...violation(p.allowSharedKeyAccess === false, "allowSharedKeyAccess must be false"),
      ...violation(p.allowBlobPublicAccess !== true, "allowBlobPublicAccess must not be true"),
      ...violation(p.minimumTlsVersion === "TLS1_2", `minimumTlsVersion must be TLS1_2, is ${String(p.minimumTlsVersion)}`),
      ...violation(p.enableHttpsTrafficOnly !== false, "enableHttpsTrafficOnly must not be false"),
    ],
  },
  {
    name: "function-app-https-tls12",
    description: "Function Apps serve HTTPS only with TLS 1.2 and no FTP.",
    types: [T.webApp],
    check: (p) => [
      ...violation(p.httpsOnly === true, "httpsOnly must be true"),
      ...violation(at(p, "siteConfig", "minTlsVersion") === "1.2", "siteConfig.minTlsVersion must be 1.2"),
      ...violation(at(p, "siteConfig", "ftpsState") === "Disabled", "siteConfig.ftpsState must be Disabled"),
    ],
  },
  {
    name: "function-app-identity-based-settings",
    description: "Function Apps run as a user-assigned identity and connect with it: no key, connection string or deprecated Flex setting.",
    types: [T.webApp],
    check: (p) => {
      const settings = (at(p, "siteConfig", "appSettings") ?? []) as { name?: string; value?: string }[];
      const names = new Set(settings.map((s) => s.name));
      return [
        ...violation((at(p, "identity", "type") as string | undefined ?? "").includes("UserAssigned"), "identity must be UserAssigned"),
        ...settings.filter((s) => FORBIDDEN_APP_SETTINGS.includes(s.name ?? "")).map((s) => `app setting ${s.name ?? ""} is a key, a connection string or deprecated on Flex Consumption`),
        ...settings.filter((s) => SECRET_LOOKING.test(s.value ?? "")).map((s) => `app setting ${s.name ?? ""} holds what looks like a key`),
        ...violation(names.has("AzureWebJobsStorage__accountName") && names.has("AzureWebJobsStorage__credential"), "host storage must be identity-based (AzureWebJobsStorage__accountName, __credential)"),
        ...violation(!names.has("COSMOS__accountEndpoint") || settings.some((s) => s.name === "COSMOS__credential" && s.value === "managedidentity"), "COSMOS__credential must be managedidentity"),
      ];
    },
  },
  {
    name: "no-basic-publishing-credentials",
    description: "FTP and SCM basic (user name and password) publishing credentials are off.",
    types: [T.ftpAllowed, T.scmAllowed],
    check: (p) => violation(p.allow === false, "basic publishing credentials must be disallowed (allow: false)"),
  },
  {
    name: "app-insights-no-local-auth",
    description: "Application Insights takes telemetry only with an Entra token.",
    types: [T.appInsights],
    check: (p) => violation(p.disableLocalAuth === true, "disableLocalAuth must be true"),
  },
  {
    name: "required-tags",
    description: `Every taggable resource carries the tags ${REQUIRED_TAGS.join(", ")}.`,
    types: TAGGED_TYPES,
    check: (p) => {
      const tags = (p.tags ?? {}) as Record<string, unknown>;
      const missing = REQUIRED_TAGS.filter((t) => typeof tags[t] !== "string" || tags[t] === "");
      return missing.length === 0 ? [] : [`missing tags: ${missing.join(", ")}`];
    },
  },
];

/** All violations of the baseline by one resource. */
export function violationsOf(type: string, props: Props): { rule: string; message: string }[] {
  return BASELINE_RULES.filter((r) => r.types.includes(type)).flatMap((r) => r.check(props).map((message) => ({ rule: r.name, message })));
}
