import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Records every result, error, log line and child-process output for the secret sweep, which
    // runs right after this suite (test/secrets/vitest.config.ts).
    globalSetup: ['test/secrets/global-setup.ts'],
    setupFiles: ['test/secrets/setup.ts'],
    // The JSON file lets .ci/run print a plain "N passed, N failed" line after the run.
    reporters: ['default', ['json', { outputFile: 'node_modules/.cache/vitest/results.json' }]],
  },
});
