import { afterAll, describe, it } from "vitest";
import { loadUntilKilled, newAcked, verifyAfterCrashes } from "../support/crash-workload.js";
import { serverFixture } from "../support/local-server-process.js";
import { SCALE, seededRandom } from "./scale.js";

const fixture = serverFixture("es-crashloop-");
afterAll(() => fixture.dispose());

const seed = Number(process.env.RELIABILITY_SEED ?? Date.now() % 1_000_000);

describe(`crash loop: ${SCALE.crashRounds} rounds of SIGKILL under load (${SCALE.name}, seed ${seed})`, () => {
  it("keeps every acknowledged append, and the views equal a fold of the stored events", async () => {
    const random = seededRandom(seed);
    const acked = newAcked();
    for (let round = 0; round < SCALE.crashRounds; round++) {
      const server = await fixture.start();
      const stop = { stopped: false };
      const load = loadUntilKilled(server.baseUrl, round, acked, stop, 12);
      // A random moment: early (the projector catching up), mid-load, or late.
      await new Promise((r) => setTimeout(r, 50 + Math.floor(random() * 900)));
      await fixture.kill();
      stop.stopped = true;
      await load;
    }
    await verifyAfterCrashes((await fixture.start()).baseUrl, acked);
    console.log(`crash loop: ${SCALE.crashRounds} kills, ${acked.placed.size} orders acknowledged, ${acked.attempted.size} attempted`);
  });
});
