import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { SimClient, json } from './helpers.js';

let sim: Simulator;
let c: SimClient;
beforeAll(async () => {
  sim = await startSimulator({ taskDurationMs: 40 });
  c = new SimClient(sim);
});
afterAll(async () => {
  await c.close();
  await sim.close();
});

type Status = Record<string, unknown>;
const status = (node: string, type: string, vmid: number): Promise<Status> =>
  c.data<Status>('GET', `/nodes/${node}/${type}/${vmid}/status/current`);
async function act(node: string, type: string, vmid: number, action: string, body = ''): Promise<Status> {
  return c.waitTask(
    await c.data<string>('POST', `/nodes/${node}/${type}/${vmid}/status/${action}`, { body }),
  );
}

describe('power actions change the guest when their task ends', () => {
  it('start, pause, resume, shutdown a VM', async () => {
    expect(await status('pve2', 'qemu', 102)).toMatchObject({
      status: 'stopped',
      qmpstatus: 'stopped',
      uptime: 0,
    });
    expect(await status('pve2', 'qemu', 102)).not.toHaveProperty('pid');
    expect(await act('pve2', 'qemu', 102, 'start')).toMatchObject({ exitstatus: 'OK', type: 'qmstart' });
    expect(await status('pve2', 'qemu', 102)).toMatchObject({
      status: 'running',
      qmpstatus: 'running',
      pid: expect.any(Number),
    });

    expect(await act('pve2', 'qemu', 102, 'suspend')).toMatchObject({ exitstatus: 'OK', type: 'qmpause' });
    expect(await status('pve2', 'qemu', 102)).toMatchObject({
      status: 'running',
      qmpstatus: 'paused',
      cpu: 0,
    });
    const paused = await c.api('POST', '/nodes/pve2/qemu/102/status/shutdown', { body: '' });
    expect([paused.status, paused.reason]).toEqual([500, 'VM is paused - cannot shutdown']);

    expect(await act('pve2', 'qemu', 102, 'resume')).toMatchObject({ exitstatus: 'OK', type: 'qmresume' });
    expect(await act('pve2', 'qemu', 102, 'shutdown')).toMatchObject({
      exitstatus: 'OK',
      type: 'qmshutdown',
    });
    expect(await status('pve2', 'qemu', 102)).toMatchObject({ status: 'stopped' });
    const resume = await c.api('POST', '/nodes/pve2/qemu/102/status/resume', { body: '' });
    expect(resume.reason).toBe('VM 102 not running');
  });

  it('suspends to disk and resumes from the saved state', async () => {
    expect(await act('pve3', 'qemu', 105, 'suspend', 'todisk=1')).toMatchObject({
      type: 'qmsuspend',
      exitstatus: 'OK',
    });
    expect(await status('pve3', 'qemu', 105)).toMatchObject({ status: 'stopped', lock: 'suspended' });
    await act('pve3', 'qemu', 105, 'resume');
    const st = await status('pve3', 'qemu', 105);
    expect(st).toMatchObject({ status: 'running' });
    expect(st).not.toHaveProperty('lock');
  });

  it('reboots and stops containers', async () => {
    expect(await act('pve2', 'lxc', 201, 'reboot')).toMatchObject({ type: 'vzreboot', exitstatus: 'OK' });
    expect((await status('pve2', 'lxc', 201)).uptime).toBeLessThan(5);
    expect(await act('pve2', 'lxc', 201, 'stop')).toMatchObject({ type: 'vzstop', exitstatus: 'OK' });
    expect(await status('pve2', 'lxc', 201)).toMatchObject({ status: 'stopped', type: 'lxc' });
    const again = await c.api('POST', '/nodes/pve2/lxc/201/status/shutdown', { body: '' });
    expect(again.reason).toBe('CT 201 not running');
  });

  it('answers 500 for a guest that is not on the node', async () => {
    const res = await c.api('POST', '/nodes/pve2/qemu/100/status/stop', { body: '' });
    expect([res.status, res.reason]).toEqual([
      500,
      "Configuration file 'nodes/pve2/qemu-server/100.conf' does not exist",
    ]);
    const ct = await c.api('GET', '/nodes/pve1/lxc/100/status/current');
    expect(ct.reason).toBe("Configuration file 'nodes/pve1/lxc/100.conf' does not exist");
  });
});

describe('destroy', () => {
  it('removes a stopped guest when the task ends', async () => {
    const upid = await c.data<string>('DELETE', '/nodes/pve3/lxc/202?purge=1&force=1');
    const task = await c.waitTask(upid);
    expect(task).toMatchObject({ type: 'vzdestroy', exitstatus: 'OK' });
    const res = await c.api('GET', '/nodes/pve3/lxc/202/config');
    expect(res.reason).toBe("Configuration file 'nodes/pve3/lxc/202.conf' does not exist");
    const vmids = (await c.data<Array<{ vmid: number }>>('GET', '/cluster/resources?type=vm')).map(
      (r) => r.vmid,
    );
    expect(vmids).not.toContain(202);
  });

  it('refuses protected or running guests', async () => {
    await c.data('PUT', '/nodes/pve2/qemu/103/config', { body: 'protection=1' });
    expect((await c.api('DELETE', '/nodes/pve2/qemu/103')).reason).toBe(
      "can't remove VM 103 - protection mode enabled",
    );
    expect((await c.api('DELETE', '/nodes/pve1/lxc/200')).reason).toBe(
      'unable to destroy CT 200 - container is running',
    );
  });
});

describe('snapshots', () => {
  it('lists snapshots with the "current" entry', async () => {
    const list = await c.data<Status[]>('GET', '/nodes/pve1/qemu/100/snapshot');
    expect(list[0]).toMatchObject({
      name: 'pre-upgrade',
      vmstate: 0,
      description: 'Before the dist-upgrade',
      snaptime: expect.any(Number),
    });
    expect(list.at(-1)).toMatchObject({
      name: 'current',
      description: 'You are here!',
      running: 1,
      parent: 'pre-upgrade',
      digest: expect.any(String),
    });
    const ct = await c.data<Status[]>('GET', '/nodes/pve1/lxc/200/snapshot');
    expect(ct.at(-1)).not.toHaveProperty('running');
    expect(ct[0]).not.toHaveProperty('vmstate');
  });

  it('creates, rolls back and deletes', async () => {
    await c.waitTask(
      await c.data<string>('POST', '/nodes/pve1/lxc/200/snapshot', {
        body: 'snapname=before&description=test',
      }),
    );
    const list = await c.data<Status[]>('GET', '/nodes/pve1/lxc/200/snapshot');
    expect(list.map((s) => s.name)).toEqual(['initial', 'before', 'current']);
    expect(list[1]).toMatchObject({ parent: 'initial', description: 'test' });
    expect(list[2]).toMatchObject({ parent: 'before' });

    await c.data('PUT', '/nodes/pve1/lxc/200/config', { body: 'hostname=changed' });
    const rb = await c.waitTask(
      await c.data<string>('POST', '/nodes/pve1/lxc/200/snapshot/before/rollback', { body: 'start=1' }),
    );
    expect(rb).toMatchObject({ type: 'vzrollback', exitstatus: 'OK' });
    expect(await c.data('GET', '/nodes/pve1/lxc/200/config')).toMatchObject({
      hostname: 'dns',
      parent: 'before',
    });
    expect(await status('pve1', 'lxc', 200)).toMatchObject({ status: 'running' });

    const del = await c.waitTask(await c.data<string>('DELETE', '/nodes/pve1/lxc/200/snapshot/before'));
    expect(del).toMatchObject({ type: 'vzdelsnapshot', exitstatus: 'OK' });
    const after = await c.data<Status[]>('GET', '/nodes/pve1/lxc/200/snapshot');
    expect(after.map((s) => s.name)).toEqual(['initial', 'current']);
    expect(after[1]).toMatchObject({ parent: 'initial' });
  });

  it('fails inside the task for a duplicate or missing snapshot', async () => {
    const dup = await c.waitTask(
      await c.data<string>('POST', '/nodes/pve1/qemu/100/snapshot', { body: 'snapname=pre-upgrade' }),
    );
    expect(dup.exitstatus).toBe("snapshot name 'pre-upgrade' already used");
    const missing = await c.waitTask(
      await c.data<string>('POST', '/nodes/pve1/qemu/100/snapshot/nope/rollback', { body: '' }),
    );
    expect(missing.exitstatus).toBe("snapshot 'nope' does not exist");
    const cfg = await c.api('GET', '/nodes/pve1/qemu/100/snapshot/nope/config');
    expect([cfg.status, cfg.reason]).toEqual([500, "snapshot 'nope' does not exist"]);
    const reserved = await c.api('POST', '/nodes/pve1/qemu/100/snapshot', { body: 'snapname=current' });
    expect(reserved.reason).toBe("unable to use snapshot name 'current' (reserved name)");
  });

  it('locks the guest while a snapshot is taken', async () => {
    // With vmstate=1 a running VM's snapshot is the long task (10 × taskDurationMs), long enough to look.
    const upid = await c.data<string>('POST', '/nodes/pve1/qemu/101/snapshot', {
      body: 'snapname=locked&vmstate=1',
    });
    expect(await status('pve1', 'qemu', 101)).toMatchObject({ lock: 'snapshot' });
    const list = await c.data<Status[]>('GET', '/nodes/pve1/qemu/101/snapshot');
    expect(list[0]).toMatchObject({ name: 'locked', snapstate: 'prepare' });
    const busy = await c.api('PUT', '/nodes/pve1/qemu/101/config', { body: 'description=x' });
    expect(busy.reason).toBe('VM is locked (snapshot)');
    await c.waitTask(upid);
    expect(await status('pve1', 'qemu', 101)).not.toHaveProperty('lock');
    expect(await c.data('GET', '/nodes/pve1/qemu/101/snapshot/locked/config')).toMatchObject({
      name: 'db01',
      snaptime: expect.any(Number),
    });
  });
});

describe('config', () => {
  it('returns config values typed like PVE, with a digest', async () => {
    const cfg = await c.data<Status>('GET', '/nodes/pve2/qemu/102/config');
    expect(cfg).toMatchObject({ name: 'build', cores: 4, memory: '4096', numa: 0 });
    expect(cfg.digest).toMatch(/^[0-9a-f]{40}$/);
    const ct = await c.data<Status>('GET', '/nodes/pve2/lxc/201/config');
    expect(ct).toMatchObject({ hostname: 'proxy', memory: 256, unprivileged: 1 });
  });

  it('updates synchronously with PUT, refusing a stale digest', async () => {
    const { digest } = await c.data<{ digest: string }>('GET', '/nodes/pve2/qemu/102/config');
    expect(
      await c.data('PUT', '/nodes/pve2/qemu/102/config', {
        body: `cores=2&memory=2048&delete=tags&digest=${digest}`,
      }),
    ).toBeNull();
    const cfg = await c.data<Status>('GET', '/nodes/pve2/qemu/102/config');
    expect(cfg).toMatchObject({ cores: 2, memory: '2048' });
    expect(cfg).not.toHaveProperty('tags');
    expect((await status('pve2', 'qemu', 102)).maxmem).toBe(2048 * 2 ** 20);
    const stale = await c.api('PUT', '/nodes/pve2/qemu/102/config', { body: `cores=3&digest=${digest}` });
    expect([stale.status, stale.reason]).toEqual([
      500,
      'detected modified configuration - file changed by other user? Try again.',
    ]);
    expect((await c.api('PUT', '/nodes/pve2/qemu/102/config', { body: '' })).reason).toBe(
      'no options specified',
    );
    const both = await c.api('PUT', '/nodes/pve2/qemu/102/config', { body: 'cores=2&delete=cores' });
    expect(json(both).errors).toEqual({
      delete: "you can't use '-cores' and -delete cores' at the same time",
    });
  });

  it('updates through a qmconfig task with POST', async () => {
    // A slow cluster, so the change is observably not there before the task ends.
    const slow = await startSimulator({ taskDurationMs: 400 });
    const sc = new SimClient(slow);
    try {
      const upid = await sc.data<string>('POST', '/nodes/pve2/qemu/102/config', { body: 'name=builder' });
      expect(upid).toMatch(/:qmconfig:102:/);
      expect(await sc.data('GET', '/nodes/pve2/qemu/102/config')).toMatchObject({ name: 'build' });
      await sc.waitTask(upid);
      expect(await sc.data('GET', '/nodes/pve2/qemu/102/config')).toMatchObject({ name: 'builder' });
      // A task that ends within background_delay: PVE waits and answers null.
      expect(
        await sc.data('POST', '/nodes/pve2/qemu/102/config', { body: 'name=quick&background_delay=1' }),
      ).toBeNull();
      expect(await sc.data('GET', '/nodes/pve2/qemu/102/config')).toMatchObject({ name: 'quick' });
    } finally {
      await sc.close();
      await slow.close();
    }
  });
});

describe('guest network', () => {
  it('answers the guest agent like PVE', async () => {
    const res = await c.data<{ result: Array<Record<string, unknown>> }>(
      'GET',
      '/nodes/pve1/qemu/100/agent/network-get-interfaces',
    );
    expect(res.result.map((i) => i.name)).toEqual(['lo', 'ens18']);
    expect(res.result[1]).toMatchObject({
      'hardware-address': 'bc:24:11:00:64:00',
      'ip-addresses': expect.arrayContaining([
        expect.objectContaining({ 'ip-address-type': 'ipv4', prefix: 24 }),
      ]),
      statistics: expect.objectContaining({ 'rx-bytes': expect.any(Number) }),
    });
  });

  it('explains why the agent cannot answer', async () => {
    const reasons = async (node: string, vmid: number): Promise<string> =>
      (await c.api('GET', `/nodes/${node}/qemu/${vmid}/agent/network-get-interfaces`)).reason;
    expect(await reasons('pve1', 101)).toBe('QEMU guest agent is not running');
    expect(await reasons('pve2', 102)).toBe('No QEMU guest agent configured');
    expect(await reasons('pve2', 103)).toBe('VM 103 is not running');
    await c.data('PUT', '/nodes/pve3/qemu/105/config', { body: 'agent=0' });
    expect(await reasons('pve3', 105)).toBe('QEMU guest agent is not enabled');
  });

  it('lists container interfaces, null when stopped', async () => {
    const list = await c.data<Array<Record<string, unknown>>>('GET', '/nodes/pve1/lxc/200/interfaces');
    expect(list[1]).toMatchObject({ name: 'eth0', inet: '192.168.10.53/24', hwaddr: 'bc:24:11:00:c8:00' });
    expect(await c.data('GET', '/nodes/pve2/lxc/201/interfaces')).toBeNull();
  });
});

describe('directory indexes', () => {
  it('list the children the simulator implements', async () => {
    expect(await c.data('GET', '/nodes/pve1/qemu/100')).toEqual([
      { subdir: 'status' },
      { subdir: 'config' },
      { subdir: 'snapshot' },
      { subdir: 'agent' },
      { subdir: 'clone' },
      { subdir: 'resize' },
      { subdir: 'migrate' },
      { subdir: 'pending' },
      { subdir: 'firewall' },
    ]);
    const st = await c.data<Array<{ subdir: string }>>('GET', '/nodes/pve1/lxc/200/status');
    expect(st.map((s) => s.subdir)).toEqual([
      'current',
      'start',
      'stop',
      'shutdown',
      'reboot',
      'suspend',
      'resume',
    ]);
    expect((await c.api('GET', '/nodes/pve1/qemu/999')).status).toBe(500);
    expect(await c.data('GET', '/nodes/pve1/qemu/100/snapshot/xy')).toEqual([
      { cmd: 'rollback' },
      { cmd: 'config' },
    ]);
  });
});
