/** Sizes of the reliability suites: full size by default, RELIABILITY_SCALE=ci for CI (smaller, same checks). */
const ci = process.env.RELIABILITY_SCALE === "ci";

export const SCALE = {
  name: ci ? "ci" : "full",
  hotStreamSeconds: ci ? 5 : 30,
  hotStreamClients: 64,
  hotStreams: 8,
  crashRounds: ci ? 5 : 20,
  corpusRepetitions: ci ? 3 : 20,
} as const;

export { seededRandom } from "../../functions/src/order-generator/seeded-random.js";
