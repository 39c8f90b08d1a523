import { afterEach, describe, expect, it } from 'vitest';
import { setMetricsSink, type MetricsSink, type RefusalReason } from '../../src/metrics/events.js';
import { resolvePolicy } from '../../src/safety/policy.js';
import type { Simulator } from '../../src/simulator/testing/index.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';
import { authInfoFor, person, sendAs, TEAM_ACCESS } from './people.js';

/**
 * Issue 16 §1: a signed-in person's role on a cluster (clusters.json `access`) limits what the one
 * policy evaluation lets through, for every tool, curated or raw: deny rules and read-only still win,
 * and a refusal names the person, the role, the cluster and where the role came from.
 */

const alice = person('u-alice', { name: 'alice@example.com', groups: ['staff', 'pve-readers'] });
const olga = person('u-olga', { name: 'olga@example.com', groups: ['pve-operators'] });
const adam = person('u-adam', { name: 'adam@example.com', groups: ['pve-admins', 'pve-readers'] });
const nobody = person('u-nina', { name: 'nina@example.com', groups: ['marketing'] });

const writesTo = (sim: Simulator) => sim.requests.filter((r) => r.method !== 'GET');

let h: Harness | undefined;
afterEach(async () => {
  setMetricsSink(undefined);
  await h?.close();
  h = undefined;
});

async function team(config: Record<string, unknown> = {}) {
  h = await startHarness({ clusters: [{ name: 'prod', config: { access: TEAM_ACCESS, ...config } }] });
  return { h, sim: h.sims.prod!, as: sendAs(h) };
}

describe('reader', () => {
  it('reads, and a POST is refused naming the person, the role, the cluster and the claim; nothing reaches Proxmox', async () => {
    const { sim, as } = await team();
    const nodes = await as.call(authInfoFor(alice), 'list_nodes');
    expect(nodes.isError).toBeFalsy();
    const stop = await as.call(authInfoFor(alice), 'proxmox_api_call', {
      method: 'POST',
      path: '/nodes/pve1/qemu/100/status/stop',
    });
    expect(stop.isError).toBe(true);
    expect(textOf(stop)).toContain(
      'refused POST /nodes/pve1/qemu/100/status/stop: alice@example.com (u-alice) has role "reader" on cluster "prod" (groups: pve-readers; top-level access in test), which only reads',
    );
    expect(textOf(stop)).toMatch(/Nothing was sent to Proxmox/);
    expect(writesTo(sim)).toEqual([]);
  });
});

describe('operator', () => {
  it('powers guests and takes snapshots, but cannot run a guest command or change a config', async () => {
    const { sim, as } = await team();
    const op = authInfoFor(olga);
    const stop = await as.call(op, 'guest_action', { vmid: 100, action: 'stop', wait: 5 });
    expect(stop.isError, textOf(stop)).toBeFalsy();
    const start = await as.call(op, 'guest_action', { vmid: 100, action: 'start', wait: 5 });
    expect(start.isError, textOf(start)).toBeFalsy();
    const snap = await as.call(op, 'proxmox_api_call', {
      method: 'POST',
      path: '/nodes/pve1/qemu/100/snapshot',
      data: { snapname: 'before-upgrade' },
    });
    expect(snap.isError, textOf(snap)).toBeFalsy();
    const sent = writesTo(sim).map((r) => `${r.method} ${r.path.replace('/api2/json', '')}`);
    expect(sent).toEqual([
      'POST /nodes/pve1/qemu/100/status/stop',
      'POST /nodes/pve1/qemu/100/status/start',
      'POST /nodes/pve1/qemu/100/snapshot',
    ]);

    const exec = await as.call(op, 'guest_exec', { vmid: 100, command: ['uptime'] });
    expect(exec.isError).toBe(true);
    expect(textOf(exec)).toMatch(
      /olga@example\.com \(u-olga\) has role "operator" on cluster "prod" \(groups: pve-operators/,
    );
    const config = await as.call(op, 'proxmox_api_call', {
      method: 'PUT',
      path: '/nodes/pve1/qemu/100/config',
      data: { description: 'changed' },
    });
    expect(config.isError).toBe(true);
    expect(textOf(config)).toMatch(/has role "operator" on cluster "prod".*which reads, powers guests/);
    expect(writesTo(sim)).toHaveLength(3);
  });
});

describe('admin', () => {
  it("is still denied by a deny rule, naming the rule: the role never widens the cluster's policy", async () => {
    const policy = resolvePolicy(undefined, { deny: ['POST /nodes/*/qemu/*/status/stop'] }, 'prod', 'test');
    const { sim, as } = await team({ policy });
    const stop = await as.call(authInfoFor(adam), 'guest_action', { vmid: 100, action: 'stop' });
    expect(stop.isError).toBe(true);
    expect(textOf(stop)).toContain('denied by policy rule "POST /nodes/*/qemu/*/status/stop"');
    expect(writesTo(sim)).toEqual([]);
    // What the deny rule does not name goes through for an admin (and would not for a reader).
    const config = await as.call(authInfoFor(adam), 'proxmox_api_call', {
      method: 'PUT',
      path: '/nodes/pve1/qemu/100/config',
      data: { description: 'by adam' },
    });
    expect(config.isError, textOf(config)).toBeFalsy();
    expect(writesTo(sim)).toHaveLength(1);
  });

  it('cannot write to a read-only cluster', async () => {
    const { sim, as } = await team({ readOnly: true, readOnlySource: 'read_only: true for cluster "prod"' });
    const r = await as.call(authInfoFor(adam), 'proxmox_api_call', {
      method: 'POST',
      path: '/nodes/pve1/qemu/100/status/start',
    });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/cluster "prod" is read-only/);
    expect(writesTo(sim)).toEqual([]);
  });
});

describe('no role', () => {
  it('a person none of whose values is listed cannot even read; the refusal says what was looked for', async () => {
    const { sim, as } = await team();
    const r = await as.call(authInfoFor(nobody), 'list_nodes');
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('nina@example.com (u-nina) has no role on cluster "prod"');
    expect(textOf(r)).toContain('(groups: marketing)');
    expect(textOf(r)).toContain('admin: pve-admins; operator: pve-operators; reader: pve-readers');
    expect(sim.requests).toEqual([]);
    // A person in hundreds of groups gets a refusal of bounded size.
    const many = person('u-max', { groups: Array.from({ length: 300 }, (_, i) => `team-${i}`) });
    const bounded = await as.call(authInfoFor(many), 'list_nodes');
    expect(textOf(bounded)).toContain(
      '(groups: team-0, team-1, team-2, team-3, team-4, team-5, team-6, team-7, team-8, team-9 and 290 more)',
    );
  });

  it('a cluster without access refuses everyone signed in, and "*" gives every signed-in person the role', async () => {
    h = await startHarness({
      clusters: [
        {
          name: 'open',
          config: { access: { ...TEAM_ACCESS, roles: { admin: [], operator: [], reader: ['*'] } } },
        },
        { name: 'closed' },
      ],
    });
    const as = sendAs(h);
    const read = await as.call(authInfoFor(nobody), 'list_nodes', { cluster: 'open' });
    expect(read.isError, textOf(read)).toBeFalsy();
    const write = await as.call(authInfoFor(nobody), 'guest_action', {
      cluster: 'open',
      vmid: 100,
      action: 'stop',
    });
    expect(textOf(write)).toContain('has role "reader" on cluster "open" ("*": anyone signed in');
    const closed = await as.call(authInfoFor(adam), 'list_nodes', { cluster: 'closed' });
    expect(closed.isError).toBe(true);
    expect(textOf(closed)).toMatch(/has no role on cluster "closed": it has no "access" setting/);
    expect(h.sims.closed!.requests).toEqual([]);
  });

  it('without a signed-in person (stdio, static bearer) nothing changes: the configured token decides', async () => {
    const { sim, as } = await team();
    const r = await as.call(undefined, 'guest_action', { vmid: 100, action: 'stop', wait: 5 });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(writesTo(sim)).toHaveLength(1);
  });
});

describe('metrics', () => {
  it('counts a role refusal under reason "role" and the cluster, never the person', async () => {
    const refusals: Array<[RefusalReason, string | undefined]> = [];
    const sink: MetricsSink = {
      toolCall: () => {},
      upstream: () => {},
      refusal: (reason, cluster) => refusals.push([reason, cluster]),
      sessionOpened: () => {},
      sessionClosed: () => {},
    };
    setMetricsSink(sink);
    const { as } = await team();
    await as.call(authInfoFor(alice), 'guest_action', { vmid: 100, action: 'stop' });
    await as.call(authInfoFor(nobody), 'list_nodes');
    expect(refusals).toEqual([
      ['role', 'prod'],
      ['role', 'prod'],
    ]);
  });
});
