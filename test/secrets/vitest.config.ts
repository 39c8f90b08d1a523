import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The secret sweep: a separate run right after the main suite (`npm test` runs both), because it
// judges everything the main suite recorded. Its own JSON results join the CI summary line.
export default defineConfig({
  root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'),
  test: {
    include: ['test/secrets/**/*.sweep.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', ['json', { outputFile: 'node_modules/.cache/vitest/secrets-results.json' }]],
  },
});
