import { defineConfig } from "vitest/config";

/** `npm run test:reliability`: long-running suites that try to lose data. RELIABILITY_SCALE=ci shortens them. */
export default defineConfig({
  test: {
    include: ["tests/reliability/**/*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: "forks",
    // One suite at a time: they measure a server under load.
    fileParallelism: false,
  },
});
