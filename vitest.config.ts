import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**', 'dist/**'],
    // Generous: integration and e2e tests spawn the CLI, brokers and a browser on a 2-core machine.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores on CI machines: keep at most two test files running at once.
    maxWorkers: 2,
    reporters: ['default'],
    // The recorder leaves 256 MiB free on its disk by default and does not record below that; tests record small
    // files into the temp folder, also on a machine with little room left (test/unit/main/recording/diskSpace.test.ts).
    env: { TWIN_RECORD_MIN_FREE_MB: '16' },
  },
});
