import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../src/simulator/testing/faults.js';
import { DEMO_TOKEN_SECRET } from '../../src/simulator/testing/index.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';
import { apiRequests, MARGIN_MS, timed, TIMEOUT_MS } from './helpers.js';

/**
 * Which failures are retried, counted in the simulator's request log: a transient failure of a GET is
 * sent again (and the caller never sees it); writes, auth failures, other 4xx/5xx and timeouts go out
 * exactly once.
 */
const WRONG_SECRET = '11111111-2222-3333-4444-555555555555';
const START = '/nodes/pve2/qemu/102/status/start';

describe('retries: only idempotent GETs, only transient failures, bounded', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      clusters: [
        { name: 'demo', config: { timeoutMs: 2 * TIMEOUT_MS } },
        { name: 'badtoken', config: { tokenSecret: WRONG_SECRET, timeoutMs: 2 * TIMEOUT_MS } },
        {
          name: 'nopriv',
          sim: {
            tokens: [{ user: 'mcp@pve', tokenId: 'ro', secret: DEMO_TOKEN_SECRET, privsep: true, acl: [] }],
          },
          config: { user: 'mcp@pve', tokenId: 'ro', timeoutMs: 2 * TIMEOUT_MS },
        },
        { name: 'hung', config: { timeoutMs: TIMEOUT_MS } },
      ],
    });
  });
  afterAll(async () => {
    const all = h.logs.join('\n');
    expect(all).not.toContain(DEMO_TOKEN_SECRET);
    expect(all).not.toContain(WRONG_SECRET);
    await h?.close();
  });

  afterEach(() => {
    for (const sim of Object.values(h.sims)) sim.faults.clear();
  });

  const demo = () => h.sims.demo!;

  it.each<{ label: string; fault: FaultSpec }>([
    { label: 'a connection reset', fault: { kind: 'reset', times: 1 } },
    { label: '502', fault: { kind: 'status', status: 502, times: 1 } },
    { label: '503', fault: { kind: 'status', status: 503, times: 1 } },
    { label: '595', fault: { kind: 'status', status: 595, times: 1 } },
    { label: '596', fault: { kind: 'status', status: 596, times: 1 } },
    { label: 'a close mid-body', fault: { kind: 'truncated-json', lyingLength: true, times: 1 } },
  ])('a GET hit once by $label is retried once and succeeds transparently', async ({ fault }) => {
    const mark = demo().requests.length;
    demo().faults.add({ ...fault, match: 'GET /nodes' });
    const r = await h.call('list_nodes');
    expect(r.isError, textOf(r)).toBeFalsy();
    expect((r.structuredContent as { nodes: unknown[] }).nodes).toHaveLength(3);
    const sent = apiRequests(demo(), mark, 'GET', '/nodes');
    expect(sent.map((q) => q.fault ?? 'answered')).toEqual([fault.kind, 'answered']);
    // The retry is logged, without the token.
    expect(h.logs.join('')).toMatch(/retrying GET \/nodes on cluster "demo" attempt=2 of=3/);
  });

  it('a GET that keeps failing is sent 3 times at most, with backoff, then reports the failure', async () => {
    const mark = demo().requests.length;
    const fault = demo().faults.add({ kind: 'status', status: 503, match: 'GET /nodes' });
    try {
      const { value: r, ms } = await timed(() => h.call('list_nodes'));
      expect(textOf(r)).toMatch(/503 Service Unavailable for GET \/nodes on cluster "demo"/);
      const sent = apiRequests(demo(), mark, 'GET', '/nodes');
      expect(sent).toHaveLength(3);
      // Backoff: ~100 ms then ~300 ms (jittered ×0.5..1.5), so the gaps are real but bounded.
      const gaps = [sent[1]!.time - sent[0]!.time, sent[2]!.time - sent[1]!.time];
      expect(gaps[0]).toBeGreaterThanOrEqual(45);
      expect(gaps[1]).toBeGreaterThanOrEqual(145);
      expect(ms).toBeLessThan(600 + MARGIN_MS);
      expect(fault.hits).toBe(3);
    } finally {
      fault.remove();
    }
  });

  it.each<{ label: string; fault: FaultSpec }>([
    { label: 'a connection reset', fault: { kind: 'reset', times: 1 } },
    { label: '503', fault: { kind: 'status', status: 503, times: 1 } },
  ])('a POST hit by $label is not retried: one request, an error', async ({ fault }) => {
    const mark = demo().requests.length;
    demo().faults.add({ ...fault, match: `POST ${START}` });
    const r = await h.call('proxmox_api_call', { method: 'POST', path: START });
    expect(r.isError).toBe(true);
    expect(apiRequests(demo(), mark, 'POST', START)).toHaveLength(1);
  });

  it('a PUT hit by a reset is not retried either', async () => {
    const path = '/nodes/pve1/qemu/100/config';
    const mark = demo().requests.length;
    demo().faults.add({ kind: 'reset', times: 1, match: `PUT ${path}` });
    const r = await h.call('proxmox_api_call', { method: 'PUT', path, data: { description: 'x' } });
    expect(r.isError).toBe(true);
    expect(apiRequests(demo(), mark, 'PUT', path)).toHaveLength(1);
  });

  it('401 (wrong token) is sent once: PVE delays every auth failure by 3 s', async () => {
    const mark = h.sims.badtoken!.requests.length;
    const r = await h.call('list_nodes', { cluster: 'badtoken' });
    expect(textOf(r)).toMatch(/^Authentication failed \(401/);
    expect(apiRequests(h.sims.badtoken!, mark, 'GET', '/nodes')).toHaveLength(1);
  });

  it('403 (missing privilege) is sent once', async () => {
    const mark = h.sims.nopriv!.requests.length;
    const r = await h.call('proxmox_api_call', { cluster: 'nopriv', path: '/nodes/pve1/status' });
    expect(textOf(r)).toMatch(/Permission denied \(403\)/);
    expect(apiRequests(h.sims.nopriv!, mark, 'GET', '/nodes/pve1/status')).toHaveLength(1);
  });

  it.each([400, 404, 500])('%i is not transient: one request', async (status) => {
    const mark = demo().requests.length;
    demo().faults.add({ kind: 'status', status, times: 1, match: 'GET /nodes' });
    const r = await h.call('list_nodes');
    expect(r.isError).toBe(true);
    expect(apiRequests(demo(), mark, 'GET', '/nodes')).toHaveLength(1);
  });

  it('a hang costs one timeout: one request, not three timeouts', async () => {
    const sim = h.sims.hung!;
    const mark = sim.requests.length;
    const fault = sim.faults.add({ kind: 'hang', match: 'GET /nodes' });
    try {
      const { value: r, ms } = await timed(() => h.call('list_nodes', { cluster: 'hung' }));
      expect(textOf(r)).toMatch(/timed out after 1000 ms/);
      expect(ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
      expect(apiRequests(sim, mark, 'GET', '/nodes')).toHaveLength(1);
    } finally {
      fault.remove();
    }
  });
});
