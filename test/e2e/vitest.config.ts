import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run e2e`: third-party MCP clients against the built server. Separate from `npm test` because it
// installs the clients (test/e2e/clients/, cached in node_modules/.cache) and needs the registry once.
export default defineConfig({
  root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'),
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    testTimeout: 90_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // One file, run in order: the clients share one simulator and one HTTP server.
    fileParallelism: false,
    reporters: ['default', ['json', { outputFile: 'node_modules/.cache/vitest/e2e-results.json' }]],
  },
});
