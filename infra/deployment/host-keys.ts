import * as web from "@pulumi/azure-native/web/index.js";
import * as pulumi from "@pulumi/pulumi";

export interface RetryOptions {
  /** Attempts in all; default 10. */
  readonly attempts?: number;
  /** First pause; doubles each time up to maxDelayMs. Default 1 s. */
  readonly firstDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly log?: (message: string) => void;
}

/**
 * Failures that go away once the host is running with its storage grant: the host keeps its
 * keys in `azure-webjobs-secrets` through the app's identity, and until it can, listing them
 * fails with "Encountered an error (InternalServerError) from host runtime" (Azure/azure-cli
 * #20892); throttling and gateway errors are transient too.
 */
export function isTransientHostKeysError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /host runtime|InternalServerError|BadGateway|ServiceUnavailable|GatewayTimeout|TooManyRequests|\b(429|50[0234])\b|ECONNRESET|ETIMEDOUT|timed out/i.test(
    message,
  );
}

/** Runs `read` until it succeeds, retrying transient failures with exponential back-off. */
export async function retryTransient<T>(what: string, read: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 10;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let delay = options.firstDelayMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (!isTransientHostKeysError(error) || attempt >= attempts) throw error;
      (options.log ?? ((m: string) => void pulumi.log.info(m)))(
        `${what} failed (${error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error)}); attempt ${attempt + 1} of ${attempts} in ${Math.round(delay / 1000)} s`,
      );
      await sleep(delay);
      delay = Math.min(delay * 2, maxDelayMs);
    }
  }
}

export interface FunctionKeyArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly appName: pulumi.Input<string>;
  /** Resources that must exist first: the code deployment and the identity's role assignments. */
  readonly after: readonly pulumi.Resource[];
  readonly retry?: RetryOptions;
}

/**
 * The app's default function key, read only once the code is deployed and the grants exist (an
 * apply over their URNs, which resolve when the engine has created them), and read again on
 * transient failures. A plain invoke would run as soon as the app's name is known.
 */
export function defaultFunctionKey(args: FunctionKeyArgs): pulumi.Output<string> {
  const ready = pulumi.all(args.after.map((r) => r.urn));
  const key = pulumi
    .all([args.resourceGroupName, args.appName, ready])
    .apply(([resourceGroupName, name]) =>
      retryTransient(`listing the host keys of ${name}`, () => web.listWebAppHostKeys({ resourceGroupName, name }), args.retry).then(
        (keys) => keys.functionKeys?.default ?? "",
      ),
    );
  return pulumi.secret(key);
}
