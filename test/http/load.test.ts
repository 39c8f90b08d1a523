import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { runHttpLoad, type ToolCall, type ToolResult } from '../bench/http-load.mjs';
import { assertBuilt, envFor } from '../helpers/cli.js';
import { TOKEN, auth, healthz, spawnSse, waitFor, type SpawnedServer } from './helpers.js';

// The built `proxmox-mcp sse` runs in its own process, as users run it: the SDK clients and the
// simulator share this one, so the load uses both cores instead of queueing on one event loop.
let sim: Simulator;
let server: SpawnedServer;

beforeAll(async () => {
  assertBuilt();
  sim = await startSimulator({ taskDurationMs: 50 });
  server = await spawnSse(['--port', '0'], { ...envFor(sim), MCP_AUTH_TOKEN: TOKEN });
});
afterAll(async () => {
  server?.child.kill('SIGTERM');
  if (server) await server.exit;
  await sim?.close();
});

const rssMiB = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

// Half the sessions list nodes (a curated tool, three upstream requests' worth of shaping), half make a
// raw GET /version: each answer is checked, so a response routed to the wrong session or call shows.
const callFor = (client: number): ToolCall =>
  client % 2
    ? { name: 'proxmox_api_call', arguments: { method: 'GET', path: '/version' } }
    : { name: 'list_nodes', arguments: {} };

function check(result: ToolResult, call: ToolCall): string | undefined {
  const s = result.structuredContent as Record<string, unknown> | undefined;
  if (call.name === 'list_nodes') {
    const nodes = (s?.nodes as Array<{ node: string }> | undefined)?.map((n) => n.node).sort();
    return nodes?.join() === 'pve1,pve2,pve3' ? undefined : `list_nodes gave ${JSON.stringify(s)}`;
  }
  const data = s?.data as { version?: string } | undefined;
  return s?.path === '/version' && data?.version === '9.2.11'
    ? undefined
    : `GET /version gave ${JSON.stringify(s)}`;
}

describe('Streamable HTTP under load (the built binary)', () => {
  it('50 concurrent sessions × 100 tool calls: no error, every answer right, every session released', async () => {
    const pid = server.child.pid!;
    let peakRss = rssMiB(pid);
    const r = await runHttpLoad({
      url: server.url,
      headers: auth,
      clients: 50,
      calls: 100,
      call: callFor,
      check,
      sample: () => (peakRss = Math.max(peakRss, rssMiB(pid))),
    });
    expect(r.failures).toEqual([]);
    expect(r).toMatchObject({ calls: 5000, errors: 0, wrong: 0 });
    expect(r.p99Ms).toBeGreaterThan(0);
    // Every session was DELETEd by its client: none may linger, and nothing is still in flight.
    await waitFor(async () => (await healthz(server.url)).sessions === 0, 5_000, 'sessions to be released');
    expect(await healthz(server.url)).toMatchObject({ status: 'ok', sessions: 0, inflight: 0 });
    // Loose but real: 50 sessions and their buffers, well short of runaway growth (~200 MB seen).
    expect(peakRss).toBeLessThan(400);
    expect(server.stderr()).not.toMatch(/request failed|cut .*stopped reading/);
  }, 60_000);
});
