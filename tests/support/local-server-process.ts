import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");
const START_LIMIT_MS = 120_000;

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  output(): string;
}

/** Starts `npm start`'s entry point in its own process on a free port and waits for its banner. */
export function startServerProcess(dataDir: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "functions/src/local/main.ts", "--port", "0", "--data-dir", dataDir], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolvePromise, reject) => {
    // Loading the sources through tsx takes a second or two on a quiet machine and over 20 s on
    // a loaded one; the limit only has to catch a server that never starts.
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start within ${START_LIMIT_MS / 1000} s:\n${output}`));
    }, START_LIMIT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:(\d+)\/api/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePromise({ child, baseUrl: `http://127.0.0.1:${match[1]}`, output: () => output });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}

/** Resolves once the server has printed text matching `pattern`; rejects if it exits first or after `timeoutMs`. */
export function waitForOutput(server: ServerProcess, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  const { child } = server;
  return new Promise((resolvePromise, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      child.stdout?.off("data", check);
      child.stderr?.off("data", check);
      child.off("close", exited);
      if (error === undefined) resolvePromise();
      else reject(error);
    };
    // The fixture's own listener, added first, has already appended each chunk to output().
    const check = () => {
      if (pattern.test(server.output())) done();
    };
    const exited = () => {
      done(new Error(`server exited before printing ${String(pattern)}:\n${server.output()}`));
    };
    const timer = setTimeout(() => {
      done(new Error(`server did not print ${String(pattern)} within ${timeoutMs / 1000} s:\n${server.output()}`));
    }, timeoutMs);
    child.stdout?.on("data", check);
    child.stderr?.on("data", check);
    // "close", not "exit": it comes after the last of the output.
    child.once("close", exited);
    check();
  });
}

export function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolvePromise) =>
    child.once("exit", (code) => {
      resolvePromise(code);
    }),
  );
}

/** A data folder and the server processes started on it, cleaned up by dispose(). */
export interface ServerFixture {
  readonly dataDir: string;
  /** Starts a server on the fixture's data folder; it becomes `current`. */
  start(): Promise<ServerProcess>;
  readonly current: ServerProcess | undefined;
  /** Kills the current server (SIGKILL by default) and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  dispose(): Promise<void>;
}

export function serverFixture(prefix: string): ServerFixture {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  let current: ServerProcess | undefined;
  const kill = async (signal: NodeJS.Signals = "SIGKILL") => {
    if (!current) return null;
    current.child.kill(signal);
    return waitForExit(current.child);
  };
  return {
    dataDir,
    get current() {
      return current;
    },
    async start() {
      current = await startServerProcess(dataDir);
      return current;
    },
    kill,
    async dispose() {
      await kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
