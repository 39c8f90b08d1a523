import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Harness } from '../helpers/harness.js';

/** What one job cost the assistant: the figures the README table shows. */
export interface JobFigures {
  id: number;
  job: string;
  /** Every tools/call, describe look-ups included. */
  calls: number;
  /** proxmox_api_describe calls among them. */
  describes: number;
  /** UTF-8 bytes of the text content of every result: what the model had to read. */
  bytes: number;
  /** Wall time of the calls, in milliseconds. */
  ms: number;
  /** Each call's tool and the bytes of its result, in order (for finding what to improve; not pinned). */
  steps: Array<{ tool: string; bytes: number }>;
}

export interface Step {
  text: string;
  result: CallToolResult;
  /** structuredContent, typed loosely for the job's own reading. */
  data: Record<string, unknown>;
}

/**
 * Wraps a harness so every call a job makes is counted. A job fails on any error result unless it says
 * it expects one (`expectError`), so a scenario cannot pass by fumbling.
 */
export class Meter {
  readonly figures: JobFigures;
  private readonly started = performance.now();

  constructor(
    private readonly h: Harness,
    id: number,
    job: string,
  ) {
    this.figures = { id, job, calls: 0, describes: 0, bytes: 0, ms: 0, steps: [] };
  }

  async call(
    name: string,
    args: Record<string, unknown> = {},
    opts: { expectError?: boolean } = {},
  ): Promise<Step> {
    const result = await this.h.call(name, args);
    const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
    this.figures.calls += 1;
    if (name === 'proxmox_api_describe') this.figures.describes += 1;
    const bytes = result.content.reduce(
      (sum, c) => sum + (c.type === 'text' ? Buffer.byteLength(c.text, 'utf8') : 0),
      0,
    );
    this.figures.bytes += bytes;
    this.figures.steps.push({ tool: name, bytes });
    // SCENARIO_DUMP=1 npm run scenarios: every call and what the model read, to see what to improve.
    if (process.env.SCENARIO_DUMP)
      process.stderr.write(`\n### job ${this.figures.id} ${name} ${JSON.stringify(args)}\n${text}\n`);
    if (Boolean(result.isError) !== Boolean(opts.expectError))
      throw new Error(`${name} ${JSON.stringify(args)} → ${result.isError ? 'error' : 'success'}:\n${text}`);
    return { text, result, data: (result.structuredContent ?? {}) as Record<string, unknown> };
  }

  /** A look-up through proxmox_api_describe, as an assistant unsure of a path or its parameters makes. */
  describe(args: { query?: string; path?: string; method?: string; cluster?: string }): Promise<Step> {
    return this.call('proxmox_api_describe', args);
  }

  /** proxmox_api_call, the raw access for what no curated tool covers. */
  api(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    extra: {
      data?: Record<string, unknown>;
      wait?: number;
      fields?: string[];
      limit?: number;
      cluster?: string;
    } = {},
    opts: { expectError?: boolean } = {},
  ): Promise<Step> {
    return this.call('proxmox_api_call', { method, path, ...extra }, opts);
  }

  finish(): JobFigures {
    this.figures.ms = Math.round(performance.now() - this.started);
    return this.figures;
  }
}
