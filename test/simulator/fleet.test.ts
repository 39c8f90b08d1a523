import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { SimClient, json } from './helpers.js';

type Row = Record<string, unknown>;

describe('the demo fleet', () => {
  let sim: Simulator;
  let c: SimClient;
  beforeAll(async () => {
    sim = await startSimulator({ taskDurationMs: 20 });
    c = new SimClient(sim);
  });
  afterAll(async () => {
    await c.close();
    await sim.close();
  });

  it('is a three-node cluster with the documented guests', async () => {
    const vms = await c.data<Row[]>('GET', '/cluster/resources?type=vm');
    const summary = vms.map(
      (v) => `${String(v.vmid)} ${String(v.type)} ${String(v.name)} ${String(v.node)} ${String(v.status)}`,
    );
    expect(summary).toEqual([
      '100 qemu web01 pve1 running',
      '101 qemu db01 pve1 running',
      '102 qemu build pve2 stopped',
      '103 qemu win11 pve2 stopped',
      '104 qemu tpl-debian12 pve1 stopped',
      '105 qemu monitoring pve3 running',
      '200 lxc dns pve1 running',
      '201 lxc proxy pve2 running',
      '202 lxc backup pve3 stopped',
    ]);
    expect(vms.find((v) => v.vmid === 104)).toMatchObject({ template: 1 });
    const storages = await c.data<Row[]>('GET', '/storage');
    expect(storages.map((s) => `${String(s.storage)}:${String(s.type)}`)).toEqual([
      'local:dir',
      'local-lvm:lvmthin',
      'nas:nfs',
    ]);
    const pool = await c.data<{ members: Row[] }>('GET', '/pools/prod');
    expect(pool.members.map((m) => m.id)).toEqual([
      'qemu/100',
      'qemu/101',
      'lxc/200',
      'storage/pve1/nas',
      'storage/pve2/nas',
      'storage/pve3/nas',
    ]);
  });

  it('reports the simulator certificate as the local node fingerprint', async () => {
    const nodes = await c.data<Row[]>('GET', '/nodes');
    expect(nodes[0]).toMatchObject({ node: 'pve1', ssl_fingerprint: sim.fingerprint });
    expect(nodes[1]?.ssl_fingerprint).not.toBe(sim.fingerprint);
    expect(await c.data('GET', '/cluster/status')).toContainEqual(
      expect.objectContaining({ name: 'pve1', local: 1, online: 1 }),
    );
  });

  it('looks alive: usage moves, counters and uptime grow, deterministically bounded', async () => {
    const first = await c.data<Row>('GET', '/nodes/pve1/qemu/100/status/current');
    await new Promise((r) => setTimeout(r, 1100));
    const second = await c.data<Row>('GET', '/nodes/pve1/qemu/100/status/current');
    expect(second.cpu).not.toBe(first.cpu);
    expect(second.uptime as number).toBeGreaterThan(first.uptime as number);
    expect(second.netin as number).toBeGreaterThan(first.netin as number);
    for (const s of [first, second]) {
      expect(s.cpu as number).toBeGreaterThan(0);
      expect(s.cpu as number).toBeLessThanOrEqual(1);
      expect(s.mem as number).toBeLessThan(s.maxmem as number);
    }
  });

  it('has history in the task lists', async () => {
    const tasks = await c.data<Row[]>('GET', '/cluster/tasks');
    expect(tasks.filter((t) => t.type === 'vzdump').length).toBe(8);
    expect(tasks).toContainEqual(
      expect.objectContaining({
        type: 'qmstart',
        id: '103',
        status: 'start failed: QEMU exited with code 1',
      }),
    );
  });
});

describe('offline nodes', () => {
  let sim: Simulator;
  let c: SimClient;
  beforeAll(async () => {
    sim = await startSimulator();
    c = new SimClient(sim);
    sim.setNodeOnline('pve3', false);
  });
  afterAll(async () => {
    await c.close();
    await sim.close();
  });

  it('answers 595 No route to host with an empty body for proxied calls', async () => {
    for (const p of [
      '/nodes/pve3/status',
      '/nodes/pve3/qemu',
      '/nodes/pve3/qemu/105/status/current',
      '/nodes/pve3/network',
    ]) {
      const res = await c.api('GET', p);
      expect([res.status, res.reason, res.text], p).toEqual([595, 'No route to host', '']);
    }
    const post = await c.api('POST', '/nodes/pve3/qemu/105/status/stop', { body: '' });
    expect(post.status).toBe(595);
  });

  it('shows the node offline, without stats, and its guests unknown', async () => {
    const nodes = await c.data<Row[]>('GET', '/nodes');
    expect(nodes[2]).toEqual({
      id: 'node/pve3',
      node: 'pve3',
      type: 'node',
      status: 'offline',
      level: '',
      ssl_fingerprint: expect.any(String),
    });
    const status = await c.data<Row[]>('GET', '/cluster/status');
    expect(status).toContainEqual(expect.objectContaining({ name: 'pve3', online: 0 }));
    expect(status[0]).toMatchObject({ type: 'cluster', quorate: 1, nodes: 3 });
    const vms = await c.data<Row[]>('GET', '/cluster/resources?type=vm');
    expect(vms.find((v) => v.vmid === 105)).toMatchObject({ status: 'unknown', cpu: 0 });
    const stores = await c.data<Row[]>('GET', '/cluster/resources?type=storage');
    expect(stores.find((s) => s.id === 'storage/pve3/local')).toMatchObject({ status: 'unknown' });
  });

  it('loses quorum when most nodes are gone, and recovers', async () => {
    sim.setNodeOnline('pve2', false);
    expect((await c.data<Row[]>('GET', '/cluster/status'))[0]).toMatchObject({ quorate: 0 });
    sim.setNodeOnline('pve2', true);
    sim.setNodeOnline('pve3', true);
    expect((await c.api('GET', '/nodes/pve3/status')).status).toBe(200);
    sim.setNodeOnline('pve3', false);
  });

  it('answers 500 hostname lookup for an unknown node, and refuses to toggle one', async () => {
    const res = await c.api('GET', '/nodes/pve9/status');
    expect(res.status).toBe(500);
    expect(json(res).message).toBe(
      "hostname lookup 'pve9' failed - failed to get address info for: pve9: Name or service not known\n",
    );
    expect(() => sim.setNodeOnline('pve9', false)).toThrow(/unknown node 'pve9'/);
  });
});

describe('other seeds and shapes of cluster', () => {
  it("'empty' has nodes and local storages only", async () => {
    const sim = await startSimulator({ seed: 'empty', nodes: ['a1', 'b2'], clusterName: 'lab' });
    const c = new SimClient(sim);
    try {
      expect(await c.data('GET', '/cluster/resources?type=vm')).toEqual([]);
      expect(await c.data('GET', '/cluster/tasks')).toEqual([]);
      expect((await c.data<Row[]>('GET', '/storage')).map((s) => s.storage)).toEqual(['local', 'local-lvm']);
      expect((await c.data<Row[]>('GET', '/cluster/status'))[0]).toMatchObject({
        type: 'cluster',
        name: 'lab',
        nodes: 2,
      });
      expect(await c.data('GET', '/cluster/nextid')).toBe('100');
    } finally {
      await c.close();
      await sim.close();
    }
  });

  it('a single node is standalone: no cluster entry, nodeid 0, all guests on it', async () => {
    const sim = await startSimulator({ nodes: ['solo'] });
    const c = new SimClient(sim);
    try {
      expect(await c.data('GET', '/cluster/status')).toEqual([
        {
          type: 'node',
          id: 'node/solo',
          name: 'solo',
          nodeid: 0,
          ip: '192.168.10.11',
          online: 1,
          local: 1,
          level: '',
        },
      ]);
      expect((await c.data<Row[]>('GET', '/nodes/solo/lxc')).map((r) => r.vmid)).toEqual([200, 201, 202]);
    } finally {
      await c.close();
      await sim.close();
    }
  });
});
