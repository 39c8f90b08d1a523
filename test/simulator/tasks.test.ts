import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { decodeUpid } from '../../src/simulator/tasks.js';
import { SimClient, json } from './helpers.js';

// Long enough that a request right after a POST still sees the task running, even on a busy CI runner.
const DURATION = 120;
let sim: Simulator;
let c: SimClient;
beforeAll(async () => {
  sim = await startSimulator({ taskDurationMs: DURATION });
  c = new SimClient(sim);
});
afterAll(async () => {
  await c.close();
  await sim.close();
});

const enc = encodeURIComponent;
type Line = { n: number; t: string };

async function log(upid: string, query = ''): Promise<{ data: Line[]; total: number }> {
  const node = upid.split(':')[1];
  return json(await c.api('GET', `/nodes/${node}/tasks/${enc(upid)}/log${query}`)) as {
    data: Line[];
    total: number;
  };
}

describe('UPIDs', () => {
  it('have PVE format with the token as user', async () => {
    const upid = await c.data<string>('POST', '/nodes/pve2/qemu/102/status/start', { body: '' });
    expect(upid).toMatch(/^UPID:pve2:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmstart:102:root@pam!mcp:$/);
    const decoded = decodeUpid(upid);
    expect(Math.abs((decoded?.starttime ?? 0) - Date.now() / 1000)).toBeLessThan(5);
    await c.waitTask(upid);
  });
});

describe('a task that succeeds', () => {
  it('runs, then stops with OK and changes the guest', async () => {
    const upid = await c.data<string>('POST', '/nodes/pve3/lxc/202/status/start', { body: '' });
    const running = await c.data<Record<string, unknown>>('GET', `/nodes/pve3/tasks/${enc(upid)}/status`);
    expect(running).toMatchObject({
      status: 'running',
      type: 'vzstart',
      id: '202',
      node: 'pve3',
      user: 'root@pam',
      tokenid: 'mcp',
    });
    expect(running).not.toHaveProperty('exitstatus');
    expect(await log(upid)).toEqual({ data: [{ n: 1, t: 'no content' }], total: 1 });

    const done = await c.waitTask(upid);
    expect(done).toMatchObject({ status: 'stopped', exitstatus: 'OK', upid });
    expect(Object.keys(done).sort()).toEqual([
      'exitstatus',
      'id',
      'node',
      'pid',
      'pstart',
      'starttime',
      'status',
      'tokenid',
      'type',
      'upid',
      'user',
    ]);
    expect((await log(upid)).data.at(-1)).toEqual({ n: 1, t: 'TASK OK' });
    expect(await c.data('GET', '/nodes/pve3/lxc/202/status/current')).toMatchObject({
      status: 'running',
      pid: expect.any(Number),
    });
  });
});

describe('tasks that fail', () => {
  it('ends starting 103 (win11) with a realistic QEMU error', async () => {
    const upid = await c.data<string>('POST', '/nodes/pve2/qemu/103/status/start', { body: '' });
    expect(await c.waitTask(upid)).toMatchObject({ exitstatus: 'start failed: QEMU exited with code 1' });
    const { data, total } = await log(upid);
    expect(total).toBe(3);
    expect(data[0]?.t).toMatch(/^kvm: -drive .*No such file or directory$/);
    expect(data.at(-1)).toEqual({ n: 3, t: 'TASK ERROR: start failed: QEMU exited with code 1' });
    expect(await c.data('GET', '/nodes/pve2/qemu/103/status/current')).toMatchObject({
      status: 'stopped',
      qmpstatus: 'stopped',
    });
  });

  it('still returns a UPID when starting a running VM; the task fails', async () => {
    const upid = await c.data<string>('POST', '/nodes/pve1/qemu/100/status/start', { body: '' });
    expect(await c.waitTask(upid)).toMatchObject({ exitstatus: 'VM 100 already running' });
    expect((await log(upid)).data).toEqual([{ n: 1, t: 'TASK ERROR: VM 100 already running' }]);
  });

  it('refuses some actions synchronously, as qemu-server and pve-container do', async () => {
    const reboot = await c.api('POST', '/nodes/pve2/qemu/103/status/reboot', { body: '' });
    expect([reboot.status, reboot.reason]).toEqual([500, 'VM 103 not running']);
    const ct = await c.api('POST', '/nodes/pve1/lxc/200/status/start', { body: '' });
    expect([ct.status, ct.reason]).toEqual([500, 'CT 200 already running']);
    const destroy = await c.api('DELETE', '/nodes/pve1/qemu/101');
    expect([destroy.status, destroy.reason]).toEqual([500, 'VM 101 is running - destroy failed']);
    const tpl = await c.data<string>('POST', '/nodes/pve1/qemu/104/status/start', { body: '' });
    expect(await c.waitTask(tpl)).toMatchObject({ exitstatus: "you can't start a vm if it's a template" });
  });
});

describe('the long task', () => {
  it('is a RAM snapshot of a running VM: 10× the duration, log growing past one page', async () => {
    const upid = await c.data<string>('POST', '/nodes/pve3/qemu/105/snapshot', {
      body: 'snapname=withram&vmstate=1',
    });
    await new Promise((r) => setTimeout(r, DURATION * 4));
    const partial = await log(upid);
    expect(partial.total).toBeGreaterThan(5);
    expect(partial.data.at(-1)?.t).not.toMatch(/^TASK/);
    expect(await c.data('GET', '/nodes/pve3/qemu/105/status/current')).toMatchObject({ lock: 'snapshot' });

    const done = await c.waitTask(upid);
    expect(done.exitstatus).toBe('OK');
    const full = await log(upid);
    expect(full.total).toBeGreaterThan(partial.total);
    expect(full.total).toBeGreaterThan(60);
    expect(full.data).toHaveLength(50); // default limit
    expect(full.data[0]).toEqual({ n: 1, t: "saving VM state and RAM using storage 'local-lvm'" });
    const tail = await log(upid, `?start=${full.total - 2}&limit=5`);
    expect(tail.data.map((l) => l.n)).toEqual([full.total - 1, full.total]);
    expect(tail.data.at(-1)?.t).toBe('TASK OK');
    expect((await log(upid, '?limit=0')).data).toHaveLength(full.total);
  });
});

describe('task control and lookup', () => {
  it('stops a running task: "interrupted by signal", no effect', async () => {
    const upid = await c.data<string>('POST', '/nodes/pve1/qemu/104/snapshot', { body: 'snapname=stopme' });
    expect(await c.data('DELETE', `/nodes/pve1/tasks/${enc(upid)}`)).toBeNull();
    expect(await c.waitTask(upid)).toMatchObject({ exitstatus: 'interrupted by signal' });
    const snaps = await c.data<Array<{ name: string }>>('GET', '/nodes/pve1/qemu/104/snapshot');
    expect(snaps.map((s) => s.name)).toEqual(['current']);
  });

  it('answers 400 for unparsable, unknown or other-node UPIDs', async () => {
    const bad = await c.api('GET', '/nodes/pve1/tasks/nonsense/status');
    expect(json(bad).errors).toEqual({ upid: 'unable to parse worker upid' });
    const unknown = await c.api(
      'GET',
      `/nodes/pve1/tasks/${enc('UPID:pve1:00000001:00000002:00000003:qmstart:100:root@pam:')}/status`,
    );
    expect(json(unknown).errors).toEqual({ upid: 'no such task' });
    const upid = await c.data<string>('POST', '/nodes/pve1/qemu/100/status/reset', { body: '' });
    const elsewhere = await c.api('GET', `/nodes/pve2/tasks/${enc(upid)}/log`);
    expect(json(elsewhere).errors).toEqual({ upid: 'no such task' });
  });

  it("hides other users' tasks without Sys.Audit", async () => {
    sim.addToken({
      user: 'dev@pve',
      tokenId: 'ci',
      secret: 'ci-secret',
      acl: [{ path: '/vms/102', privs: ['VM.PowerMgmt', 'VM.Audit'] }],
    });
    const auth = 'PVEAPIToken=dev@pve!ci=ci-secret';
    const mine = await c.data<string>('POST', '/nodes/pve2/qemu/102/status/reset', { auth, body: '' });
    const seen = await c.data<Array<{ upid: string }>>('GET', '/nodes/pve2/tasks?source=all', { auth });
    expect(seen.map((t) => t.upid)).toEqual([mine]);
    const history = await c.data<Array<{ upid: string }>>('GET', '/nodes/pve1/tasks');
    const other = history[0]?.upid ?? '';
    const denied = await c.api('GET', `/nodes/pve1/tasks/${enc(other)}/status`, { auth });
    expect(denied.reason).toBe('Permission check failed (/nodes/pve1, Sys.Audit)');
    expect(
      (await c.data<Array<{ upid: string }>>('GET', '/cluster/tasks', { auth })).map((t) => t.upid),
    ).toEqual([mine]);
  });
});

describe('task lists', () => {
  it('list finished tasks newest first with total, and filter', async () => {
    const res = json(await c.api('GET', '/nodes/pve2/tasks?limit=2'));
    const rows = res.data as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(2);
    expect(res.total).toBeGreaterThan(2);
    expect((rows[0]?.starttime as number) >= (rows[1]?.starttime as number)).toBe(true);
    expect(rows[0]).toHaveProperty('endtime');

    const errors = await c.data<Array<{ status: string }>>('GET', '/nodes/pve2/tasks?errors=1');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((t) => t.status !== 'OK')).toBe(true);
    const dumps = await c.data<Array<{ type: string }>>('GET', '/nodes/pve1/tasks?typefilter=vzdump');
    expect(dumps.length).toBeGreaterThan(0);
    expect(dumps.every((t) => t.type === 'vzdump')).toBe(true);
    const byVm = await c.data<Array<{ id: string }>>('GET', '/nodes/pve1/tasks?vmid=200');
    expect(byVm.every((t) => t.id === '200')).toBe(true);
  });

  it('show running tasks only with source=active|all', async () => {
    const upid = await c.data<string>('POST', '/nodes/pve1/qemu/100/snapshot', { body: 'snapname=listing' });
    const active = await c.data<Array<{ upid: string; status: string }>>(
      'GET',
      '/nodes/pve1/tasks?source=active',
    );
    expect(active).toContainEqual(expect.objectContaining({ upid, status: 'RUNNING' }));
    const archive = await c.data<Array<{ upid: string }>>('GET', '/nodes/pve1/tasks');
    expect(archive.map((t) => t.upid)).not.toContain(upid);
    const cluster = await c.data<Array<{ upid: string }>>('GET', '/cluster/tasks');
    expect(cluster.map((t) => t.upid)).toContain(upid);
    await c.waitTask(upid);
  });
});
