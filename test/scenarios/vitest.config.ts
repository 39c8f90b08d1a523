import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run scenarios`: the admin jobs of issue 15, each as the MCP tool calls an assistant would make, against
// the simulator. Separate from `npm test` because it measures (calls, bytes read, time) and writes the
// figures the README table is made from (scripts/update-readme-scenarios.mjs).
export default defineConfig({
  root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'),
  test: {
    include: ['test/scenarios/**/*.scenario.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // One process, jobs in order: the figures file is written once, after the last job.
    fileParallelism: false,
    reporters: ['default', ['json', { outputFile: 'node_modules/.cache/vitest/scenarios-results.json' }]],
  },
});
