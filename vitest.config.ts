import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A focused test must never land: CI would silently run a subset.
    allowOnly: false,
    testTimeout: 30_000,
  },
});
