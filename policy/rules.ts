/**
 * The project's security and resource baseline (docs/architecture.md, "Azure baseline") as pure
 * checks over a resource's inputs, so the policy pack and its tests share one definition. Each
 * returns its violations.
 */
import { REQUIRED_TAGS } from "../infra/config.js";
import { flexRejectionsIn } from "./flex-consumption-rules.js";

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

/** Settings that are keys or connection strings (what Flex rejects is in flex-consumption-rules.ts). */
export const FORBIDDEN_APP_SETTINGS = ["AzureWebJobsStorage", "COSMOS", "COSMOS__accountKey", "APPINSIGHTS_INSTRUMENTATIONKEY"];
const SECRET_LOOKING = /AccountKey=|SharedAccessSignature=|SharedAccessKey=|Password=|[?&]sig=/i;

const violation = (condition: boolean, message: string): string[] => (condition ? [] : [message]);

/**
 * Minimum TLS versions of 1.2 or stricter, as each resource provider spells them. Storage:
 * TLS1_0 to TLS1_3 (MinimumTlsVersion in @pulumi/azure-native types/enums/storage); App Service
 * and Functions: "1.0" to "1.3" (SupportedTlsVersions in types/enums/web); Cosmos DB: Tls, Tls11,
 * Tls12 (MinimalTlsVersion in types/enums/cosmosdb).
 */
export const TLS_AT_LEAST_12 = {
  storage: ["TLS1_2", "TLS1_3"],
  web: ["1.2", "1.3"],
  cosmos: ["Tls12"],
} as const;
const tlsAtLeast12 = (allowed: readonly string[], value: unknown, property: string) =>
  violation(
    typeof value === "string" && allowed.includes(value),
    `${property} must be TLS 1.2 or later (${allowed.join(" or ")}), is ${String(value)}`,
  );

/**
 * Identity-based authentication types of functionAppConfig.deployment.storage; the third,
 * StorageAccountConnectionString, puts a key in an app setting (AuthenticationType in
 * @pulumi/azure-native types/enums/web; functions-infrastructure-as-code?pivots=flex-consumption-plan).
 */
export const IDENTITY_DEPLOYMENT_AUTH = ["UserAssignedIdentity", "SystemAssignedIdentity"] as const;

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
    description: "Cosmos DB accounts require TLS 1.2 or later and keep continuous backup.",
    types: [T.cosmosAccount],
    check: (p) => [
      ...tlsAtLeast12(TLS_AT_LEAST_12.cosmos, p.minimalTlsVersion, "minimalTlsVersion"),
      ...violation(at(p, "backupPolicy", "type") === "Continuous", "backupPolicy must be Continuous (point-in-time restore)"),
    ],
  },
  {
    name: "storage-no-shared-key",
    description: "Storage accounts take Entra ID only, over HTTPS with TLS 1.2 or later, and expose no public blobs.",
    types: [T.storageAccount],
    check: (p) => [
      ...violation(p.allowSharedKeyAccess === false, "allowSharedKeyAccess must be false"),
      ...violation(p.allowBlobPublicAccess !== true, "allowBlobPublicAccess must not be true"),
      ...tlsAtLeast12(TLS_AT_LEAST_12.storage, p.minimumTlsVersion, "minimumTlsVersion"),
      ...violation(p.enableHttpsTrafficOnly !== false, "enableHttpsTrafficOnly must not be false"),
    ],
  },
  {
    name: "function-app-https-tls12",
    description: "Function Apps serve HTTPS only, the app and its SCM site with TLS 1.2 or later.",
    types: [T.webApp],
    check: (p) => [
      ...violation(p.httpsOnly === true, "httpsOnly must be true"),
      ...tlsAtLeast12(TLS_AT_LEAST_12.web, at(p, "siteConfig", "minTlsVersion"), "siteConfig.minTlsVersion"),
      ...tlsAtLeast12(TLS_AT_LEAST_12.web, at(p, "siteConfig", "scmMinTlsVersion"), "siteConfig.scmMinTlsVersion"),
    ],
  },
  {
    name: "flex-consumption-rejected-settings",
    description:
      "Flex Consumption apps set no app setting or site property that Flex deprecates or rejects (policy/flex-consumption-rules.ts).",
    types: [T.webApp],
    // functionAppConfig exists only on Flex Consumption sites (Microsoft.Web/sites reference).
    check: (p) =>
      p.functionAppConfig === undefined ? [] : flexRejectionsIn(p).map((entry) => `${entry} is rejected or deprecated on Flex Consumption`),
  },
  {
    name: "function-app-identity-deployment-storage",
    description: "Flex Consumption apps read their deployment package with a managed identity, not a connection string.",
    types: [T.webApp],
    check: (p) => {
      const storage = at(p, "functionAppConfig", "deployment", "storage");
      if (storage === undefined) return [];
      const type = at(storage, "authentication", "type");
      return [
        ...violation(
          typeof type === "string" && (IDENTITY_DEPLOYMENT_AUTH as readonly string[]).includes(type),
          `functionAppConfig.deployment.storage.authentication.type must be ${IDENTITY_DEPLOYMENT_AUTH.join(" or ")}, is ${String(type)}`,
        ),
        ...violation(
          type !== "UserAssignedIdentity" || at(storage, "authentication", "userAssignedIdentityResourceId") !== undefined,
          "functionAppConfig.deployment.storage.authentication needs userAssignedIdentityResourceId with UserAssignedIdentity",
        ),
        ...violation(
          at(storage, "authentication", "storageAccountConnectionStringName") === undefined,
          "functionAppConfig.deployment.storage must not name a connection string setting",
        ),
      ];
    },
  },
  {
    name: "function-app-identity-based-settings",
    description:
      "Function Apps run as a user-assigned identity and connect with it: no key or connection string, Entra-authenticated telemetry.",
    types: [T.webApp],
    check: (p) => {
      const settings = (at(p, "siteConfig", "appSettings") ?? []) as { name?: string; value?: string }[];
      const names = new Set(settings.map((s) => s.name));
      return [
        ...violation(((at(p, "identity", "type") as string | undefined) ?? "").includes("UserAssigned"), "identity must be UserAssigned"),
        ...settings
          .filter((s) => FORBIDDEN_APP_SETTINGS.includes(s.name ?? ""))
          .map((s) => `app setting ${s.name ?? ""} is a key or a connection string`),
        ...settings.filter((s) => SECRET_LOOKING.test(s.value ?? "")).map((s) => `app setting ${s.name ?? ""} holds what looks like a key`),
        ...violation(
          names.has("AzureWebJobsStorage__accountName") && names.has("AzureWebJobsStorage__credential"),
          "host storage must be identity-based (AzureWebJobsStorage__accountName, __credential)",
        ),
        ...violation(
          !names.has("COSMOS__accountEndpoint") || settings.some((s) => s.name === "COSMOS__credential" && s.value === "managedidentity"),
          "COSMOS__credential must be managedidentity",
        ),
        // Application Insights takes telemetry only with an Entra token here (app-insights-no-local-auth),
        // and without this setting the host sends none and it is dropped silently: "Authorization=AAD;
        // ClientId=<client id>" for a user-assigned identity (learn.microsoft.com/azure/azure-functions/
        // functions-app-settings#applicationinsights_authentication_string; azure-monitor/app/azure-ad-authentication).
        ...violation(
          !names.has("APPLICATIONINSIGHTS_CONNECTION_STRING") ||
            settings.some(
              (s) =>
                s.name === "APPLICATIONINSIGHTS_AUTHENTICATION_STRING" &&
                (s.value === undefined || s.value.startsWith("Authorization=AAD")),
            ),
          "APPLICATIONINSIGHTS_AUTHENTICATION_STRING must be Authorization=AAD;ClientId=<identity client id>: Application Insights local auth is off",
        ),
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
