import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A focused test must never land: CI would silently run a subset.
    allowOnly: false,
    // End-to-end tests wait on Probot's pacing of GitHub writes (one a second): a long story takes tens of seconds.
    testTimeout: 60_000,
    // The end-to-end files spend most of their time waiting (Probot spaces GitHub writes a second apart, as GitHub's
    // secondary limits ask), so more files than cores run side by side.
    maxWorkers: Math.max(4, availableParallelism()),
  },
});
