import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { SimClient } from '../simulator/helpers.js';
import { timed } from './helpers.js';

/**
 * The simulator's fault API itself, seen from a plain HTTPS client: what matches, how `times` heals,
 * what the status faults look like on the wire (PVE's bodies, AnyEvent's empty 595), and that a hung
 * request does not keep the simulator from closing.
 */
describe('simulator fault injection', () => {
  let sim: Simulator;
  let client: SimClient;
  beforeAll(async () => {
    sim = await startSimulator();
    client = new SimClient(sim);
  });
  afterEach(() => sim.faults.clear());
  afterAll(async () => {
    await client?.close();
    await sim?.close();
  });

  it("'METHOD /path' matches that method and whole path segments below the prefix", async () => {
    const fault = sim.faults.add({ kind: 'status', status: 503, match: 'GET /nodes/pve1' });
    expect((await client.api('GET', '/nodes/pve1/status')).status).toBe(503);
    expect((await client.api('GET', '/nodes/pve1')).status).toBe(503);
    expect((await client.api('GET', '/nodes/pve2/status')).status).toBe(200);
    expect((await client.api('POST', '/nodes/pve1/qemu/102/status/start')).status).not.toBe(503);
    expect(fault.hits).toBe(2);
  });

  it('a bare path matches any method; a RegExp sees "METHOD /path"', async () => {
    sim.faults.add({ kind: 'status', status: 502, match: '/version' });
    sim.faults.add({ kind: 'status', status: 500, match: /^GET \/cluster\/(status|resources)$/ });
    expect((await client.api('GET', '/version')).status).toBe(502);
    expect((await client.api('GET', '/versionX')).status).not.toBe(502);
    expect((await client.api('GET', '/cluster/status')).status).toBe(500);
    expect((await client.api('GET', '/cluster/tasks')).status).toBe(200);
  });

  it('`times` hits that many requests, then the cluster heals; remove() and clear() stop it early', async () => {
    const twice = sim.faults.add({ kind: 'status', status: 503, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await client.api('GET', '/version')).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(twice.hits).toBe(2);

    const forever = sim.faults.add({ kind: 'status', status: 503 });
    expect((await client.api('GET', '/version')).status).toBe(503);
    forever.remove();
    expect((await client.api('GET', '/version')).status).toBe(200);
  });

  it('faults apply to the API only: the schema download still works', async () => {
    sim.faults.add({ kind: 'hang' });
    const doc = await client.call('GET', '/pve-docs/api-viewer/apidoc.js');
    expect(doc.status).toBe(200);
  });

  it('status faults speak PVE: 595 has its reason and an empty body, 500 the error envelope', async () => {
    sim.faults.add({ kind: 'status', status: 595, match: '/version', times: 1 });
    const proxy = await client.api('GET', '/version');
    expect([proxy.status, proxy.reason, proxy.text]).toEqual([595, 'Connection refused', '']);

    sim.faults.add({ kind: 'status', status: 500, reason: 'got timeout', match: '/version', times: 1 });
    const api = await client.api('GET', '/version');
    expect([api.status, api.reason]).toEqual([500, 'got timeout']);
    expect(JSON.parse(api.text)).toEqual({ data: null, message: 'got timeout\n' });
  });

  it('every faulted request is recorded with its fault, POST bodies included', async () => {
    const mark = sim.requests.length;
    sim.faults.add({ kind: 'reset', match: 'POST /nodes/pve2/qemu/102/status/start' });
    await expect(
      client.api('POST', '/nodes/pve2/qemu/102/status/start', { body: 'timeout=5' }),
    ).rejects.toThrow();
    const [rec] = sim.requests.slice(mark);
    expect(rec).toMatchObject({ method: 'POST', fault: 'reset', body: 'timeout=5', status: 0 });
    // The faulted POST never reached the API: the VM is still stopped.
    const status = await client.data<{ status: string }>('GET', '/nodes/pve2/qemu/102/status/current');
    expect(status.status).toBe('stopped');
  });

  it('rejects a fault it cannot inject, naming what is wrong', () => {
    expect(() => sim.faults.add({ kind: 'explode' as never })).toThrow(
      /unknown fault kind 'explode' \(known: hang,/,
    );
    expect(() => sim.faults.add({ kind: 'reset', times: 0 })).toThrow(/'times' must be a positive integer/);
    expect(() => sim.faults.add({ kind: 'status', status: 42 })).toThrow(/must be an HTTP status/);
  });
});

describe('a simulator born broken', () => {
  it('applies its constructor faults, and closes promptly with a request hanging', async () => {
    const sim = await startSimulator({ faults: [{ kind: 'hang', match: 'GET /version' }] });
    const client = new SimClient(sim);
    const hung = client.api('GET', '/version').catch((e: unknown) => e);
    await expect(client.data('GET', '/nodes')).resolves.toHaveLength(3);
    // The hung request has arrived; closing must end it rather than wait for it.
    await expect.poll(() => sim.requests.some((r) => r.fault === 'hang')).toBe(true);
    const { ms } = await timed(() => sim.close());
    expect(ms).toBeLessThan(1_000);
    expect(await hung).toBeInstanceOf(Error);
    await client.close();
  });
});
