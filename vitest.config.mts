import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "lag-exporter/test/**/*.test.ts"],
    // Tests that start containers or run pulumi set their own, larger bounds.
    testTimeout: 10_000,
    hookTimeout: 60_000,
    // Docker- and pulumi-heavy files would fight for the 2 cores; run files one at a time.
    fileParallelism: false,
    reporters: ["default", "./test/support/summary-reporter.ts"],
  },
});
