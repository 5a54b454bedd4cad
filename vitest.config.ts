import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // The reliability suites run on their own: npm run test:reliability.
    exclude: ["tests/reliability/**", "node_modules/**"],
    // Tests that spawn the local server or hammer SQLite need more than the 5 s default.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
