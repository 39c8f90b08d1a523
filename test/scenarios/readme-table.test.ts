import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { renderTable } from '../../scripts/update-readme-scenarios.mjs';
import { compareFigures, FIGURES_COMMITTED_FILE, readFigures } from './figures.js';
import type { JobFigures } from './meter.js';

/**
 * The README's scenario table is exactly what scripts/update-readme-scenarios.mjs makes of the committed
 * figures; the scenario suite (`npm run scenarios`) compares each run with those figures, so the table
 * cannot drift from what the jobs really cost without a test failing.
 */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const committed = readFigures(FIGURES_COMMITTED_FILE);

describe('README "What an assistant can do, and what it costs"', () => {
  it('shows the committed figures, as the script renders them', () => {
    const block = /<!-- scenarios:start[^>]*-->\n\n([\s\S]*?)<!-- scenarios:end -->/.exec(readme)?.[1];
    expect(block, 'README has no generated scenario table').toBeDefined();
    expect(block).toBe(`${(renderTable as (f: JobFigures[]) => string)(committed)}\n`);
  });

  it('covers the 20 jobs of issue 15, each with at least one call', () => {
    expect(committed.map((f) => f.id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const f of committed) expect(f.calls, `job ${f.id}`).toBeGreaterThan(0);
  });

  it('the comparison catches a job that changed (a call more, or 20 % more bytes)', () => {
    const f = committed[0]!;
    expect(compareFigures(committed, committed)).toEqual([]);
    expect(compareFigures([{ ...f, calls: f.calls + 1 }], [f])[0]).toContain('calls');
    expect(compareFigures([{ ...f, bytes: Math.round(f.bytes * 1.2) }], [f])[0]).toContain('bytes');
    expect(compareFigures([{ ...f, bytes: Math.round(f.bytes * 1.05) }], [f])).toEqual([]);
  });
});
