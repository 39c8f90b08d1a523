import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allTools } from '../../src/tools/index.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';
import { authInfoFor, person, sendAs, TEAM_ACCESS } from './people.js';

/**
 * The role is judged where every request passes (ProxmoxClient.requestFull), not per tool: every tool
 * of the registry, called by a reader with arguments that would change things where it can, sends no
 * write; called by someone with no role, sends nothing at all. A new tool missing here fails the first test.
 */

const TASK = 'A_FINISHED_TASK';
const CALLS: Record<string, Array<Record<string, unknown>>> = {
  list_clusters: [{}],
  list_nodes: [{}],
  get_cluster_resources: [{ type: 'vm' }],
  get_guest: [{ vmid: 100 }, { vmid: 200 }],
  guest_action: ['start', 'shutdown', 'stop', 'reboot', 'suspend', 'resume'].map((action) => ({
    vmid: action === 'start' ? 102 : 100,
    action,
  })),
  guest_exec: [{ vmid: 100, command: ['df', '-h'] }],
  guest_file_read: [{ vmid: 100, path: '/etc/os-release' }],
  guest_file_write: [{ vmid: 100, path: '/etc/motd', content: 'x' }],
  get_task: [{ upid: TASK, wait_seconds: 1 }],
  proxmox_api_describe: [{ path: '/nodes/{node}/qemu/{vmid}/status/stop' }],
  proxmox_api_call: [
    { method: 'GET', path: '/version' },
    { method: 'POST', path: '/nodes/pve1/qemu/100/status/stop' },
    { method: 'PUT', path: '/nodes/pve1/qemu/100/config', data: { description: 'x' } },
    { method: 'DELETE', path: '/nodes/pve2/qemu/102' },
    { method: 'POST', path: '/nodes/pve1/lxc/200/snapshot', data: { snapname: 'snap1' } },
  ],
};

let h: Harness;
let as: ReturnType<typeof sendAs>;
let upid: string;
beforeAll(async () => {
  h = await startHarness({ clusters: [{ name: 'prod', config: { access: TEAM_ACCESS } }] });
  as = sendAs(h);
  // A real task id, fetched without a person (the configured token's rights).
  const tasks = await as.call(undefined, 'proxmox_api_call', {
    path: '/nodes/pve1/tasks',
    data: { limit: 1 },
  });
  upid = (tasks.structuredContent as { data: Array<{ upid: string }> }).data[0]!.upid;
});
afterAll(() => h?.close());

const argsOf = (args: Record<string, unknown>) => (args.upid === TASK ? { ...args, upid } : args);

describe('roles hold for every tool', () => {
  it('covers every tool of the registry', () => {
    expect(Object.keys(CALLS).sort()).toEqual(allTools.map((t) => t.name).sort());
  });

  it('a reader: no tool sends anything but GET, and each refusal names the role', async () => {
    const reader = authInfoFor(person('u-rita', { name: 'rita@example.com', groups: ['pve-readers'] }));
    const sim = h.sims.prod!;
    const from = sim.requests.length;
    let refused = 0;
    for (const [tool, calls] of Object.entries(CALLS)) {
      for (const args of calls) {
        const r = await as.call(reader, tool, argsOf(args));
        if (/refused/i.test(textOf(r)) && r.isError) {
          refused++;
          expect(textOf(r), `${tool} ${JSON.stringify(args)}`).toContain(
            'has role "reader" on cluster "prod"',
          );
        }
      }
    }
    const writes = sim.requests.slice(from).filter((q) => q.method !== 'GET');
    expect(writes.map((q) => `${q.method} ${q.path}`)).toEqual([]);
    // guest_action x6, guest_exec, guest_file_write, and the four raw writes.
    expect(refused).toBeGreaterThanOrEqual(12);
  });

  it('someone with no role: no tool sends anything at all', async () => {
    const stranger = authInfoFor(person('u-sam', { groups: ['visitors'] }));
    const sim = h.sims.prod!;
    const from = sim.requests.length;
    for (const [tool, calls] of Object.entries(CALLS)) {
      for (const args of calls) {
        const r = await as.call(stranger, tool, argsOf(args));
        if (tool !== 'proxmox_api_describe')
          expect(textOf(r), `${tool} ${JSON.stringify(args)}`).toMatch(/u-sam has no role on cluster "prod"/);
      }
    }
    // proxmox_api_describe (and proxmox_api_call's pre-flight) read the schema PVE publishes without
    // authentication; the server asks /version for it (which schema), on its own account, once.
    const sent = sim.requests.slice(from).filter((q) => q.path.startsWith('/api2/'));
    expect(sent.filter((q) => q.path === '/api2/json/version').length).toBeLessThanOrEqual(1);
    expect(sent.filter((q) => q.path !== '/api2/json/version').map((q) => `${q.method} ${q.path}`)).toEqual(
      [],
    );
  });
});
