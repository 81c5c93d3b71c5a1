import { defineConfig } from 'vitest/config';

// Tests drive real git, eslint, tsc and vitest in temp repos: they are slow and CPU-bound,
// so files run two at a time (the machine has 2 cores) with generous timeouts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    fileParallelism: true,
  },
});
