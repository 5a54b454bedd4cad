/**
 * The port between the workshop's orchestration and Pulumi. The orchestration (parallelism,
 * retries, reports, expiry) speaks only this; `automation-stacks.ts` implements it over the
 * Pulumi Automation API, and the tests implement it with fakes.
 */

/** What marks a stack as a workshop's: kept as stack tags, or as stack config where tags are not kept. */
export interface WorkshopLabels {
  readonly workshop: string;
  readonly owner: string;
  /** ISO 8601 instant after which `workshop sweep` removes the stack. */
  readonly expires: string;
}

export interface StackSettings extends WorkshopLabels {
  readonly location: string;
}

/** One line of `pulumi stack ls --json`. */
export interface StackListing {
  readonly name: string;
  readonly resourceCount: number | undefined;
  readonly updateInProgress: boolean;
}

/** The last entry of the stack's history (`pulumi stack history`). */
export interface LastUpdate {
  readonly kind: string;
  /** As the CLI says it: "succeeded", "failed", "in-progress" or "not-started". */
  readonly result: string;
  readonly endTime: string | undefined;
}

/** A stack output as the Automation API reports it: the value and whether it is a secret. */
export interface OutputValue {
  readonly value: unknown;
  readonly secret: boolean;
}
export type StackOutputs = Readonly<Record<string, OutputValue>>;

/** Progress of one operation, from the engine's events. */
export type OperationProgress =
  | { readonly kind: "resource-started"; readonly urn: string; readonly op: string }
  | { readonly kind: "resource-done"; readonly urn: string; readonly op: string }
  | { readonly kind: "resource-failed"; readonly urn: string; readonly message: string }
  | { readonly kind: "diagnostic"; readonly severity: string; readonly message: string };

export type ProgressListener = (progress: OperationProgress) => void;

export interface StackPort {
  /** Where labels live on this backend: "tags" or "config" (for logs and the report). */
  labelStore(): Promise<"tags" | "config">;
  /** Every stack of the project on the current backend. */
  list(): Promise<readonly StackListing[]>;
  /** The workshop labels of a stack, or undefined when it carries none (not a workshop stack). */
  labels(stack: string): Promise<WorkshopLabels | undefined>;
  /** Creates the stack if needed and writes its location, owner and workshop labels. */
  prepare(stack: string, settings: StackSettings): Promise<void>;
  /** `pulumi up`; resolves with the stack's outputs. */
  up(stack: string, onProgress: ProgressListener): Promise<StackOutputs>;
  outputs(stack: string): Promise<StackOutputs>;
  /** `pulumi destroy`. */
  destroy(stack: string, onProgress: ProgressListener): Promise<void>;
  /** `pulumi stack rm` (its state and its `Pulumi.<stack>.yaml`). */
  remove(stack: string): Promise<void>;
  lastUpdate(stack: string): Promise<LastUpdate | undefined>;
}
