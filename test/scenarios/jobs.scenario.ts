import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { compareWithCommitted, FIGURES_REAL_SCHEMA_FILE, FIGURES_RUN_FILE } from './figures.js';
import { Meter, type JobFigures } from './meter.js';
import { createAndChange } from './jobs/create-and-change.js';
import { lookAndReport } from './jobs/look-and-report.js';
import type { Job } from './jobs/job.js';
import { protectAndMove } from './jobs/protect-and-move.js';
import { REAL_SCHEMA, startJobHarness, type JobHarness } from './setup.js';

/**
 * The admin jobs of issue 15, each written as the tool calls a capable assistant would make (look-ups
 * included), run through a real MCP client against two simulated clusters. Each asserts the end state in
 * the simulator, not only that the calls succeeded. The figures go to FIGURES_RUN_FILE for the README.
 * The jobs themselves live in jobs/, by kind; this file runs them in id order and keeps their figures.
 */
const figures: JobFigures[] = [];
let h: JobHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

afterAll(() => {
  const file = REAL_SCHEMA ? FIGURES_REAL_SCHEMA_FILE : FIGURES_RUN_FILE;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(
    file,
    `${JSON.stringify(
      figures.sort((a, b) => a.id - b.id),
      null,
      2,
    )}\n`,
  );
  for (const f of figures)
    process.stderr.write(
      `job ${String(f.id).padStart(2)}  ${String(f.calls).padStart(2)} calls  ${f.describes} describe  ${String(f.bytes).padStart(6)} B  ${String(f.ms).padStart(5)} ms  ${f.job}\n`,
    );
});

/** Runs one job on a fresh harness under a Meter, and keeps its figures. */
async function job(j: Job): Promise<void> {
  h = await startJobHarness(j.opts ?? {});
  const m = new Meter(h, j.id, j.name);
  await j.run(m, h);
  figures.push(m.finish());
}

const JOBS = [...lookAndReport, ...createAndChange, ...protectAndMove].sort((a, b) => a.id - b.id);

describe('what an assistant can do', () => {
  for (const j of JOBS) it(`${j.id}. ${j.title}`, () => job(j));
});

it('prints what every session pays before the first job: the model-visible tools/list', async () => {
  h = await startJobHarness();
  const { tools } = await h.client.listTools();
  const visible = tools.map((t) => ({
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: t.inputSchema,
  }));
  const bytes = Buffer.byteLength(JSON.stringify(visible));
  process.stderr.write(
    `tools/list (names, titles, descriptions, input schemas): ${tools.length} tools, ${bytes} B\n`,
  );
  expect(bytes).toBeGreaterThan(0);
});

it.skipIf(REAL_SCHEMA)(
  `the figures match the committed ones (calls and look-ups exact, bytes within 10 %)${REAL_SCHEMA ? ' (skipped: SCENARIO_SCHEMA=real measures, it does not compare)' : ''}`,
  () => {
    const problems = compareWithCommitted(figures);
    expect(problems, problems.join('\n')).toEqual([]);
  },
);
