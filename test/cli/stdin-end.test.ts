import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { assertBuilt, envFor, runCli } from '../helpers/cli.js';

/**
 * A client that writes its requests and closes stdin at once (`printf ... | proxmox-mcp`, or a client
 * shutting down) still gets every answer to what it asked, also for a last line without its newline.
 */
let sim: Simulator;
beforeAll(async () => {
  assertBuilt();
  sim = await startSimulator();
  sim.setLatency(300); // the tool calls are still running when stdin ends
});
afterAll(async () => sim?.close());

const line = (msg: unknown) => JSON.stringify({ jsonrpc: '2.0', ...(msg as object) });

it('answers every request received before stdin ended, then exits 0', async () => {
  const input = [
    line({
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    }),
    line({ method: 'notifications/initialized' }),
    line({ id: 2, method: 'tools/call', params: { name: 'list_nodes', arguments: {} } }),
    // no newline after the last one
    line({
      id: 3,
      method: 'tools/call',
      params: { name: 'proxmox_api_call', arguments: { method: 'GET', path: '/version' } },
    }),
  ].join('\n');
  const r = await runCli([], { env: envFor(sim), input, timeoutMs: 10_000 });
  expect(r.code, r.stderr).toBe(0);
  const answers = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: number; result?: { isError?: boolean } });
  expect(answers.map((a) => a.id).sort()).toEqual([1, 2, 3]);
  expect(answers.filter((a) => a.id > 1).every((a) => a.result && !a.result.isError)).toBe(true);
});
