/** Sizes of the reliability suites: the full size by default, RELIABILITY_SCALE=ci for CI. */
const ci = process.env.RELIABILITY_SCALE === "ci";

export const SCALE = {
  name: ci ? "ci" : "full",
  hotStreamSeconds: ci ? 5 : 30,
  hotStreamClients: 64,
  hotStreams: 8,
  crashRounds: ci ? 5 : 20,
  corpusRepetitions: ci ? 3 : 20,
} as const;

/** A small seeded generator (mulberry32), so a failing run can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
