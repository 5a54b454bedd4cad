import { resolve } from "node:path";
import { parseArgs } from "node:util";

export interface LocalConfig {
  /** TCP port on 127.0.0.1; default 7071 (the Functions host's). */
  readonly port: number;
  /** Folder holding events.db and views.db; default ./data in the project. */
  readonly dataDir: string;
  /** Delete the data folder before starting. */
  readonly reset: boolean;
}

const USAGE = "usage: npm start -- [--port 7071] [--data-dir ./data] [--reset]   (or PORT=, DATA_DIR= in the environment)";

/** Flags win over environment variables, which win over defaults. Throws with a clear message. */
export function readLocalConfig(argv: readonly string[], env: NodeJS.ProcessEnv, projectRoot: string): LocalConfig {
  const { values } = parseArgs({
    args: [...argv],
    options: { port: { type: "string" }, "data-dir": { type: "string" }, reset: { type: "boolean", default: false }, help: { type: "boolean", default: false } },
    strict: true,
  });
  if (values.help) throw new Error(USAGE);
  const rawPort = values.port ?? env.PORT ?? "7071";
  if (!/^\d{1,5}$/.test(rawPort) || Number(rawPort) > 65535) throw new Error(`port must be 0-65535, got '${rawPort}'. ${USAGE}`);
  const dataDir = resolve(projectRoot, values["data-dir"] ?? env.DATA_DIR ?? "data");
  return { port: Number(rawPort), dataDir, reset: values.reset };
}
