/**
 * What a Flex Consumption (FC1) Function App must not carry, as data: the app settings and the
 * `siteConfig` properties that Flex deprecates or rejects, each with where that is written down.
 * The policy pack refuses a program that sets any of them, the mocked program tests check the
 * inputs as registered (after the SDK's own defaults), and the Function App strips the rejected
 * site properties that @pulumi/azure-native adds by itself.
 *
 * The reference table is "Flex Consumption plan deprecations" in the Functions app settings
 * reference (learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations),
 * linked from flex-consumption-plan#deprecated-properties-and-settings. Azure Resource Manager
 * enforces it region by region with error 51021 ("The following list of ... site configuration
 * properties (Site.SiteConfig.FtpsState, ...) for Flex Consumption sites is invalid. Please
 * remove or rename them before retrying."); regions that do not enforce it yet ignore the values.
 */

export interface FlexRejection {
  readonly name: string;
  /** What Flex does instead, or why the entry does not apply. */
  readonly instead: string;
  /** Where the rejection or deprecation is documented or reported. */
  readonly sources: readonly string[];
}

const DEPRECATIONS_TABLE = "learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations";
/** `az functionapp flex-migration`: the settings it refuses to copy to a Flex app (Azure/azure-cli, appservice custom.py). */
const AZ_CLI_FLEX_MIGRATION =
  "github.com/Azure/azure-cli src/azure-cli/azure/cli/command_modules/appservice/custom.py (flex-migration excluded_settings)";
/** ARM 51021 naming FtpsState, Use32BitWorkerProcess, NetFrameworkVersion, FunctionsRuntimeScaleMonitoringEnabled (West Europe). */
const PIPELINES_21032 = "github.com/microsoft/azure-pipelines-tasks/issues/21032";
/** ARM 51021 naming FtpsState, Use32BitWorkerProcess, PreWarmedInstanceCount, NetFrameworkVersion, FunctionsRuntimeScaleMonitoringEnabled. */
const AVM_360 = "github.com/Azure/terraform-azurerm-avm-res-web-site/issues/360";
/** The property-by-property evidence behind omitting siteConfig properties on FC1 (linuxFxVersion, alwaysOn, ...). */
const AVM_345 = "github.com/Azure/terraform-azurerm-avm-res-web-site/pull/345";
/** NetFrameworkVersion, which @pulumi/azure-native adds to every siteConfig, rejected on Flex (closed as awaiting upstream). */
const PULUMI_4168 = "github.com/pulumi/pulumi-azure-native/issues/4168";
/** ARM 51021 naming Site.SiteConfig.FunctionAppScaleLimit on a Flex site. */
const HOST_10643 = "github.com/Azure/azure-functions-host/issues/10643";
/** ARM: "The following app setting (Site.SiteConfig.AppSettings.FUNCTIONS_WORKER_RUNTIME) for Flex Consumption sites is invalid." */
const WORKER_RUNTIME_REJECTED = "ARM 51021 for Site.SiteConfig.AppSettings.FUNCTIONS_WORKER_RUNTIME, reported in public Flex deployments";

const setting = (name: string, instead: string, ...extra: string[]): FlexRejection => ({
  name,
  instead,
  sources: [DEPRECATIONS_TABLE, AZ_CLI_FLEX_MIGRATION, ...extra],
});
const property = (name: string, instead: string, ...sources: string[]): FlexRejection => ({
  name,
  instead,
  sources: [DEPRECATIONS_TABLE, ...sources],
});

/** App settings Flex Consumption deprecates or rejects. Names compare case-insensitively, as app settings do. */
export const FLEX_REJECTED_APP_SETTINGS: readonly FlexRejection[] = [
  setting("FUNCTIONS_EXTENSION_VERSION", "set by the platform"),
  setting("FUNCTIONS_WORKER_RUNTIME", "functionAppConfig.runtime.name", WORKER_RUNTIME_REJECTED),
  setting("FUNCTIONS_WORKER_RUNTIME_VERSION", "functionAppConfig.runtime.version"),
  setting("FUNCTIONS_MAX_HTTP_CONCURRENCY", "functionAppConfig.scaleAndConcurrency.triggers.http.perInstanceConcurrency"),
  setting("FUNCTIONS_WORKER_PROCESS_COUNT", "not supported: one worker process per instance"),
  setting("FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED", "not supported"),
  setting("SCM_DO_BUILD_DURING_DEPLOYMENT", "remote build is part of the Flex deployment"),
  setting("ENABLE_ORYX_BUILD", "remote build is part of the Flex deployment"),
  setting("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "no content share: functionAppConfig.deployment.storage"),
  setting("WEBSITE_CONTENTOVERVNET", "no content share"),
  setting("WEBSITE_CONTENTSHARE", "no content share: functionAppConfig.deployment.storage"),
  setting("WEBSITE_SKIP_CONTENTSHARE_VALIDATION", "no content share"),
  setting("WEBSITE_RUN_FROM_PACKAGE", "functionAppConfig.deployment.storage"),
  setting("WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT", "functionAppConfig.scaleAndConcurrency.maximumInstanceCount"),
  setting("WEBSITE_NODE_DEFAULT_VERSION", "functionAppConfig.runtime.version"),
  setting("WEBSITE_DNS_SERVER", "DNS comes from the integrated virtual network"),
  setting("WEBSITE_VNET_ROUTE_ALL", "all traffic routes through the integrated virtual network"),
  setting("WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED", "not supported"),
  setting("WEBSITE_MOUNT_ENABLED", "not supported"),
];

/** `siteConfig` properties Flex Consumption rejects (ARM 51021 where enforced). */
export const FLEX_REJECTED_SITE_PROPERTIES: readonly FlexRejection[] = [
  property("ftpsState", "FTP is not available on Flex; basic publishing credentials are turned off instead", PIPELINES_21032, AVM_360),
  property(
    "netFrameworkVersion",
    "functionAppConfig.runtime; @pulumi/azure-native adds it by default",
    PIPELINES_21032,
    AVM_360,
    PULUMI_4168,
  ),
  property("use32BitWorkerProcess", "not applicable: Flex is 64-bit Linux", PIPELINES_21032, AVM_360),
  property("functionsRuntimeScaleMonitoringEnabled", "Flex scales per function by itself", PIPELINES_21032, AVM_360),
  property("preWarmedInstanceCount", "functionAppConfig.scaleAndConcurrency.alwaysReady", AVM_360),
  property("linuxFxVersion", "functionAppConfig.runtime", AVM_345),
  property("windowsFxVersion", "Flex is Linux only", AVM_345),
  property("alwaysOn", "functionAppConfig.scaleAndConcurrency.alwaysReady", AVM_345),
  property("functionAppScaleLimit", "functionAppConfig.scaleAndConcurrency.maximumInstanceCount", HOST_10643),
  // Not listed: minimumElasticInstanceCount. No ARM rejection naming it has been found
  // (github.com/Azure/terraform-azurerm-avm-res-web-site/issues/353), so it stays out until one is.
];

const lower = (names: readonly FlexRejection[]) => new Set(names.map((n) => n.name.toLowerCase()));
const REJECTED_SETTINGS = lower(FLEX_REJECTED_APP_SETTINGS);
const REJECTED_PROPERTIES = new Set(FLEX_REJECTED_SITE_PROPERTIES.map((p) => p.name));

/** Entries of the table that a Function App's inputs set: `siteConfig.<property>` and app setting names. */
export function flexRejectionsIn(site: { siteConfig?: unknown }): string[] {
  const siteConfig = (typeof site.siteConfig === "object" && site.siteConfig !== null ? site.siteConfig : {}) as Record<string, unknown>;
  const settings = Array.isArray(siteConfig.appSettings) ? (siteConfig.appSettings as { name?: unknown }[]) : [];
  return [
    ...Object.keys(siteConfig)
      .filter((key) => REJECTED_PROPERTIES.has(key) && siteConfig[key] !== undefined)
      .map((key) => `siteConfig.${key}`),
    ...settings.map((s) => (typeof s.name === "string" ? s.name : "")).filter((name) => REJECTED_SETTINGS.has(name.toLowerCase())),
  ];
}

/** A siteConfig without the properties Flex rejects. */
export function withoutFlexRejectedProperties<T extends Record<string, unknown>>(siteConfig: T): Partial<T> {
  return Object.fromEntries(Object.entries(siteConfig).filter(([key]) => !REJECTED_PROPERTIES.has(key))) as Partial<T>;
}
