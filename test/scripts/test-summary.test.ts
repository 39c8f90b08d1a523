import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { run } from '../helpers/process.js';

// Issue 13: the CI summary says why tests were skipped (before: only a count; the reasons were in
// vitest's JSON alone).

const results = {
  numPassedTests: 5,
  numFailedTests: 0,
  numPendingTests: 3,
  numTodoTests: 0,
  testResults: [
    {
      name: path.join(repoRoot, 'test/schema/api-index.test.ts'),
      assertionResults: [
        { ancestorTitles: [], title: 'passes', status: 'passed' },
        {
          ancestorTitles: [
            'ApiIndex on real PVE schemas (skipped: ../shared/pve not present; CI provides it)',
          ],
          title: 'matches 9.2',
          status: 'skipped',
        },
        {
          ancestorTitles: [
            'ApiIndex on real PVE schemas (skipped: ../shared/pve not present; CI provides it)',
          ],
          title: 'matches 8.4',
          status: 'skipped',
        },
      ],
    },
    {
      name: path.join(repoRoot, 'test/doctor/doctor.test.ts'),
      assertionResults: [{ ancestorTitles: ['doctor'], title: 'colours on a terminal', status: 'skipped' }],
    },
  ],
};

describe('scripts/test-summary.mjs', () => {
  it('prints the counts, then each skip reason with where, and skips without a reason by name', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-summary-'));
    const file = path.join(dir, 'results.json');
    writeFileSync(file, JSON.stringify(results));
    const r = await run(process.execPath, [path.join(repoRoot, 'scripts/test-summary.mjs'), file], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(r.code, r.stderr).toBe(0);
    // The count line closes the output (CI reads the last line).
    expect(r.stdout.split('\n')).toEqual([
      'skipped 2: ../shared/pve not present; CI provides it: test/schema/api-index.test.ts (2)',
      'skipped 1: no reason given: test/doctor/doctor.test.ts (1)',
      '  test/doctor/doctor.test.ts › doctor › colours on a terminal',
      '5 passed, 0 failed, 3 skipped',
      '',
    ]);
  });
});
