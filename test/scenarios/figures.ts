import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobFigures } from './meter.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** What the last `npm run scenarios` measured (not committed). */
export const FIGURES_RUN_FILE = path.join(root, 'node_modules/.cache/scenarios/figures.json');
/** The same jobs with PVE's full schema served (SCENARIO_SCHEMA=real): printed for comparison, not pinned. */
export const FIGURES_REAL_SCHEMA_FILE = path.join(
  root,
  'node_modules/.cache/scenarios/figures-real-schema.json',
);
/** The figures the README table shows, committed with it by scripts/update-readme-scenarios.mjs. */
export const FIGURES_COMMITTED_FILE = path.join(root, 'test/scenarios/figures.json');

/** Bytes move a little between runs (live values, UPIDs, timestamps); more than this is a real change. */
export const BYTES_TOLERANCE = 0.1;

export function readFigures(file: string): JobFigures[] {
  return JSON.parse(readFileSync(file, 'utf8')) as JobFigures[];
}

/**
 * Differences that make the README table stale: a job added or gone, a call or look-up more or less,
 * bytes off by more than BYTES_TOLERANCE. Wall time is not pinned (it depends on the machine).
 */
export function compareFigures(run: readonly JobFigures[], committed: readonly JobFigures[]): string[] {
  const problems: string[] = [];
  const byId = new Map(committed.map((f) => [f.id, f]));
  for (const f of run) {
    const c = byId.get(f.id);
    if (!c) {
      problems.push(`job ${f.id} has no committed figures`);
      continue;
    }
    if (c.calls !== f.calls) problems.push(`job ${f.id}: ${f.calls} calls, committed ${c.calls}`);
    if (c.describes !== f.describes)
      problems.push(`job ${f.id}: ${f.describes} look-ups, committed ${c.describes}`);
    if (Math.abs(f.bytes - c.bytes) > c.bytes * BYTES_TOLERANCE)
      problems.push(
        `job ${f.id}: ${f.bytes} bytes read, committed ${c.bytes} (more than ${BYTES_TOLERANCE * 100} % apart)`,
      );
  }
  for (const c of committed)
    if (!run.some((f) => f.id === c.id)) problems.push(`job ${c.id} is committed but did not run`);
  if (problems.length > 0)
    problems.push(
      'if the change is intended: node scripts/update-readme-scenarios.mjs, then commit README.md and test/scenarios/figures.json',
    );
  return problems;
}

export function compareWithCommitted(run: readonly JobFigures[]): string[] {
  if (!existsSync(FIGURES_COMMITTED_FILE))
    return [`${FIGURES_COMMITTED_FILE} is missing: run node scripts/update-readme-scenarios.mjs`];
  return compareFigures(run, readFigures(FIGURES_COMMITTED_FILE));
}
