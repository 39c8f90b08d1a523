import { afterEach, describe, expect, it } from 'vitest';
import { resolvePolicy, type PolicyEntry } from '../../src/safety/policy.js';
import type { Simulator } from '../../src/simulator/testing/index.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

const FILE = '/etc/pmcp/clusters.json';

function harness(own: PolicyEntry, global?: PolicyEntry): Promise<Harness> {
  return startHarness({
    clusters: [{ name: 'prod', config: { policy: resolvePolicy(global, own, 'prod', FILE) } }],
  });
}

const sent = (sim: Simulator, method: string) =>
  sim.requests.filter((q) => q.method === method).map((q) => q.path.replace('/api2/json', ''));

describe('request policies through the MCP protocol', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a deny rule refuses curated and raw requests alike, names the rule and its place, and sends nothing', async () => {
    h = await harness({ deny: ['POST /nodes/*/qemu/*/status/stop'] });
    const action = await h.call('guest_action', { vmid: 100, action: 'stop' });
    expect(action.isError).toBe(true);
    expect(textOf(action)).toBe(
      `Refused POST /nodes/pve1/qemu/100/status/stop on cluster "prod": denied by policy rule "POST /nodes/*/qemu/*/status/stop" (clusters.prod.policy.deny[0] in ${FILE}). Nothing was sent to Proxmox. This is a safety setting of the proxmox-mcp server, not a Proxmox permission: do not try to work around it; ask the user if it should change.`,
    );
    const raw = await h.call('proxmox_api_call', {
      method: 'POST',
      path: '/api2/json/nodes/pve1/qemu/100/status/stop/',
    });
    expect(raw.isError).toBe(true);
    expect(textOf(raw)).toMatch(/denied by policy rule "POST \/nodes\/\*\/qemu\/\*\/status\/stop"/);
    expect(sent(h.sims.prod!, 'POST')).toEqual([]);
    // Rules match what they name only: other actions go through.
    const shutdown = await h.call('guest_action', { vmid: 100, action: 'shutdown' });
    expect(shutdown.isError, textOf(shutdown)).toBeFalsy();
    expect(sent(h.sims.prod!, 'POST')).toEqual(['/nodes/pve1/qemu/100/status/shutdown']);
  });

  it('an encoded slash cannot slip past a rule, even when the schema pre-flight is unavailable', async () => {
    h = await harness({ deny: ['POST /nodes/*/qemu/*/status/stop', '* /access/**'] });
    // No schema: the pre-flight that would refuse the odd path cannot help; the path module must.
    h.sims.prod!.setGarbage('/pve-docs');
    for (const path of ['/nodes/pve1/qemu/100/status%2Fstop', '/nodes/pve1/qemu%2F100/status/stop']) {
      const r = await h.call('proxmox_api_call', { method: 'POST', path });
      expect(r.isError, path).toBe(true);
      expect(textOf(r)).toMatch(/escaped "\/" \(%2F\).*write the path with plain slashes/);
    }
    // Doubled and trailing slashes are PVE's own spelling of the same route: judged as it.
    const doubled = await h.call('proxmox_api_call', {
      method: 'POST',
      path: '//nodes//pve1/qemu/100/status/stop/'.slice(1),
    });
    expect(textOf(doubled)).toMatch(/denied by policy rule "POST \/nodes\/\*\/qemu\/\*\/status\/stop"/);
    const access = await h.call('proxmox_api_call', { path: '/access%2Fusers' });
    expect(textOf(access)).toMatch(/escaped "\/"/);
    const access2 = await h.call('proxmox_api_call', { path: '/access//users' });
    expect(textOf(access2)).toMatch(/denied by policy rule "\* \/access\/\*\*"/);
    expect(sent(h.sims.prod!, 'POST')).toEqual([]);
    expect(h.sims.prod!.requests.some((q) => q.path.includes('access'))).toBe(false);
  });

  it('an allow-list judges the route PVE takes, not a spelling of it', async () => {
    // "status*" would accept the single segment "status%2Fstop" as sent, but PVE routes the decoded
    // status/stop, which the rule does not name: refused before any rule could misjudge it.
    h = await harness({ allow: ['GET /**', 'POST /nodes/*/qemu/*/status*'] });
    h.sims.prod!.setGarbage('/pve-docs');
    const r = await h.call('proxmox_api_call', {
      method: 'POST',
      path: '/nodes/pve1/qemu/100/status%2Fstop',
    });
    expect(textOf(r)).toMatch(/escaped "\/"/);
    const r2 = await h.call('proxmox_api_call', {
      method: 'POST',
      path: '/nodes/pve1/qemu/100/status//stop',
    });
    expect(textOf(r2)).toMatch(/no rule of the allow-list/);
    expect(sent(h.sims.prod!, 'POST')).toEqual([]);
  });

  it('deny applies to reads too, and the top-level policy is the default', async () => {
    h = await harness({}, { deny: ['* /access/**'] });
    const r = await h.call('proxmox_api_call', { path: '/access/permissions' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(
      /denied by policy rule "\* \/access\/\*\*" \(policy\.deny\[0\] in \/etc\/pmcp\/clusters\.json\)/,
    );
    expect(h.sims.prod!.requests.some((q) => q.path.includes('/access'))).toBe(false);
  });

  it('an allow-list lets through only what it names, and deny still wins inside it', async () => {
    h = await harness({
      allow: ['GET /**', 'POST /nodes/*/qemu/*/status/*'],
      deny: ['POST /nodes/*/qemu/*/status/reboot'],
    });
    const start = await h.call('guest_action', { vmid: 102, action: 'start' });
    expect(start.isError, textOf(start)).toBeFalsy();
    const ct = await h.call('guest_action', { vmid: 201, action: 'shutdown' });
    expect(ct.isError).toBe(true);
    expect(textOf(ct)).toMatch(
      /^Refused POST \/nodes\/pve2\/lxc\/201\/status\/shutdown on cluster "prod": no rule of the allow-list clusters\.prod\.policy\.allow in \/etc\/pmcp\/clusters\.json matches it \(allowed: "GET \/\*\*", "POST \/nodes\/\*\/qemu\/\*\/status\/\*"\)/,
    );
    const reboot = await h.call('guest_action', { vmid: 100, action: 'reboot' });
    expect(textOf(reboot)).toMatch(/denied by policy rule "POST \/nodes\/\*\/qemu\/\*\/status\/reboot"/);
    const put = await h.call('proxmox_api_call', {
      method: 'PUT',
      path: '/nodes/pve1/qemu/100/config',
      data: { description: 'x' },
    });
    expect(textOf(put)).toMatch(/no rule of the allow-list/);
    expect(sent(h.sims.prod!, 'POST')).toEqual(['/nodes/pve2/qemu/102/status/start']);
    expect(sent(h.sims.prod!, 'PUT')).toEqual([]);
  });
});
