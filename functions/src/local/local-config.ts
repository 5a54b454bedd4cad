import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";

export interface LocalConfig {
  /** TCP port on 127.0.0.1; default 7071 (the Functions host's). */
  readonly port: number;
  /** Folder holding events.db and the views files; default ./data in the project. */
  readonly dataDir: string;
  /** Delete the data folder before starting. */
  readonly reset: boolean;
  /** Build the next generation of the views beside the serving one, then switch reads to it. */
  readonly rebuildViews: boolean;
}

const USAGE =
  "usage: npm start -- [--port 7071] [--data-dir ./data] [--reset] [--rebuild-views]   (or PORT=, DATA_DIR= in the environment)";

const portSchema = z
  .string()
  .regex(/^\d{1,5}$/)
  .transform(Number)
  .refine((port) => port <= 65535);

/** Flags win over environment variables, which win over defaults. Throws with a clear message. */
export function readLocalConfig(argv: readonly string[], env: NodeJS.ProcessEnv, projectRoot: string): LocalConfig {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: "string" },
      "data-dir": { type: "string" },
      reset: { type: "boolean", default: false },
      "rebuild-views": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) throw new Error(USAGE);
  const rawPort = values.port ?? env.PORT ?? "7071";
  const port = portSchema.safeParse(rawPort);
  if (!port.success) throw new Error(`port must be 0-65535, got '${rawPort}'. ${USAGE}`);
  if (values.reset && values["rebuild-views"])
    throw new Error(`--reset and --rebuild-views exclude each other: a reset store has nothing to rebuild. ${USAGE}`);
  const dataDir = resolve(projectRoot, values["data-dir"] ?? env.DATA_DIR ?? "data");
  return { port: port.data, dataDir, reset: values.reset, rebuildViews: values["rebuild-views"] };
}
