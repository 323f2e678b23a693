import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Two cores: child-process tests are heavy; keep the pool small and the timeouts generous.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report gives CI its counts (.ci/run prints "N passed, N failed" from it).
    reporters: ['default', ['json', { outputFile: 'test-output/vitest.json' }]],
  },
});
