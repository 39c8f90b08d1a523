import type { Meter } from '../meter.js';
import type { JobHarness, startJobHarness } from '../setup.js';

/**
 * One admin job of issue 15: the tool calls a capable assistant would make for it (look-ups included),
 * checking the end state in the simulator. jobs.scenario.ts runs each under a Meter and records its figures.
 */
export interface Job {
  id: number;
  /** The test's name, after "<id>. ". */
  title: string;
  /** The job as the README table names it (figures.json `job`). */
  name: string;
  /** How the harness is started (confirm rules, elicitation); none by default. */
  opts?: Parameters<typeof startJobHarness>[0];
  run: (m: Meter, h: JobHarness) => Promise<void>;
}

export type Row = Record<string, unknown>;
/** The rows of a listing tool's structured result. */
export const rows = (data: Record<string, unknown>): Row[] => (data.resources ?? data.data ?? []) as Row[];
