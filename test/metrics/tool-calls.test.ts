import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN_SECRET } from '../../src/simulator/index.js';
import { toolCatalog } from '../../src/tools/catalog.js';
import { textOf, startHarness } from '../helpers/harness.js';
import { scrape, type Sample } from '../helpers/prometheus.js';
import { TOKEN } from '../http/helpers.js';
import { authInfoFor, person, sendAs, TEAM_ACCESS } from '../roles/people.js';
import {
  CALLS,
  CALL_SECONDS,
  REFUSALS,
  UPSTREAM,
  delta,
  h,
  metricsServer,
  useMetricsListener,
} from './helpers.js';

/**
 * /metrics (issue 16 §3): each event the code reports moves its series, and nothing a client or a
 * person chose (a tool or cluster name that is not configured, a path, a token) ever becomes a label.
 * The listener and the harness's server share this process, so every call below is counted by the
 * sink the listener installed; each check compares a scrape before and after (deltas).
 */

useMetricsListener();

describe('tool calls and upstream exchanges', () => {
  it('an answered call: ok, timed, and its PVE exchange counted as 2xx', async () => {
    const moved = await delta(async () => {
      const r = await h.call('list_nodes', {});
      expect(r.isError, textOf(r)).toBeFalsy();
    });
    expect(moved(CALLS, { tool: 'list_nodes', cluster: 'demo', outcome: 'ok' })).toBe(1);
    expect(moved(CALLS)).toBe(1);
    expect(moved(CALL_SECONDS, { tool: 'list_nodes', outcome: 'ok' })).toBe(1);
    expect(moved(UPSTREAM, { cluster: 'demo', status_class: '2xx' })).toBeGreaterThanOrEqual(1);
  });

  it('a call PVE fails: error, with the 5xx and 4xx status classes of its exchanges', async () => {
    const sim = h.sims.demo!;
    const fault = sim.faults.add({ kind: 'status', status: 500, match: 'GET /nodes' });
    const moved500 = await delta(async () => {
      expect((await h.call('list_nodes', {})).isError).toBe(true);
    });
    fault.remove();
    expect(moved500(CALLS, { tool: 'list_nodes', cluster: 'demo', outcome: 'error' })).toBe(1);
    expect(moved500(UPSTREAM, { cluster: 'demo', status_class: '5xx' })).toBe(1);

    const f403 = sim.faults.add({ kind: 'status', status: 403, match: 'GET /nodes' });
    const moved403 = await delta(async () => {
      expect((await h.call('list_nodes', {})).isError).toBe(true);
    });
    f403.remove();
    expect(moved403(UPSTREAM, { cluster: 'demo', status_class: '4xx' })).toBe(1);
  });

  it('a cluster that cannot be reached: the exchange counts with status class none', async () => {
    const moved = await delta(async () => {
      const r = await h.call('list_nodes', { cluster: 'down' });
      expect(textOf(r)).toMatch(/ECONNREFUSED|refused|reach/i);
    });
    expect(moved(UPSTREAM, { cluster: 'down', status_class: 'none' })).toBeGreaterThanOrEqual(1);
    expect(moved(CALLS, { tool: 'list_nodes', cluster: 'down', outcome: 'error' })).toBe(1);
  });

  it('refused by policy, read-only or a declined confirmation: outcome refused, and the refusal by reason', async () => {
    const moved = await delta(async () => {
      const denied = await h.call('proxmox_api_call', { method: 'DELETE', path: '/nodes/pve2/qemu/102' });
      expect(textOf(denied)).toMatch(/denied by policy/);
      const readOnly = await h.call('proxmox_api_call', {
        cluster: 'lab',
        method: 'POST',
        path: '/nodes/pve1/qemu/100/status/start',
      });
      expect(textOf(readOnly)).toMatch(/read-only/);
      const declined = await h.call('guest_action', { vmid: 100, action: 'stop' });
      expect(textOf(declined)).toMatch(/confirmation/);
    });
    expect(moved(CALLS, { tool: 'proxmox_api_call', cluster: 'demo', outcome: 'refused' })).toBe(1);
    expect(moved(CALLS, { tool: 'proxmox_api_call', cluster: 'lab', outcome: 'refused' })).toBe(1);
    expect(moved(CALLS, { tool: 'guest_action', cluster: 'demo', outcome: 'refused' })).toBe(1);
    expect(moved(REFUSALS, { reason: 'policy', cluster: 'demo' })).toBe(1);
    expect(moved(REFUSALS, { reason: 'read-only', cluster: 'lab' })).toBe(1);
    expect(moved(REFUSALS, { reason: 'not-confirmed', cluster: 'demo' })).toBe(1);
  });

  it("refused by a person's role: counted as a role refusal, and the person appears in no label", async () => {
    const team = await startHarness({ clusters: [{ name: 'demo', config: { access: TEAM_ACCESS } }] });
    try {
      const as = sendAs(team);
      const rita = person('u-rita-4821', { name: 'rita.k@example.com', groups: ['pve-readers'] });
      const moved = await delta(async () => {
        const r = await as.call(authInfoFor(rita), 'guest_action', { vmid: 102, action: 'start' });
        expect(textOf(r)).toMatch(/reader/);
      });
      expect(moved(REFUSALS, { reason: 'role', cluster: 'demo' })).toBe(1);
      expect(moved(CALLS, { tool: 'guest_action', cluster: 'demo', outcome: 'refused' })).toBe(1);
      const text = await (await fetch(`${metricsServer.url}/metrics`)).text();
      for (const who of ['u-rita-4821', 'rita.k@example.com', 'pve-readers', 'opaque-test-access-token'])
        expect(text).not.toContain(who);
    } finally {
      await team.close();
    }
  });

  it('a tool or cluster that does not exist is counted under one label, never under its own name', async () => {
    const names = ['drop_everything_7f3a', 'no_such_tool_c0ffee'];
    const moved = await delta(async () => {
      for (const name of names) {
        const r = await h.client.callTool({ name, arguments: {} });
        expect(r.isError).toBe(true);
      }
      const r = await h.call('list_nodes', { cluster: 'cluster-nobody-configured' });
      expect(textOf(r)).toMatch(/Unknown cluster/);
    });
    expect(moved(CALLS, { tool: 'unknown', cluster: 'none', outcome: 'error' })).toBe(2);
    expect(moved(CALLS, { tool: 'list_nodes', cluster: 'none', outcome: 'error' })).toBe(1);
    const text = await (await fetch(`${metricsServer.url}/metrics`)).text();
    for (const n of [...names, 'cluster-nobody-configured']) expect(text).not.toContain(n);
  });
});

describe('label hygiene', () => {
  it('every label value comes from a closed set: configured clusters, the tool catalog, fixed words', async () => {
    const samples = await scrape(metricsServer.url);
    const ours = samples.filter((s) => s.name.startsWith('proxmox_mcp_'));
    expect(ours.length).toBeGreaterThan(10);
    const values = (label: string) =>
      new Set(ours.flatMap((s) => (label in s.labels ? [s.labels[label]!] : [])));
    expect(
      [...values('cluster')].every((c) => ['demo', 'lab', 'down', 'none', '*', 'unknown'].includes(c)),
    ).toBe(true);
    const tools = new Set([...toolCatalog.map((t) => t.name), 'unknown']);
    expect([...values('tool')].every((t) => tools.has(t))).toBe(true);
    expect([...values('outcome')].every((o) => ['ok', 'error', 'refused'].includes(o))).toBe(true);
    expect([...values('status_class')].every((c) => /^([2-5]xx|none)$/.test(c))).toBe(true);
    expect(noSecretOrIdentity(samples)).toEqual([]);
  });
});

/** Label values that look like a secret, a person, a path or a URL. */
function noSecretOrIdentity(samples: Sample[]): string[] {
  return samples.flatMap((s) =>
    Object.values(s.labels).filter(
      (v) =>
        v.includes(DEMO_TOKEN_SECRET) ||
        v.includes(TOKEN) ||
        /@|\/|https?:|PVEAPIToken|Bearer/i.test(v) ||
        /^[0-9a-f-]{20,}$/i.test(v),
    ),
  );
}
