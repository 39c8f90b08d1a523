import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { SimClient, json } from './helpers.js';

let sim: Simulator;
let c: SimClient;
const NOACL = 'PVEAPIToken=root@pam!locked=noacl-secret';
const AUDIT100 = 'PVEAPIToken=mon@pve!audit=audit-secret';
const POOL = 'PVEAPIToken=ops@pve!pool=pool-secret';

beforeAll(async () => {
  sim = await startSimulator({ taskDurationMs: 20 });
  // A privilege-separated token of root@pam without ACLs has no privileges at all.
  sim.addToken({ user: 'root@pam', tokenId: 'locked', secret: 'noacl-secret', privsep: true });
  sim.addToken({
    user: 'mon@pve',
    tokenId: 'audit',
    secret: 'audit-secret',
    acl: [{ path: '/vms/100', privs: ['VM.Audit'] }],
  });
  sim.addToken({
    user: 'ops@pve',
    tokenId: 'pool',
    secret: 'pool-secret',
    privsep: true,
    acl: [
      { path: '/pool/prod', privs: ['VM.Audit', 'VM.PowerMgmt', 'Pool.Audit'] },
      { path: '/nodes', privs: ['Sys.Audit'] },
    ],
  });
  c = new SimClient(sim);
});
afterAll(async () => {
  await c.close();
  await sim.close();
});

describe('403 Permission check failed', () => {
  it('names the path and the first missing privilege', async () => {
    const res = await c.api('GET', '/nodes/pve1/qemu/100/status/current', { auth: NOACL });
    expect([res.status, res.reason]).toEqual([403, 'Permission check failed (/vms/100, VM.Audit)']);
    expect(json(res)).toEqual({ data: null, message: 'Permission check failed (/vms/100, VM.Audit)\n' });
    const start = await c.api('POST', '/nodes/pve1/qemu/100/status/start', { auth: NOACL, body: '' });
    expect([start.status, start.reason]).toEqual([403, 'Permission check failed (/vms/100, VM.PowerMgmt)']);
    expect(sim.requests.at(-1)?.status).toBe(403);
  });

  it('lists all alternatives for "any" checks', async () => {
    const res = await c.api('GET', '/nodes/pve1/qemu/100/agent/network-get-interfaces', { auth: AUDIT100 });
    expect(res.reason).toBe(
      'Permission check failed (/vms/100, VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted)',
    );
  });

  it('checks before looking the guest up, so a missing guest is still a 403', async () => {
    const res = await c.api('GET', '/nodes/pve1/qemu/999/config', { auth: AUDIT100 });
    expect(res.reason).toBe('Permission check failed (/vms/999, VM.Audit)');
  });

  it('guards cluster status with Sys.Audit on /', async () => {
    expect((await c.api('GET', '/cluster/status', { auth: AUDIT100 })).reason).toBe(
      'Permission check failed (/, Sys.Audit)',
    );
  });

  it('refuses root-only options to every token, even root@pam!mcp', async () => {
    const res = await c.api('POST', '/nodes/pve1/qemu/102/status/start', { body: 'skiplock=1' });
    expect(json(res).errors).toEqual({ skiplock: 'Only root may use this option.' });
  });

  it('checks the privilege of each changed config option', async () => {
    sim.addToken({
      user: 'cfg@pve',
      tokenId: 'tk',
      secret: 's',
      acl: [{ path: '/vms', privs: ['VM.Config.Options', 'VM.Audit'] }],
    });
    const auth = 'PVEAPIToken=cfg@pve!tk=s';
    expect((await c.api('PUT', '/nodes/pve1/qemu/100/config', { auth, body: 'description=ok' })).status).toBe(
      200,
    );
    const mem = await c.api('PUT', '/nodes/pve1/qemu/100/config', { auth, body: 'memory=2048' });
    expect([mem.status, mem.reason]).toEqual([403, 'Permission check failed (/vms/100, VM.Config.Memory)']);
  });
});

describe('lists filter silently', () => {
  it('shows nothing but bare nodes to a token without privileges', async () => {
    const resources = await c.data<Array<Record<string, unknown>>>('GET', '/cluster/resources', {
      auth: NOACL,
    });
    expect(resources.map((r) => r.type)).toEqual(['node', 'node', 'node']);
    expect(resources[0]).not.toHaveProperty('cpu');
    expect(await c.data('GET', '/nodes/pve1/qemu', { auth: NOACL })).toEqual([]);
    expect(await c.data('GET', '/nodes/pve1/lxc', { auth: NOACL })).toEqual([]);
    expect(await c.data('GET', '/nodes/pve1/storage', { auth: NOACL })).toEqual([]);
    expect(await c.data('GET', '/storage', { auth: NOACL })).toEqual([]);
    expect(await c.data('GET', '/pools', { auth: NOACL })).toEqual([]);
  });

  it('lists every node but drops stats without Sys.Audit', async () => {
    const nodes = await c.data<Array<Record<string, unknown>>>('GET', '/nodes', { auth: NOACL });
    expect(nodes.map((n) => n.node)).toEqual(['pve1', 'pve2', 'pve3']);
    expect(Object.keys(nodes[0] ?? {}).sort()).toEqual([
      'id',
      'level',
      'node',
      'ssl_fingerprint',
      'status',
      'type',
    ]);
    const full = await c.data<Array<Record<string, unknown>>>('GET', '/nodes');
    expect(full[0]).toHaveProperty('maxmem');
  });

  it('shows only the guests a token may audit', async () => {
    const vms = await c.data<Array<{ vmid: number }>>('GET', '/cluster/resources?type=vm', {
      auth: AUDIT100,
    });
    expect(vms.map((v) => v.vmid)).toEqual([100]);
    expect(
      (await c.data<Array<{ vmid: number }>>('GET', '/nodes/pve1/qemu', { auth: AUDIT100 })).map(
        (v) => v.vmid,
      ),
    ).toEqual([100]);
  });

  it('grants pool privileges to the pool members', async () => {
    const vms = await c.data<Array<{ vmid: number }>>('GET', '/cluster/resources?type=vm', { auth: POOL });
    expect(vms.map((v) => v.vmid)).toEqual([100, 101, 200]);
    expect((await c.api('GET', '/nodes/pve2/qemu/102/status/current', { auth: POOL })).status).toBe(403);
    expect(await c.data('GET', '/pools', { auth: POOL })).toEqual([
      { poolid: 'prod', comment: 'Production services' },
    ]);
  });
});

describe('GET /access/permissions', () => {
  it('returns the effective privileges of the calling token', async () => {
    expect(await c.data('GET', '/access/permissions', { auth: AUDIT100 })).toEqual({
      '/vms/100': { 'VM.Audit': 1 },
    });
    expect(await c.data('GET', '/access/permissions', { auth: NOACL })).toEqual({});
    const pool = await c.data<Record<string, Record<string, number>>>('GET', '/access/permissions', {
      auth: POOL,
    });
    expect(pool['/vms/101']).toEqual({ 'Pool.Audit': 1, 'VM.Audit': 1, 'VM.PowerMgmt': 1 });
    expect(pool['/nodes']).toEqual({ 'Sys.Audit': 1 });
    expect(pool['/vms/102']).toBeUndefined();
  });

  it('gives a full-privilege root token everything everywhere', async () => {
    const perms = await c.data<Record<string, Record<string, number>>>('GET', '/access/permissions');
    expect(perms['/']).toMatchObject({ 'Sys.Audit': 1, 'VM.PowerMgmt': 1, 'Permissions.Modify': 1 });
    expect(await c.data('GET', '/access/permissions?path=/vms/100', { auth: AUDIT100 })).toEqual({
      '/vms/100': { 'VM.Audit': 1 },
    });
  });

  it("needs Sys.Audit on /access for someone else's permissions", async () => {
    const res = await c.api('GET', '/access/permissions?userid=root@pam', { auth: AUDIT100 });
    expect(res.reason).toBe('Permission check failed (/access, Sys.Audit)');
  });
});
