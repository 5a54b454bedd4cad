import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, it } from "vitest";
import type { ServerProcess } from "../support/local-server-process.js";
import { loadUntilKilled, newAcked, verifyAfterCrashes } from "../support/crash-workload.js";
import { startServerProcess, waitForExit } from "../support/local-server-process.js";
import { SCALE, seededRandom } from "./scale.js";

const dataDir = mkdtempSync(join(tmpdir(), "es-crashloop-"));
let server: ServerProcess | undefined;
afterAll(async () => {
  if (server) {
    server.child.kill("SIGKILL");
    await waitForExit(server.child);
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const seed = Number(process.env.RELIABILITY_SEED ?? Date.now() % 1_000_000);

describe(`crash loop: ${SCALE.crashRounds} rounds of SIGKILL under load (${SCALE.name}, seed ${seed})`, () => {
  it("keeps every acknowledged append, and the views equal a fold of the stored events", async () => {
    const random = seededRandom(seed);
    const acked = newAcked();
    for (let round = 0; round < SCALE.crashRounds; round++) {
      server = await startServerProcess(dataDir);
      const stop = { stopped: false };
      const load = loadUntilKilled(server.baseUrl, round, acked, stop, 12);
      // A random moment: early (the projector catching up), mid-load, or late.
      await new Promise((r) => setTimeout(r, 50 + Math.floor(random() * 900)));
      server.child.kill("SIGKILL");
      stop.stopped = true;
      await waitForExit(server.child);
      await load;
    }
    server = await startServerProcess(dataDir);
    await verifyAfterCrashes(server.baseUrl, acked);
    console.log(`crash loop: ${SCALE.crashRounds} kills, ${acked.placed.size} orders acknowledged, ${acked.attempted.size} attempted`);
  });
});
