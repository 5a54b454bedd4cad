import { Worker } from "node:worker_threads";
import { projectorResourceLimits } from "../../functions/src/local/projector-thread.js";

/**
 * replay-child.ts in a worker thread with the server's projector resource limits, beside an idle
 * main thread: the shape `npm start` runs a rebuild in. Prints the child's line; its peak RSS is
 * the whole process's. Usage: node --import tsx bench/replay/replay-in-worker.ts <events.db> <views.db>
 */
const [eventsFile, viewsFile] = process.argv.slice(2);
if (eventsFile === undefined || viewsFile === undefined) throw new Error("usage: replay-in-worker <events.db> <views.db>");
const worker = new Worker(new URL("./replay-child.ts", import.meta.url), {
  argv: [eventsFile, viewsFile],
  execArgv: ["--import", "tsx"],
  resourceLimits: projectorResourceLimits(),
});
worker.on("error", (error) => {
  process.stderr.write(`the replay worker failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
