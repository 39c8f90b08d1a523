import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupsOf, extrasOf } from '../../src/simulator/job-state.js';
import type { PveProperty } from '../../src/simulator/route-types.js';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { SimClient, sharedExists, sharedPve } from './helpers.js';

/**
 * The routes the admin jobs of issue 15 need (routes/provision.ts, routes/job-ops.ts): their answers fit
 * PVE's own return schemas (read from ../shared/pve/apidoc.json at test time: the simulator keeps only
 * field names, never PVE's schema text), they change the simulated cluster the way PVE would, and they
 * refuse what PVE refuses.
 */
interface SchemaNode {
  path: string;
  info?: Record<string, { returns: PveProperty }>;
  children?: SchemaNode[];
}
let realSchema: SchemaNode[] | undefined;
/** PVE 9.2's return schema of `METHOD /path`. */
function realReturns(key: string): PveProperty {
  realSchema ??= JSON.parse(readFileSync(path.join(sharedPve, 'apidoc.json'), 'utf8')) as SchemaNode[];
  const [method = '', route = ''] = key.split(' ');
  const find = (nodes: readonly SchemaNode[]): PveProperty | undefined => {
    for (const n of nodes) {
      if (n.path === route) return n.info?.[method]?.returns;
      if (route.startsWith(`${n.path}/`)) return find(n.children ?? []);
    }
    return undefined;
  };
  const found = find(realSchema);
  if (!found) throw new Error(`${key} is not in apidoc.json`);
  return found;
}
let sim: Simulator;
let c: SimClient;
beforeAll(async () => {
  sim = await startSimulator({ taskDurationMs: 20 });
  c = new SimClient(sim);
});
afterAll(async () => {
  await c.agent.close();
  await sim.close();
});

/** Every row's keys are in the return schema, with its JSON type; required keys are present. */
function expectFits(value: unknown, schema: PveProperty, where: string): void {
  if (schema.type === 'array') {
    expect(Array.isArray(value), where).toBe(true);
    for (const item of value as unknown[]) expectFits(item, schema.items ?? {}, `${where}[]`);
    return;
  }
  if (schema.type === 'object' && schema.properties) {
    const obj = value as Record<string, unknown>;
    for (const [key, v] of Object.entries(obj)) {
      const prop = schema.properties[key];
      expect(prop, `${where}.${key} is not in PVE's return schema`).toBeDefined();
      if (prop) expectFits(v, prop, `${where}.${key}`);
    }
    for (const [key, prop] of Object.entries(schema.properties))
      if (!prop.optional) expect(obj[key], `${where}.${key} is required`).toBeDefined();
    return;
  }
  const kind = typeof value;
  const want = { integer: 'number', number: 'number', boolean: 'number', string: 'string' } as const;
  if (schema.type && schema.type in want && value !== undefined)
    expect(
      kind === want[schema.type as keyof typeof want] || (schema.type === 'string' && kind === 'number'),
      `${where} is ${kind}, PVE says ${schema.type}`,
    ).toBe(true);
  if (schema.enum && value !== undefined) expect(schema.enum, where).toContain(String(value));
}

const form = (o: Record<string, string | number>) =>
  new URLSearchParams(Object.entries(o).map(([k, v]): [string, string] => [k, String(v)])).toString();

describe.skipIf(!sharedExists)(
  'answers fit PVE 9.2 return schemas (skipped: ../shared/pve not present)',
  () => {
    it.each([
      ['GET /nodes/{node}/services', '/nodes/pve1/services'],
      ['GET /nodes/{node}/apt/update', '/nodes/pve1/apt/update'],
      ['GET /nodes/{node}/qemu/{vmid}/pending', '/nodes/pve1/qemu/100/pending'],
      ['GET /nodes/{node}/qemu/{vmid}/firewall/options', '/nodes/pve1/qemu/100/firewall/options'],
    ] as const)('%s', async (key, path) => {
      expectFits(await c.data('GET', path), realReturns(key), key);
    });
  },
);

describe('firewall rules', () => {
  it('a rule added is listed first with its position (and fits PVE 9.2 when ../shared/pve is present)', async () => {
    await c.data('POST', '/nodes/pve1/qemu/100/firewall/rules', {
      body: form({ type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '22', enable: 1 }),
    });
    await c.data('POST', '/nodes/pve1/qemu/100/firewall/rules', {
      body: form({ type: 'in', action: 'DROP' }),
    });
    const rules = await c.data<Array<Record<string, unknown>>>('GET', '/nodes/pve1/qemu/100/firewall/rules');
    if (sharedExists) expectFits(rules, realReturns('GET /nodes/{node}/qemu/{vmid}/firewall/rules'), 'rules');
    expect(rules.map((r) => [r.pos, r.action])).toEqual([
      [0, 'DROP'],
      [1, 'ACCEPT'],
    ]);
    await c.data('PUT', '/nodes/pve1/qemu/100/firewall/options', { body: 'enable=1&policy_in=DROP' });
    expect(await c.data('GET', '/nodes/pve1/qemu/100/firewall/options')).toEqual({
      enable: 1,
      policy_in: 'DROP',
    });
  });
});

describe('jobs change the cluster as PVE would', () => {
  it('a running VM keeps cores and memory pending until its next start; other keys apply at once', async () => {
    await c.data('PUT', '/nodes/pve1/qemu/100/config', { body: 'cores=6&memory=6144&description=x' });
    const g = sim.state.fleet.guests.get(100)!;
    expect(g.config).toMatchObject({ cores: 2, description: 'x' });
    const pending = await c.data<Array<Record<string, unknown>>>('GET', '/nodes/pve1/qemu/100/pending');
    expect(pending.filter((p) => p.pending !== undefined)).toEqual([
      { key: 'cores', value: '2', pending: '6' },
      { key: 'memory', value: '4096', pending: '6144' },
    ]);
    await c.waitTask(await c.data<string>('POST', '/nodes/pve1/qemu/100/status/stop'));
    await c.waitTask(await c.data<string>('POST', '/nodes/pve1/qemu/100/status/start'));
    expect(g.config).toMatchObject({ cores: 6, memory: '6144' });
    expect(extrasOf(g).pending).toEqual({});
  });

  it('clone of the template: a locked config at once, unlocked with its own disk when the task ends', async () => {
    const upid = await c.data<string>('POST', '/nodes/pve1/qemu/104/clone', {
      body: form({ newid: 300, name: 'tpl-copy', full: 1, storage: 'local-lvm' }),
    });
    expect(sim.state.fleet.guests.get(300)?.config.lock).toBe('clone');
    expect(await c.waitTask(upid)).toMatchObject({ exitstatus: 'OK' });
    const g = sim.state.fleet.guests.get(300)!;
    expect(g.config).toMatchObject({ name: 'tpl-copy', scsi0: 'local-lvm:vm-300-disk-0,size=8G' });
    expect(g.config.lock).toBeUndefined();
    const linked = await c.data<string>('POST', '/nodes/pve1/qemu/104/clone', { body: 'newid=301' });
    await c.waitTask(linked);
    expect(sim.state.fleet.guests.get(301)?.config.scsi0).toBe(
      'local-lvm:base-104-disk-0/vm-301-disk-0,size=8G',
    );
    expect((await c.api('POST', '/nodes/pve1/qemu/104/clone', { body: 'newid=300' })).reason).toMatch(
      /VM 300 already exists/,
    );
  });

  it('cloud-init keys: sshkeys must be URL-encoded, as PVE requires', async () => {
    const raw = await c.api('PUT', '/nodes/pve1/qemu/300/config', {
      body: form({ sshkeys: 'ssh-ed25519 AAAA x@y' }),
    });
    expect(raw.status).toBe(400);
    expect(raw.text).toContain('sshkeys');
    const key = encodeURIComponent('ssh-ed25519 AAAA x@y');
    await c.data('PUT', '/nodes/pve1/qemu/300/config', {
      body: form({ sshkeys: key, ciuser: 'ops', ipconfig0: 'ip=10.0.0.5/24,gw=10.0.0.1' }),
    });
    expect(sim.state.fleet.guests.get(300)?.config).toMatchObject({ sshkeys: key, ciuser: 'ops' });
  });

  it('resize grows a disk (absolute or +), never shrinks it', async () => {
    await c.waitTask(
      await c.data<string>('PUT', '/nodes/pve1/qemu/300/resize', { body: 'disk=scsi0&size=%2B4G' }),
    );
    expect(sim.state.fleet.guests.get(300)?.config.scsi0).toBe('local-lvm:vm-300-disk-0,size=12G');
    expect((await c.api('PUT', '/nodes/pve1/qemu/300/resize', { body: 'disk=scsi0&size=2G' })).reason).toBe(
      'shrinking disks is not supported',
    );
  });

  it('vzdump writes a backup that storage content lists and a restore brings back', async () => {
    const upid = await c.data<string>('POST', '/nodes/pve1/vzdump', {
      body: 'vmid=100&storage=nas&compress=zstd',
    });
    expect(await c.waitTask(upid)).toMatchObject({ exitstatus: 'OK' });
    expect(backupsOf(sim.state.fleet)).toHaveLength(1);
    const list = await c.data<Array<{ volid: string; ctime: number }>>(
      'GET',
      '/nodes/pve2/storage/nas/content?content=backup&vmid=100',
    );
    expect(list).toHaveLength(4);
    const newest = list.sort((a, b) => b.ctime - a.ctime)[0]!;
    const restore = await c.data<string>('POST', '/nodes/pve2/qemu', {
      body: form({ vmid: 310, archive: newest.volid, storage: 'local-lvm' }),
    });
    await c.waitTask(restore);
    expect(sim.state.fleet.guests.get(310)).toMatchObject({ node: 'pve2', config: { name: 'web01' } });
    expect((await c.api('POST', '/nodes/pve1/vzdump', { body: 'vmid=100&storage=local-lvm' })).reason).toBe(
      "storage 'local-lvm' does not support backups",
    );
  });

  it('vzdump of a locked guest: that guest fails in the log, the others are saved, the task ends job errors', async () => {
    const g = sim.state.fleet.guests.get(101)!;
    g.config.lock = 'snapshot';
    const before = backupsOf(sim.state.fleet).length;
    const upid = await c.data<string>('POST', '/nodes/pve1/vzdump', { body: 'vmid=100,101&storage=nas' });
    expect(await c.waitTask(upid)).toMatchObject({ exitstatus: 'job errors' });
    const log = await c.data<Array<{ t: string }>>(
      'GET',
      `/nodes/pve1/tasks/${encodeURIComponent(upid)}/log`,
    );
    expect(log.map((l) => l.t)).toContain('ERROR: Backup of VM 101 failed - VM is locked (snapshot)');
    expect(
      backupsOf(sim.state.fleet)
        .slice(before)
        .map((b) => b.vmid),
    ).toEqual([100]);
    delete g.config.lock;
  });

  it('vzdump and restore check the privileges their methods leave to the handler', async () => {
    sim.addToken({
      user: 'root@pam',
      tokenId: 'auditor',
      secret: 'auditor-secret',
      privsep: true,
      acl: [{ path: '/', privs: ['VM.Audit', 'Datastore.Audit'] }],
    });
    const auth = 'PVEAPIToken=root@pam!auditor=auditor-secret';
    const dump = await c.api('POST', '/nodes/pve1/vzdump', { body: 'vmid=100&storage=nas', auth });
    expect([dump.status, dump.reason]).toEqual([
      403,
      'Permission check failed (/storage/nas, Datastore.AllocateSpace)',
    ]);
    const restore = await c.api('POST', '/nodes/pve1/qemu', {
      body: 'vmid=330&archive=nas:backup/x.vma.zst',
      auth,
    });
    expect([restore.status, restore.reason]).toEqual([
      403,
      'Permission check failed (/vms/330, VM.Allocate)',
    ]);
  });

  it('migrate: refused for a running VM without online and for local disks without with-local-disks', async () => {
    expect((await c.api('POST', '/nodes/pve3/qemu/105/migrate', { body: 'target=pve2' })).reason).toBe(
      "can't migrate running VM without --online",
    );
    expect(
      (await c.api('POST', '/nodes/pve3/qemu/105/migrate', { body: 'target=pve2&online=1' })).reason,
    ).toMatch(/uses local storage/);
    const upid = await c.data<string>('POST', '/nodes/pve3/qemu/105/migrate', {
      body: 'target=pve2&online=1&with-local-disks=1',
    });
    await c.waitTask(upid);
    expect(sim.state.fleet.guests.get(105)).toMatchObject({ node: 'pve2', status: 'running' });
  });

  it('a container from a template, started', async () => {
    const tpl = await c.data<Array<{ volid: string }>>(
      'GET',
      '/nodes/pve1/storage/local/content?content=vztmpl',
    );
    const upid = await c.data<string>('POST', '/nodes/pve1/lxc', {
      body: form({
        vmid: 320,
        ostemplate: tpl[0]!.volid,
        hostname: 'ct320',
        net0: 'name=eth0,bridge=vmbr0,ip=dhcp',
        start: 1,
      }),
    });
    await c.waitTask(upid);
    expect(sim.state.fleet.guests.get(320)).toMatchObject({
      type: 'lxc',
      status: 'running',
      config: { hostname: 'ct320' },
    });
  });
});
