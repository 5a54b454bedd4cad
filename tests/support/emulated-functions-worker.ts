import Module, { createRequire } from "node:module";

/** What the worker records for each function the app registers. */
export interface RegisteredFunction {
  readonly metadata: { name: string; bindings: Record<string, Record<string, unknown>>; retryOptions?: Record<string, unknown> };
  readonly callback: (...args: unknown[]) => unknown;
}

interface ProgrammingModel {
  getInvocationModel(coreCtx: unknown): {
    getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
    invokeFunction(context: unknown, inputs: unknown[], handler: (...args: unknown[]) => unknown): Promise<unknown>;
    getResponse(
      context: unknown,
      result: unknown,
    ): Promise<{ returnValue?: { http?: { statusCode?: string; headers?: Record<string, string>; body?: { bytes?: Uint8Array } } } }>;
  };
}

export interface EmulatedWorker {
  readonly functions: ReadonlyMap<string, RegisteredFunction>;
  readonly logs: string[];
  /** Runs one invocation through the library's own invocation model, as the worker does. */
  invoke(
    name: string,
    inputData: { name: string; data: unknown }[],
    triggerMetadata?: Record<string, unknown>,
  ): Promise<Awaited<ReturnType<ReturnType<ProgrammingModel["getInvocationModel"]>["getResponse"]>>>;
}

/**
 * Stands in for the Functions worker: the worker provides the virtual module
 * `@azure/functions-core`; intercepting that one require makes @azure/functions register for
 * real instead of running in test mode. Then loads the bundle as the worker would.
 */
export function loadUnderEmulatedWorker(bundlePath: string): EmulatedWorker {
  const functions = new Map<string, RegisteredFunction>();
  const logs: string[] = [];
  let model: ProgrammingModel | undefined;
  const core = {
    version: "4.0.0",
    hostVersion: "4.1040.0",
    registerFunction(metadata: RegisteredFunction["metadata"], callback: RegisteredFunction["callback"]) {
      functions.set(metadata.name, { metadata, callback });
      return { dispose: () => functions.delete(metadata.name) };
    },
    setProgrammingModel(programmingModel: ProgrammingModel) {
      model = programmingModel;
    },
    getProgrammingModel: () => model,
    registerHook: () => ({ dispose: () => undefined }),
    log: (level: string, category: string, message: string) => logs.push(`${level} ${category} ${message}`),
  };
  const proto = Module.prototype as unknown as { require: (id: string) => unknown };
  const original = proto.require;
  proto.require = function (this: unknown, id: string) {
    if (id === "@azure/functions-core") return core;
    return original.call(this, id);
  };
  try {
    createRequire(import.meta.url)(bundlePath);
  } finally {
    proto.require = original;
  }
  let invocation = 0;
  return {
    functions,
    logs,
    async invoke(name, inputData, triggerMetadata = {}) {
      const registered = functions.get(name);
      if (!registered || !model) throw new Error(`no function ${name} registered`);
      const invocationModel = model.getInvocationModel({
        invocationId: `invocation-${++invocation}`,
        metadata: registered.metadata,
        request: { inputData, triggerMetadata },
        state: "invocation",
        log: (level: string, category: string, message: string) => logs.push(`${level} ${category} ${message}`),
      });
      const { context, inputs } = await invocationModel.getArguments();
      const result = await invocationModel.invokeFunction(context, inputs, registered.callback);
      return invocationModel.getResponse(context, result);
    },
  };
}
