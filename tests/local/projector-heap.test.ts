import { execFileSync } from "node:child_process";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { PROJECTOR_RESOURCES, projectorHeapFlags } from "../../functions/src/local/projector-resources.js";
import { projectorResourceLimits } from "../../functions/src/local/projector-thread.js";

const MiB = 1024 * 1024;
const HEAP_LIMIT = "process.stdout.write(String(require('node:v8').getHeapStatistics().heap_size_limit))";

/** V8's heap limit inside a worker started with the projector's resource limits. */
function workerHeapLimit(): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(
      "require('node:worker_threads').parentPort.postMessage(require('node:v8').getHeapStatistics().heap_size_limit)",
      { eval: true, resourceLimits: projectorResourceLimits() },
    );
    worker.once("message", (limit: number) => {
      void worker.terminate().then(() => {
        resolve(limit);
      });
    });
    worker.once("error", reject);
  });
}

describe("the projector worker's heap", () => {
  it("is limited as projector-resources.ts says, and the bench's flags give a main thread the same heap", async () => {
    const inWorker = await workerHeapLimit();
    // V8 counts both generations in its limit.
    expect(inWorker).toBe((PROJECTOR_RESOURCES.oldGenerationMiB + PROJECTOR_RESOURCES.youngGenerationMiB) * MiB);
    const mainThread = Number(execFileSync(process.execPath, [...projectorHeapFlags(), "-e", HEAP_LIMIT], { encoding: "utf8" }));
    expect(mainThread).toBe(inWorker);
  });
});
