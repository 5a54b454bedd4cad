/**
 * The StackPort over the Pulumi Automation API: a LocalWorkspace over this repository's project
 * directory, so every stack runs the same program (`Pulumi.yaml`, `infra/index.ts`) as `pulumi up`.
 */
import { LocalWorkspace, PulumiCommand, Stack, type EngineEvent } from "@pulumi/pulumi/automation/index.js";
import type { LastUpdate, ProgressListener, StackListing, StackOutputs, StackPort, StackSettings, WorkshopLabels } from "./stack-port.js";

/** Stack tags on every backend since Pulumi CLI 3.211.0 (DIY backends: pulumi/pulumi#19882). */
const DIY_TAGS_SINCE = [3, 211, 0] as const;

/** Tag names, and the config keys (project namespace, beside `owner`) used where there are no tags. */
const TAG = { workshop: "workshop:id", owner: "workshop:owner", expires: "workshop:expires" } as const;
const CONFIG = { workshop: "workshop", owner: "owner", expires: "workshopExpires" } as const;

export interface AutomationStacksOptions {
  /** The project directory (holds Pulumi.yaml). */
  readonly workDir: string;
  /**
   * A directory whose `bin/pulumi` is the CLI to run, or undefined for `pulumi` on PATH. Never
   * installed or downloaded from here: `PulumiCommand.install` is not used.
   */
  readonly pulumiRoot: string | undefined;
  /** Extra environment for every CLI call (e.g. PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE). */
  readonly envVars?: Readonly<Record<string, string>>;
}

export class AutomationStacks implements StackPort {
  private readonly handles = new Map<string, Promise<Stack>>();
  // `stack select` and `stack init` also make the stack the workspace's current one (a file
  // under PULUMI_HOME): one at a time. Every other command names its stack with --stack.
  private selecting: Promise<unknown> = Promise.resolve();
  private store: Promise<"tags" | "config"> | undefined;

  private constructor(
    private readonly workspace: LocalWorkspace,
    /** The project's name (Pulumi.yaml), also the `project` tag on its resources. */
    readonly project: string,
  ) {}

  static async open(options: AutomationStacksOptions): Promise<AutomationStacks> {
    const pulumiCommand = await PulumiCommand.get(options.pulumiRoot === undefined ? {} : { root: options.pulumiRoot });
    const workspace = await LocalWorkspace.create({ workDir: options.workDir, pulumiCommand, envVars: { ...options.envVars } });
    const project = (await workspace.projectSettings()).name;
    return new AutomationStacks(workspace, project);
  }

  labelStore(): Promise<"tags" | "config"> {
    this.store ??= this.detectLabelStore();
    return this.store;
  }

  private async detectLabelStore(): Promise<"tags" | "config"> {
    const version = this.workspace.pulumiVersion.split(/[.+-]/).map(Number);
    const atLeast = DIY_TAGS_SINCE.findIndex((part, i) => (version[i] ?? 0) !== part);
    if (atLeast === -1 || (version[atLeast] ?? 0) > (DIY_TAGS_SINCE[atLeast] ?? 0)) return "tags";
    // Older CLIs keep stack tags only on Pulumi Cloud (pulumi/pulumi#2456): an https backend.
    const who = await this.workspace.whoAmI();
    return who.url?.startsWith("https://") === true ? "tags" : "config";
  }

  async list(): Promise<readonly StackListing[]> {
    const stacks = await this.workspace.listStacks();
    return stacks.map((s) => ({ name: s.name, resourceCount: s.resourceCount, updateInProgress: s.updateInProgress === true }));
  }

  async labels(stack: string): Promise<WorkshopLabels | undefined> {
    if ((await this.labelStore()) === "tags") {
      const tags = await this.workspace.listTags(stack);
      const [workshop, owner, expires] = [tags[TAG.workshop], tags[TAG.owner], tags[TAG.expires]];
      if (workshop !== undefined && owner !== undefined && expires !== undefined) return { workshop, owner, expires };
    }
    const config = await this.workspace.getAllConfig(stack);
    const read = (key: string): string | undefined => {
      const value = config[`${this.project}:${key}`]?.value;
      return typeof value === "string" ? value : undefined;
    };
    const [workshop, owner, expires] = [read(CONFIG.workshop), read(CONFIG.owner), read(CONFIG.expires)];
    return workshop !== undefined && owner !== undefined && expires !== undefined ? { workshop, owner, expires } : undefined;
  }

  async prepare(stack: string, settings: StackSettings): Promise<void> {
    await this.handle(stack, "create");
    const plain = (value: string) => ({ value, secret: false });
    // `owner` is the program's own setting (the owner tag on every resource); location is required.
    await this.workspace.setConfig(stack, "location", plain(settings.location));
    await this.workspace.setConfig(stack, CONFIG.owner, plain(settings.owner));
    if ((await this.labelStore()) === "tags") {
      await this.workspace.setTag(stack, TAG.workshop, settings.workshop);
      await this.workspace.setTag(stack, TAG.owner, settings.owner);
      await this.workspace.setTag(stack, TAG.expires, settings.expires);
    } else {
      await this.workspace.setConfig(stack, CONFIG.workshop, plain(settings.workshop));
      await this.workspace.setConfig(stack, CONFIG.expires, plain(settings.expires));
    }
  }

  async up(stack: string, onProgress: ProgressListener): Promise<StackOutputs> {
    const handle = await this.handle(stack, "select");
    const result = await handle.up({ onEvent: toProgress(onProgress), color: "never" });
    return result.outputs;
  }

  async outputs(stack: string): Promise<StackOutputs> {
    return this.workspace.stackOutputs(stack);
  }

  async destroy(stack: string, onProgress: ProgressListener): Promise<void> {
    const handle = await this.handle(stack, "select");
    await handle.destroy({ onEvent: toProgress(onProgress), color: "never" });
  }

  async remove(stack: string): Promise<void> {
    await this.workspace.removeStack(stack);
    this.handles.delete(stack);
  }

  async lastUpdate(stack: string): Promise<LastUpdate | undefined> {
    const handle = await this.handle(stack, "select");
    const [last] = await handle.history(1, 1, false);
    if (last === undefined) return undefined;
    const endTime = last.endTime as Date | undefined;
    return {
      kind: last.kind,
      result: last.result,
      endTime: endTime === undefined || Number.isNaN(endTime.getTime()) ? undefined : endTime.toISOString(),
    };
  }

  private handle(stack: string, mode: "create" | "select"): Promise<Stack> {
    const existing = this.handles.get(stack);
    if (existing !== undefined) return existing;
    const next = this.selecting.then(() =>
      mode === "create" ? Stack.createOrSelect(stack, this.workspace) : Stack.select(stack, this.workspace),
    );
    this.selecting = next.catch(() => undefined);
    this.handles.set(stack, next);
    next.catch(() => this.handles.delete(stack));
    return next;
  }
}

function toProgress(listener: ProgressListener): (event: EngineEvent) => void {
  return (event) => {
    if (event.resourcePreEvent !== undefined && event.resourcePreEvent.planning !== true) {
      listener({ kind: "resource-started", urn: event.resourcePreEvent.metadata.urn, op: event.resourcePreEvent.metadata.op });
    } else if (event.resOutputsEvent !== undefined && event.resOutputsEvent.planning !== true) {
      listener({ kind: "resource-done", urn: event.resOutputsEvent.metadata.urn, op: event.resOutputsEvent.metadata.op });
    } else if (event.resOpFailedEvent !== undefined) {
      listener({ kind: "resource-failed", urn: event.resOpFailedEvent.metadata.urn, message: `status ${event.resOpFailedEvent.status}` });
    } else if (event.diagnosticEvent !== undefined) {
      listener({ kind: "diagnostic", severity: event.diagnosticEvent.severity, message: event.diagnosticEvent.message });
    }
  };
}
