/**
 * A stand-in for the `pulumi` CLI, for checking the workshop's Automation API adapter where the
 * real CLI cannot be installed. Node runs it directly (type stripping); a test writes a
 * `bin/pulumi` shell script that execs it.
 *
 * It records every invocation (arguments, working directory, the environment variables the
 * Automation API sets) to `calls.jsonl` in $STAND_IN_STATE, keeps stacks, config, tags, outputs and
 * history in `state.json` there, and answers the commands the adapter sends as the CLI does: the
 * same JSON shapes, the same error texts the SDK recognises, engine events streamed to the SDK's
 * gRPC event server. Any other command fails with exit code 2, so an unexpected call fails the test.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

interface StandInStack {
  config: Record<string, string>;
  tags: Record<string, string>;
  outputs: Record<string, { value: unknown; secret: boolean }>;
  resources: number;
  history: {
    kind: string;
    result: string;
    startTime: string;
    endTime: string;
    version: number;
    message: string;
    environment: Record<string, string>;
    config: Record<string, unknown>;
  }[];
}

interface StandInState {
  version: string;
  backendUrl: string;
  current: string | undefined;
  stacks: Record<string, StandInStack>;
  /** Per "up:<stack>" or "destroy:<stack>": stderr texts to fail with, one per attempt. */
  failures: Record<string, string[]>;
}

const stateDir = process.env["STAND_IN_STATE"] ?? "";
if (stateDir === "") {
  process.stderr.write("stand-in: STAND_IN_STATE is not set\n");
  process.exit(2);
}
const statePath = join(stateDir, "state.json");
const lockPath = join(stateDir, "lock");

const rawArgs = process.argv.slice(2);
appendFileSync(
  join(stateDir, "calls.jsonl"),
  JSON.stringify({
    args: rawArgs,
    cwd: process.cwd(),
    env: { PULUMI_AUTOMATION_API: process.env["PULUMI_AUTOMATION_API"], PULUMI_BACKEND_URL: process.env["PULUMI_BACKEND_URL"] },
  }) + "\n",
);

function withState<T>(change: (state: StandInState) => T): T {
  // Parallel invocations share state.json: a directory as the lock, as mkdir is atomic.
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (let tries = 0; ; tries++) {
    try {
      mkdirSync(lockPath);
      break;
    } catch {
      if (tries > 2000) throw new Error("stand-in: state lock held too long");
      Atomics.wait(sleeper, 0, 0, 5);
    }
  }
  try {
    const state = JSON.parse(readFileSync(statePath, "utf8")) as StandInState;
    const result = change(state);
    writeFileSync(statePath, JSON.stringify(state, null, 2));
    return result;
  } finally {
    rmdirSync(lockPath);
  }
}

// No parameter properties: Node strips types only, it does not compile them.
class Failure extends Error {
  readonly code: number;
  constructor(message: string, code: number) {
    super(message);
    this.code = code;
  }
}

/** Fails the invocation as the CLI does: the text on stderr, exit code 255. Thrown, so the state lock is released first. */
function fail(message: string, code = 255): never {
  throw new Failure(message, code);
}

function projectName(): string {
  const file = join(process.cwd(), "Pulumi.yaml");
  if (!existsSync(file)) fail("error: no Pulumi.yaml project file found");
  const name = /^name:\s*(\S+)/m.exec(readFileSync(file, "utf8"))?.[1];
  return name ?? fail("error: Pulumi.yaml has no name");
}

// --non-interactive is added to every call by the SDK; --stack names the stack.
const args = rawArgs.filter((arg) => arg !== "--non-interactive");
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const has = (name: string): boolean => args.includes(name);
const stackArg = flag("--stack");

function stackOf(state: StandInState, name = stackArg): StandInStack {
  if (name === undefined) fail("error: no stack selected");
  return state.stacks[name] ?? fail(`error: no stack named '${name}' found`);
}

const print = (value: unknown): void => {
  process.stdout.write(typeof value === "string" ? `${value}\n` : `${JSON.stringify(value, null, 2)}\n`);
};
const command = args.slice(0, 3).join(" ");

async function main(): Promise<void> {
  if (args[0] === "version") {
    print(withState((s) => s.version));
    return;
  }
  if (args[0] === "whoami" && has("--json")) {
    print(withState((s) => ({ user: "stand-in", organizations: [], url: s.backendUrl })));
    return;
  }
  if (command.startsWith("stack select")) {
    withState((s) => {
      stackOf(s);
      s.current = stackArg;
    });
    return;
  }
  if (command.startsWith("stack init")) {
    const name = args[2] ?? fail("error: missing stack name");
    withState((s) => {
      if (s.stacks[name] !== undefined) fail(`error: stack '${name}' already exists`);
      s.stacks[name] = { config: {}, tags: { "pulumi:project": projectName() }, outputs: {}, resources: 0, history: [] };
      s.current = name;
    });
    return;
  }
  if (command.startsWith("config set") && has("--plaintext") && args.indexOf("--") === args.length - 2) {
    const key = args[2] ?? fail("error: missing key");
    const value = args[args.length - 1] ?? "";
    withState((s) => {
      stackOf(s).config[key.includes(":") ? key : `${projectName()}:${key}`] = value;
    });
    return;
  }
  if (args[0] === "config" && args[1] === "--show-secrets" && has("--json")) {
    print(withState((s) => Object.fromEntries(Object.entries(stackOf(s).config).map(([k, value]) => [k, { value, secret: false }]))));
    return;
  }
  if (command === "stack tag set") {
    const [name, value] = [args[3], args[4]];
    if (name === undefined || value === undefined) fail("error: stack tag set needs a name and a value");
    withState((s) => {
      stackOf(s).tags[name] = value;
    });
    return;
  }
  if (command === "stack tag ls" && has("--json")) {
    print(withState((s) => stackOf(s).tags));
    return;
  }
  if (command.startsWith("stack ls") && has("--json")) {
    print(
      withState((s) =>
        Object.entries(s.stacks).map(([name, st]) => ({
          name,
          current: s.current === name,
          ...(st.history[0] === undefined ? {} : { lastUpdate: st.history[0].endTime }),
          updateInProgress: false,
          resourceCount: st.resources,
          url: `${s.backendUrl}/${name}`,
        })),
      ),
    );
    return;
  }
  if (command.startsWith("stack output") && has("--json")) {
    const showSecrets = has("--show-secrets");
    print(
      withState((s) =>
        Object.fromEntries(Object.entries(stackOf(s).outputs).map(([k, o]) => [k, o.secret && !showSecrets ? "[secret]" : o.value])),
      ),
    );
    return;
  }
  if (command.startsWith("stack history") && has("--json")) {
    const size = Number(flag("--page-size") ?? "0");
    print(withState((s) => stackOf(s).history.slice(0, size > 0 ? size : undefined)));
    return;
  }
  if (command.startsWith("stack rm") && has("--yes")) {
    const name = args.find((arg, i) => i >= 2 && !arg.startsWith("--")) ?? fail("error: missing stack name");
    withState((s) => {
      const st = stackOf(s, name);
      if (st.resources > 0 && !has("--force"))
        fail(
          `error: '${name}' still has resources; removal rejected. Possible actions:\n- Make sure that '${name}' is the stack that you want to destroy`,
        );
      // The stack and its settings file go together, as `pulumi stack rm` does.
      Reflect.deleteProperty(s.stacks, name);
      if (s.current === name) s.current = undefined;
    });
    return;
  }
  if ((args[0] === "up" || args[0] === "destroy") && has("--yes") && has("--skip-preview")) return operation(args[0]);
  fail(`stand-in: unsupported command: ${rawArgs.join(" ")}`, 2);
}

async function operation(kind: "up" | "destroy"): Promise<void> {
  const name = stackArg ?? fail("error: no stack selected");
  const scripted = withState((s) => {
    stackOf(s);
    return s.failures[`${kind}:${name}`]?.shift();
  });
  const startTime = new Date().toISOString();
  const project = projectName();
  const config = withState((s) => stackOf(s).config);
  // What the real program would refuse: infra/config.ts requires a location.
  const failure =
    scripted ?? (kind === "up" && config[`${project}:location`] === undefined ? `error: ${project}:location is required` : undefined);
  const types = ["azure-native:resources:ResourceGroup", "azure-native:cosmosdb:DatabaseAccount", "azure-native:web:WebApp"];
  const events: unknown[] = [];
  let sequence = 0;
  const event = (body: Record<string, unknown>): void => {
    events.push({ sequence: sequence++, timestamp: Math.floor(Date.now() / 1000), ...body });
  };
  const op = kind === "up" ? "create" : "delete";
  for (const type of failure === undefined ? types : types.slice(0, 1)) {
    const metadata = { op, urn: `urn:pulumi:${name}::${project}::${type}::${type.split(":").pop() ?? ""}`, type, provider: "" };
    event({ resourcePreEvent: { metadata } });
    event({ resOutputsEvent: { metadata } });
  }
  if (failure !== undefined) event({ diagnosticEvent: { message: failure, color: "never", severity: "error" } });
  event({ summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: { [op]: types.length }, PolicyPacks: {} } });
  await sendEvents(flag("--event-log"), events);

  withState((s) => {
    const st = stackOf(s, name);
    const endTime = new Date().toISOString();
    st.history.unshift({
      kind: kind === "up" ? "update" : "destroy",
      result: failure === undefined ? "succeeded" : "failed",
      startTime,
      endTime,
      version: st.history.length + 1,
      message: "",
      environment: {},
      config: {},
    });
    if (failure !== undefined) return;
    if (kind === "up") {
      const host = `${name}.azurewebsites.net`;
      st.resources = types.length;
      st.outputs = {
        apiBaseUrl: { value: `https://${host}/api`, secret: false },
        functionKey: { value: `key-of-${name}`, secret: true },
        resourceGroup: { value: `es-${name}-rg0001`, secret: false },
      };
    } else {
      st.resources = 0;
      st.outputs = {};
    }
  });
  if (failure !== undefined) fail(`Updating (${name}):\n\n${failure}\n`);
  print(
    `${kind === "up" ? "Updating" : "Destroying"} (${name}):\n\nResources:\n    ${types.length} ${kind === "up" ? "created" : "deleted"}`,
  );
}

interface GrpcModule {
  credentials: { createInsecure(): unknown };
}
interface EventsClient {
  streamEvents(callback: (error: Error | null) => void): { write(request: unknown): void; end(): void };
  close(): void;
}
interface EventsGrpcModule {
  EventsClient: new (address: string, credentials: unknown) => EventsClient;
}
interface EventsPbModule {
  EventRequest: new () => { setEvent(json: string): unknown };
}

/** Sends the engine events to the Automation API's event server, as CLIs after 3.205 do. */
async function sendEvents(eventLog: string | undefined, events: readonly unknown[]): Promise<void> {
  if (eventLog === undefined) return;
  if (!eventLog.startsWith("tcp://")) {
    // Older CLIs write JSON lines to a file the SDK tails.
    appendFileSync(eventLog, events.map((e) => JSON.stringify(e) + "\n").join(""));
    return;
  }
  const require = createRequire(import.meta.url);
  const grpc = require("@grpc/grpc-js") as GrpcModule;
  const services = require("@pulumi/pulumi/proto/events_grpc_pb.js") as EventsGrpcModule;
  const messages = require("@pulumi/pulumi/proto/events_pb.js") as EventsPbModule;
  const client = new services.EventsClient(eventLog.slice("tcp://".length), grpc.credentials.createInsecure());
  await new Promise<void>((resolve, reject) => {
    const call = client.streamEvents((error) => {
      if (error === null) resolve();
      else reject(error);
    });
    for (const e of events) {
      const request = new messages.EventRequest();
      request.setEvent(JSON.stringify(e));
      call.write(request);
    }
    call.end();
  });
  client.close();
}

try {
  await main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = error instanceof Failure ? error.code : 1;
}
