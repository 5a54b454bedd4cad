import { afterAll, describe, it } from "vitest";
import { killAfterAcknowledged, newAcked, verifyAfterCrashes } from "../support/crash-workload.js";
import { serverFixture } from "../support/local-server-process.js";
import { SCALE, seededRandom } from "./scale.js";

const fixture = serverFixture("es-crashloop-");
afterAll(() => fixture.dispose());

const seed = Number(process.env.RELIABILITY_SEED ?? Date.now() % 1_000_000);

/**
 * Each round is killed after a seeded-random number of acknowledged orders (1 to 60, up to about
 * a second of load), so kills land early (the projector catching up with earlier rounds),
 * mid-load, or late, and every round has stored something to verify.
 */
const MOST_ORDERS_BEFORE_KILL = 60;

describe(`crash loop: ${SCALE.crashRounds} rounds of SIGKILL under load (${SCALE.name}, seed ${seed})`, () => {
  it("keeps every acknowledged append, and the views equal a fold of the stored events", async () => {
    const random = seededRandom(seed);
    const acked = newAcked();
    for (let round = 0; round < SCALE.crashRounds; round++) {
      await killAfterAcknowledged(fixture, round, 1 + Math.floor(random() * MOST_ORDERS_BEFORE_KILL), acked, 12);
    }
    await verifyAfterCrashes((await fixture.start()).baseUrl, acked);
    console.log(`crash loop: ${SCALE.crashRounds} kills, ${acked.placed.size} orders acknowledged, ${acked.attempted.size} attempted`);
  });
});
