import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A focused test must never land: CI would silently run a subset.
    allowOnly: false,
    // End-to-end tests wait on Probot's pacing of GitHub writes (one a second): a long story takes tens of seconds.
    testTimeout: 60_000,
    // Set-up hooks start servers and simulators; on a loaded machine (npm run test:loaded) that takes far longer
    // than vitest's 10 s default, which failed whole files while the machine was busy.
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    // Every process a test starts is stopped whatever happens: after its file, when its worker exits, and when the
    // run ends (see test/helpers/children.ts).
    globalSetup: ["test/setup/global.ts"],
    setupFiles: ["test/setup/stop-children.ts"],
    // The end-to-end files spend most of their time waiting (Probot spaces GitHub writes a second apart, as GitHub's
    // secondary limits ask), so more files than cores run side by side.
    maxWorkers: Math.max(4, availableParallelism()),
  },
});
