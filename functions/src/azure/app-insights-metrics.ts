import type { TokenCredential } from "@azure/core-auth";
import { ManagedIdentityCredential } from "./managed-identity-credential.js";

/** The projector's lag, in milliseconds, as an Application Insights custom metric (the `customMetrics` table). */
export const PROJECTION_LAG_METRIC = "ProjectionLagMs";

/** Where the projector reports its metrics; best effort, it never throws. */
export interface MetricSink {
  /** Sends one value; resolves to false when it could not be delivered. */
  track(name: string, value: number, properties?: Record<string, string>): Promise<boolean>;
}

export const NO_METRICS: MetricSink = { track: () => Promise.resolve(false) };

/**
 * Application Insights ingestion with a Microsoft Entra token, in about sixty lines. The resource
 * has local auth off, so only a token of an identity holding Monitoring Metrics Publisher on it
 * is accepted ("Although the Monitoring Metrics Publisher role has 'metrics' in the name, it
 * publishes all telemetry to the Application Insights resource", azure-monitor/app/azure-ad-authentication).
 * The stack grants that role to the app's identity (infra/components/access.ts).
 *
 * Why not a library: the Node `applicationinsights` SDK or @azure/monitor-opentelemetry would do
 * the same with @azure/identity and an OpenTelemetry pipeline, several hundred KiB in a bundle
 * whose budget is 600 KiB, to send one number per batch. What this sends is what the Azure
 * Monitor exporter (azure-sdk-for-js, monitor-opentelemetry-exporter) sends: the token scope
 * https://monitor.azure.com//.default (its httpSender.ts), a POST of an envelope array to
 * <IngestionEndpoint>/v2.1/track, and for a metric the envelope "Microsoft.ApplicationInsights.Metric"
 * with baseType "MetricData" and baseData { ver: 2, metrics: [{ name, value, count }] } (its metricUtils.ts).
 */
export class AppInsightsMetrics implements MetricSink {
  /** After a failure, wait this long before sending again: a batch must not wait on a dead endpoint. */
  private static readonly BACKOFF_MS = 60_000;
  private pausedUntil = 0;

  constructor(
    private readonly target: { readonly instrumentationKey: string; readonly trackUrl: string },
    private readonly credential: TokenCredential,
    private readonly options: {
      readonly fetch?: typeof fetch;
      readonly now?: () => number;
      readonly timeoutMs?: number;
      readonly onError?: (message: string) => void;
    } = {},
  ) {}

  async track(name: string, value: number, properties: Record<string, string> = {}): Promise<boolean> {
    const now = (this.options.now ?? Date.now)();
    if (now < this.pausedUntil) return false;
    try {
      const token = (await this.credential.getToken("https://monitor.azure.com//.default"))?.token;
      if (token === undefined) throw new Error("no Entra token for https://monitor.azure.com");
      const envelope = {
        name: "Microsoft.ApplicationInsights.Metric",
        time: new Date(now).toISOString(),
        iKey: this.target.instrumentationKey,
        data: { baseType: "MetricData", baseData: { ver: 2, metrics: [{ name, value, count: 1 }], properties } },
      };
      const response = await (this.options.fetch ?? fetch)(this.target.trackUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify([envelope]),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 2000),
      });
      if (response.ok) return true;
      throw new Error(`ingestion answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    } catch (error) {
      this.pausedUntil = now + AppInsightsMetrics.BACKOFF_MS;
      this.options.onError?.(
        `metric ${name} not sent (${error instanceof Error ? error.message : String(error)}); next try in ${AppInsightsMetrics.BACKOFF_MS / 1000} s`,
      );
      return false;
    }
  }
}

/** The parts of a connection string this needs ("InstrumentationKey=...;IngestionEndpoint=https://...;..."). */
export function ingestionTargetOf(connectionString: string): { instrumentationKey: string; trackUrl: string } | undefined {
  const parts = new Map(
    connectionString
      .split(";")
      .map((part) => part.split("=", 2).map((s) => s.trim()))
      .filter((kv): kv is [string, string] => kv.length === 2 && kv[0] !== "")
      .map(([k, v]) => [k.toLowerCase(), v]),
  );
  const instrumentationKey = parts.get("instrumentationkey");
  const endpoint = parts.get("ingestionendpoint");
  if (instrumentationKey === undefined || endpoint === undefined) return undefined;
  return { instrumentationKey, trackUrl: `${endpoint.replace(/\/+$/, "")}/v2.1/track` };
}

/**
 * The sink the Functions app uses, from the same settings the host reads for its own telemetry:
 * APPLICATIONINSIGHTS_CONNECTION_STRING and APPLICATIONINSIGHTS_AUTHENTICATION_STRING
 * ("Authorization=AAD;ClientId=<user-assigned identity>", functions-app-settings). Without them
 * (local runs, tests) nothing is sent.
 */
export function metricsFromAppSettings(env: Readonly<Record<string, string | undefined>>, onError?: (message: string) => void): MetricSink {
  const target = ingestionTargetOf(env.APPLICATIONINSIGHTS_CONNECTION_STRING ?? "");
  const auth = env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING ?? "";
  if (target === undefined || !/^Authorization=AAD/i.test(auth)) return NO_METRICS;
  const clientId = /ClientId=([^;]+)/i.exec(auth)?.[1];
  return new AppInsightsMetrics(target, new ManagedIdentityCredential({ clientId, env }), onError === undefined ? {} : { onError });
}
