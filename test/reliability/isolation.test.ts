import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';
import { apiRequests, MARGIN_MS, timed, TIMEOUT_MS } from './helpers.js';

/**
 * A cluster that accepts connections and never answers must cost its own timeout and nothing else:
 * calls to the healthy cluster return at their own speed, fan-out (`cluster: "*"`) and list_clusters
 * return once the stuck cluster's timeout is up with the healthy cluster's data beside its error.
 */
/** A healthy call on loopback takes a few ms; this leaves room for a loaded machine. */
const FAST_MS = 500;

describe('a hung cluster never delays the others', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      clusters: [
        { name: 'healthy', config: { timeoutMs: TIMEOUT_MS } },
        // Born broken: every API request is accepted and left unanswered.
        { name: 'stuck', sim: { faults: [{ kind: 'hang' }] }, config: { timeoutMs: TIMEOUT_MS } },
      ],
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a call to the healthy cluster returns at once while a call to the stuck one is pending', async () => {
    const pending = timed(() => h.call('list_nodes', { cluster: 'stuck' }));
    const healthy = await timed(() => h.call('list_nodes', { cluster: 'healthy' }));
    expect(healthy.value.isError, textOf(healthy.value)).toBeFalsy();
    expect(healthy.ms).toBeLessThan(FAST_MS);

    const stuck = await pending;
    expect(stuck.value.isError).toBe(true);
    expect(textOf(stuck.value)).toMatch(/timed out after 1000 ms.*cluster "stuck"/s);
    expect(stuck.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  });

  it('cluster "*" returns within one timeout with the healthy data and the stuck cluster’s error', async () => {
    const mark = h.sims.stuck!.requests.length;
    const { value: r, ms } = await timed(() => h.call('list_nodes', { cluster: '*' }));
    expect(ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent as {
      nodes: Array<{ cluster: string; node: string }>;
      failed: Array<{ cluster: string; error: string }>;
    };
    expect(s.nodes.filter((n) => n.cluster === 'healthy').map((n) => n.node)).toEqual([
      'pve1',
      'pve2',
      'pve3',
    ]);
    expect(s.failed).toEqual([{ cluster: 'stuck', error: expect.stringMatching(/timed out after 1000 ms/) }]);
    // A hang is a timeout, never retried: one request, one timeout.
    expect(apiRequests(h.sims.stuck!, mark, 'GET', '/nodes')).toHaveLength(1);
  });

  it('list_clusters probes both at once and reports the stuck one as unreachable within its bound', async () => {
    const { value: r, ms } = await timed(() => h.call('list_clusters'));
    expect(ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    const rows = (
      r.structuredContent as { clusters: Array<{ name: string; reachable: boolean; error?: string }> }
    ).clusters;
    expect(rows.find((c) => c.name === 'healthy')).toMatchObject({ reachable: true });
    expect(rows.find((c) => c.name === 'stuck')).toMatchObject({
      reachable: false,
      error: expect.stringMatching(/GET \/version on stuck timed out after 1000 ms/),
    });
  });

  it('once the stuck cluster heals, its next call succeeds', async () => {
    h.sims.stuck!.faults.clear();
    const r = await h.call('list_nodes', { cluster: 'stuck' });
    expect(r.isError, textOf(r)).toBeFalsy();
  });
});
