import net from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterConfig } from '../../src/config/types.js';
import { buildRuntime, type Runtime } from '../../src/runtime.js';
import { createServer } from '../../src/server.js';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { clusterConfigFor } from '../helpers/harness.js';

/**
 * The first call fast (issue 14): with `warmUp`, the server connects to the default cluster and loads
 * its schema right after `initialized`, in the background; one `/version` per schema load; a cluster
 * that is down costs nothing visible.
 */
async function session(cluster: ClusterConfig, warmUp: boolean) {
  const logs: string[] = [];
  const runtime: Runtime = buildRuntime(
    { source: 'test', defaultCluster: cluster.name, clusters: [cluster] },
    { logLevel: 'debug', writeLog: (l) => logs.push(l) },
  );
  const server = createServer({ registry: runtime.registry, logger: runtime.logger, warmUp });
  const client = new Client({ name: 'warm-up-test', version: '1' });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  await client.connect(a);
  return {
    runtime,
    logs,
    call: async (name: string, args: Record<string, unknown> = {}) =>
      (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      await client.close();
      await server.close();
      await runtime.registry.close();
    },
  };
}

const paths = (sim: Simulator, from = 0) => sim.requests.slice(from).map((r) => `${r.method} ${r.path}`);
async function until(check: () => boolean, ms = 5_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('warm-up after initialized', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => sim?.close());

  it('connects and loads the schema before any call, asking /version once', async () => {
    const mark = sim.requests.length;
    const handshakes = sim.tlsConnections;
    const s = await session(clusterConfigFor('demo', sim), true);
    await until(() => s.runtime.registry.schemas.peek('demo') !== undefined);
    expect(paths(sim, mark)).toEqual(['GET /api2/json/version', 'GET /pve-docs/api-viewer/apidoc.js']);
    // Two back-to-back requests may take two pooled connections (src/proxmox/http-request.ts).
    expect(sim.tlsConnections - handshakes).toBeGreaterThanOrEqual(1);
    expect(sim.tlsConnections - handshakes).toBeLessThanOrEqual(2);
    const warmed = sim.tlsConnections;
    // The first raw call finds schema and connection ready: only its own request goes out.
    const callMark = sim.requests.length;
    const r = await s.call('proxmox_api_call', { method: 'GET', path: '/nodes' });
    expect(r.isError).toBeFalsy();
    expect(paths(sim, callMark)).toEqual(['GET /api2/json/nodes']);
    expect(sim.tlsConnections - warmed).toBe(0);
    await s.close();
  });

  it('a call at once, racing the warm-up, still costs one /version for the schema load', async () => {
    const mark = sim.requests.length;
    const s = await session(clusterConfigFor('demo', sim), true);
    const r = await s.call('proxmox_api_call', { method: 'GET', path: '/nodes' });
    expect(r.isError).toBeFalsy();
    await until(() => s.logs.some((l) => /warm-up of cluster "demo" (done|stopped)/.test(l)));
    expect(paths(sim, mark).filter((p) => p === 'GET /api2/json/version')).toHaveLength(1);
    expect(paths(sim, mark).filter((p) => p.includes('apidoc'))).toHaveLength(1);
    await s.close();
  });

  it('is off unless asked for: nothing is sent before the first call', async () => {
    const mark = sim.requests.length;
    const s = await session(clusterConfigFor('demo', sim), false);
    await new Promise((r) => setTimeout(r, 200));
    expect(paths(sim, mark)).toEqual([]);
    await s.close();
  });
});

describe('warm-up of a cluster that is down', () => {
  let port: number;
  let sim: Simulator;
  beforeAll(async () => {
    // A port nothing listens on: take one, then free it.
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    sim = await startSimulator();
  });
  afterAll(async () => sim?.close());

  it('stays quiet (debug only) and leaves the first call its own error', async () => {
    const s = await session(
      clusterConfigFor('down', sim, { origin: `https://127.0.0.1:${port}`, port, timeoutMs: 2_000 }),
      true,
    );
    await until(() => s.logs.some((l) => /warm-up of cluster "down" stopped/.test(l)));
    const loud = s.logs.filter((l) => /\b(WARN|ERROR|warn|error)\b/.test(l.slice(0, 40)));
    expect(loud).toEqual([]);
    const r = await s.call('list_nodes');
    expect(r.isError).toBe(true);
    await s.close();
  });
});
