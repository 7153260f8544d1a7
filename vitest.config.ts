import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        test: {
          name: "renderer",
          include: ["tests/renderer/**/*.test.tsx"],
          environment: "jsdom",
        },
        esbuild: { jsx: "automatic" },
      },
      {
        // One pcscd per machine: integration files run one after another in one process.
        test: {
          name: "integration",
          // Projects that share pcscd run one after another: integration, e2e, shell, then faults.
          sequence: { groupOrder: 1 },
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 30_000,
          pool: "forks",
        },
      },
      {
        // Real Chromium against the preview bridge on pcscd; uses the second vpcd reader.
        test: {
          name: "e2e",
          sequence: { groupOrder: 2 },
          include: ["tests/e2e/**/*.test.ts"],
          environment: "node",
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: "forks",
        },
      },
      {
        // The app's real main entry, preload and renderer on the electron stand-in (Chromium),
        // on pcscd with a card in the first vpcd reader: after e2e, before faults.
        test: {
          name: "shell",
          sequence: { groupOrder: 3 },
          include: ["tests/shell/**/*.test.ts"],
          environment: "node",
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: "forks",
        },
      },
      {
        // Stops and starts pcscd itself: runs last, alone.
        test: {
          name: "faults",
          include: ["tests/faults/**/*.test.ts"],
          environment: "node",
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 30_000,
          pool: "forks",
          sequence: { groupOrder: 4 },
        },
      },
    ],
  },
});
