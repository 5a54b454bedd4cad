/** Fakes of the workshop's two ports, with the failures and timings a test needs to script. */
import type { Output, ProgressBoard } from "../../workshop/progress-board.js";
import type { LeftoverGroup, ResourceGroupPort } from "../../workshop/resource-group-port.js";
import { DEFAULT_SETTINGS, type WorkshopSettings } from "../../workshop/settings.js";
import type {
  LastUpdate,
  ProgressListener,
  StackListing,
  StackOutputs,
  StackPort,
  StackSettings,
  WorkshopLabels,
} from "../../workshop/stack-port.js";

export interface FakeStack {
  labels: WorkshopLabels | undefined;
  location: string | undefined;
  resources: number;
  outputs: Record<string, { value: unknown; secret: boolean }>;
  history: LastUpdate[];
}

export class FakeStacks implements StackPort {
  readonly stacks = new Map<string, FakeStack>();
  readonly calls: string[] = [];
  /** Errors to throw, in order, per "operation:stack" (e.g. "up:ws1-alice"). */
  readonly failures = new Map<string, string[]>();
  running = 0;
  maxRunning = 0;
  /** Outputs a successful up gives a stack; by default all four the workshop reads. */
  outputsFor: (stack: string) => Record<string, { value: unknown; secret: boolean }> = (stack) => ({
    apiBaseUrl: { value: `https://${stack}.azurewebsites.net/api`, secret: false },
    functionKey: { value: `key-${stack}`, secret: true },
    dashboardUrl: { value: `https://${stack}.azurewebsites.net/api/dashboard#key=key-${stack}`, secret: true },
    smokeCommand: { value: `npm run smoke -- --stack ${stack}`, secret: false },
    resourceGroup: { value: `es-${stack}-rg1234`, secret: false },
  });

  constructor(private readonly store: "tags" | "config" = "tags") {}

  seed(name: string, stack: Partial<FakeStack> = {}): void {
    this.stacks.set(name, {
      labels: undefined,
      location: "westeurope",
      resources: 31,
      outputs: this.outputsFor(name),
      history: [],
      ...stack,
    });
  }

  labelStore(): Promise<"tags" | "config"> {
    return Promise.resolve(this.store);
  }
  list(): Promise<readonly StackListing[]> {
    return Promise.resolve([...this.stacks.entries()].map(([name, s]) => ({ name, resourceCount: s.resources, updateInProgress: false })));
  }
  labels(stack: string): Promise<WorkshopLabels | undefined> {
    return Promise.resolve(this.stacks.get(stack)?.labels);
  }
  async prepare(stack: string, settings: StackSettings): Promise<void> {
    await this.step("prepare", stack);
    const { location, ...labels } = settings;
    const existing = this.stacks.get(stack);
    this.stacks.set(stack, { outputs: {}, resources: 0, history: [], ...existing, labels, location });
  }
  async up(stack: string, onProgress: ProgressListener): Promise<StackOutputs> {
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      await this.step("up", stack);
      for (let i = 0; i < 3; i++) onProgress({ kind: "resource-done", urn: `urn:pulumi:${stack}::p::t::r${i}`, op: "create" });
      const s = this.get(stack);
      s.outputs = this.outputsFor(stack);
      s.resources = 31;
      s.history.unshift({ kind: "update", result: "succeeded", endTime: "2026-11-29T10:00:00.000Z" });
      return s.outputs;
    } finally {
      this.running -= 1;
    }
  }
  outputs(stack: string): Promise<StackOutputs> {
    return Promise.resolve(this.get(stack).outputs);
  }
  async destroy(stack: string, onProgress: ProgressListener): Promise<void> {
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      await this.step("destroy", stack);
      onProgress({ kind: "resource-done", urn: `urn:pulumi:${stack}::p::t::r0`, op: "delete" });
      const s = this.get(stack);
      s.resources = 0;
      s.outputs = {};
      s.history.unshift({ kind: "destroy", result: "succeeded", endTime: "2026-11-29T18:00:00.000Z" });
    } finally {
      this.running -= 1;
    }
  }
  async remove(stack: string): Promise<void> {
    await this.step("remove", stack);
    this.stacks.delete(stack);
  }
  lastUpdate(stack: string): Promise<LastUpdate | undefined> {
    return Promise.resolve(this.get(stack).history[0]);
  }

  private get(stack: string): FakeStack {
    const s = this.stacks.get(stack);
    if (s === undefined) throw new Error(`error: no stack named '${stack}' found`);
    return s;
  }
  private async step(operation: string, stack: string): Promise<void> {
    this.calls.push(`${operation}:${stack}`);
    // Yield so parallel tasks interleave as they would around a CLI process.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const failure = this.failures.get(`${operation}:${stack}`)?.shift();
    if (failure !== undefined) throw new Error(`code: 255\n stdout: \n stderr: ${failure}\n`);
  }
}

/** Azure as the fake sees it: groups that are still there, per stack. */
export class FakeResourceGroups implements ResourceGroupPort {
  readonly left = new Map<string, LeftoverGroup[]>();
  readonly asked: { stack: string; knownGroup: string | undefined }[] = [];
  failWith: string | undefined;

  leftovers(stack: string, knownGroup: string | undefined): Promise<readonly LeftoverGroup[]> {
    this.asked.push({ stack, knownGroup });
    if (this.failWith !== undefined) return Promise.reject(new Error(this.failWith));
    return Promise.resolve(this.left.get(stack) ?? []);
  }
}

export class RecordingOutput implements Output {
  text = "";
  write(text: string): void {
    this.text += text;
  }
}

/** A board that keeps every state it was shown, per line. */
export class RecordingBoard implements ProgressBoard {
  readonly seen = new Map<string, string[]>();
  finished = false;
  update(name: string, state: { phase: string; resources?: number; detail?: string }): void {
    const list = this.seen.get(name) ?? [];
    list.push(
      `${state.phase}${state.resources === undefined ? "" : ` ${state.resources}`}${state.detail === undefined ? "" : ` - ${state.detail}`}`,
    );
    this.seen.set(name, list);
  }
  finish(): void {
    this.finished = true;
  }
}

export const TEST_SETTINGS: WorkshopSettings = {
  ...DEFAULT_SETTINGS,
  confirmAbove: 5,
  costPerAttendeeUsd: 0.5,
  retry: { attempts: 3, firstDelayMs: 30_000, maxDelayMs: 120_000 },
};

export function recordingSleep(): { sleep: (ms: number) => Promise<void>; slept: number[] } {
  const slept: number[] = [];
  return {
    slept,
    sleep: (ms) => {
      slept.push(ms);
      return Promise.resolve();
    },
  };
}
