import type { OutputRecord } from '../helpers/recording.js';
import type { RecordedRun } from './recording-dir.js';

/**
 * Whether a recording can be judged. A partial run of the main suite (one file, `-t`, a shard) is
 * normal while working and says nothing about the whole suite: the sweep skips it and says why. A
 * whole run whose recording misses test files means the recording is broken: that fails.
 */
export type Verdict =
  | { kind: 'ready'; run: RecordedRun; records: OutputRecord[] }
  | { kind: 'skip'; reason: string }
  | { kind: 'broken'; reason: string };

const RUN_IT = 'run the whole suite with `npm test` (it runs the sweep right after)';

export function judgeRun(run: RecordedRun | undefined, records: OutputRecord[]): Verdict {
  if (!run) return { kind: 'skip', reason: `no recording of the main suite: ${RUN_IT}` };
  const m = run.manifest;
  const partial = [
    m.filters.length ? `files filtered by ${m.filters.join(' ')}` : '',
    m.testNamePattern ? `tests filtered by -t ${m.testNamePattern}` : '',
    m.shard ? `shard ${m.shard}` : '',
  ].filter(Boolean);
  if (partial.length)
    return { kind: 'skip', reason: `the last main run was partial (${partial.join(', ')}): ${RUN_IT}` };
  const seen = new Set(records.filter((r) => r.s === 'file').map((r) => r.t));
  const missing = m.allFiles.filter((f) => !seen.has(f));
  if (missing.length)
    return {
      kind: 'broken',
      reason: `the last main run was not filtered, but ${missing.length} of ${m.allFiles.length} test files left no recording (the setup file test/secrets/setup.ts did not run for them, or the run stopped early): ${missing.join(', ')}`,
    };
  return { kind: 'ready', run, records };
}
