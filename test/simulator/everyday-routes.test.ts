import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { SimClient, sharedExists, sharedPve } from './helpers.js';

/**
 * Issue 13: the endpoints everyday jobs need, which the demo lacked (users, storage content with
 * backups, backup jobs, HA): their behaviour, and their answers checked against the return schemas of
 * the real PVE 9.2 apidoc.json (every key the schema defines has its type, every required key is
 * there; extra keys are allowed, as PVE itself returns more than its schema lists).
 */

let sim: Simulator;
let c: SimClient;
beforeAll(async () => {
  sim = await startSimulator();
  c = new SimClient(sim);
});
afterAll(async () => {
  await c?.agent.close();
  await sim?.close();
});

type Row = Record<string, unknown>;
const get = <T = Row[]>(p: string) => c.data<T>('GET', p);

describe('the everyday endpoints', () => {
  it("storage content lists the guests' disks and their backups, filtered by content and vmid", async () => {
    const nas = await get('/nodes/pve1/storage/nas/content');
    const backups = nas.filter((v) => v.content === 'backup');
    expect(backups.length).toBeGreaterThan(0);
    expect(backups[0]).toMatchObject({
      volid: expect.stringMatching(
        /^nas:backup\/vzdump-(qemu|lxc)-\d+-\d{4}_\d\d_\d\d-\d\d_\d\d_\d\d\.(vma|tar)\.zst$/,
      ),
      format: expect.stringMatching(/^(vma|tar)\.zst$/),
      size: expect.any(Number),
      ctime: expect.any(Number),
      vmid: expect.any(Number),
      subtype: expect.stringMatching(/^(qemu|lxc)$/),
    });
    const only = await get('/nodes/pve1/storage/nas/content?content=backup&vmid=100');
    expect(only.length).toBeGreaterThan(0);
    expect(only.every((v) => v.vmid === 100 && v.content === 'backup')).toBe(true);
    const lvm = await get('/nodes/pve1/storage/local-lvm/content');
    expect(lvm.some((v) => v.content === 'images' && String(v.volid).startsWith('local-lvm:vm-'))).toBe(true);
  });

  it('one volume, by full id (slash and all) or relative to the storage; an unknown one is an error', async () => {
    const [first] = (await get('/nodes/pve1/storage/nas/content?content=backup')) as Array<{ volid: string }>;
    const info = await get<Row>(`/nodes/pve1/storage/nas/content/${first!.volid}`);
    expect(info).toMatchObject({
      format: expect.any(String),
      size: expect.any(Number),
      path: expect.stringContaining('/dump/vzdump-'),
    });
    const rel = await get<Row>(`/nodes/pve1/storage/nas/content/${first!.volid.slice('nas:'.length)}`);
    expect(rel).toEqual(info);
    const missing = await c.api('GET', '/nodes/pve1/storage/nas/content/nas:backup/nope.vma.zst');
    expect(missing.status).toBe(500);
    expect(missing.text).toContain("volume 'nas:backup/nope.vma.zst' does not exist");
  });

  it('backup jobs: the nightly job that wrote those backups, and one job by id', async () => {
    const jobs = await get('/cluster/backup');
    expect(jobs).toEqual([
      expect.objectContaining({ id: 'backup-nightly', storage: 'nas', schedule: '01:00', enabled: 1 }),
    ]);
    expect(await get<Row>('/cluster/backup/backup-nightly')).toEqual(jobs[0]);
  });

  it('HA: resources and the manager status, with quorum, master, lrm and service entries', async () => {
    const resources = await get('/cluster/ha/resources');
    expect(resources.map((r) => r.sid)).toEqual(['vm:100', 'vm:101']);
    const status = await get('/cluster/ha/status/current');
    expect(status.map((s) => s.type)).toEqual(expect.arrayContaining(['quorum', 'master', 'lrm', 'service']));
    expect(status.find((s) => s.id === 'service:vm:100')).toMatchObject({
      sid: 'vm:100',
      state: expect.any(String),
    });
    expect(await get('/cluster/ha')).toEqual([{ id: 'resources' }, { id: 'status' }]);
  });

  it('users: the caller always, with its token when full=1', async () => {
    const users = await get('/access/users?full=1');
    const me = users.find((u) => u.userid === 'root@pam');
    expect(me).toMatchObject({ enable: 1, tokens: [{ tokenid: 'mcp' }] });
  });
});

interface PveProp {
  type?: string;
  optional?: number;
  properties?: Record<string, PveProp>;
  items?: PveProp;
}

/** Problems of `value` against a PVE return schema (booleans are 0/1 in PVE's JSON). */
function problems(value: unknown, schema: PveProp | undefined, where: string): string[] {
  if (!schema?.type) return [];
  const t = schema.type;
  const ok =
    t === 'array'
      ? Array.isArray(value)
      : t === 'object'
        ? typeof value === 'object' && value !== null && !Array.isArray(value)
        : t === 'integer'
          ? Number.isInteger(value)
          : t === 'number'
            ? typeof value === 'number'
            : t === 'boolean'
              ? value === 0 || value === 1 || typeof value === 'boolean'
              : t === 'string'
                ? typeof value === 'string'
                : true;
  if (!ok) return [`${where}: expected ${t}, got ${JSON.stringify(value)}`];
  const out: string[] = [];
  if (t === 'array')
    (value as unknown[]).forEach((v, i) => out.push(...problems(v, schema.items, `${where}[${i}]`)));
  if (t === 'object' && schema.properties) {
    const obj = value as Record<string, unknown>;
    for (const [k, p] of Object.entries(schema.properties)) {
      if (obj[k] === undefined) {
        if (!p.optional) out.push(`${where}.${k}: required by the schema, missing`);
      } else out.push(...problems(obj[k], p, `${where}.${k}`));
    }
  }
  return out;
}

describe.skipIf(!sharedExists)(
  'answers match the real PVE 9.2 return schemas (skipped: ../shared/pve not present; CI provides it)',
  () => {
    const returnsOf = (method: string, template: string): PveProp => {
      type Node = { path: string; info?: Record<string, { returns: PveProp }>; children?: Node[] };
      const find = (nodes: Node[]): PveProp | undefined => {
        for (const n of nodes) {
          if (n.path === template) return n.info?.[method]?.returns;
          const r = find(n.children ?? []);
          if (r) return r;
        }
        return undefined;
      };
      const r = find(JSON.parse(readFileSync(path.join(sharedPve, 'apidoc.json'), 'utf8')) as Node[]);
      if (!r) throw new Error(`${method} ${template} not in PVE 9.2`);
      return r;
    };

    it.each([
      ['/access/users?full=1', '/access/users'],
      ['/nodes/pve1/storage/nas/content', '/nodes/{node}/storage/{storage}/content'],
      ['/nodes/pve1/storage/local-lvm/content', '/nodes/{node}/storage/{storage}/content'],
      ['/cluster/backup', '/cluster/backup'],
      ['/cluster/backup/backup-nightly', '/cluster/backup/{id}'],
      ['/cluster/ha', '/cluster/ha'],
      ['/cluster/ha/resources', '/cluster/ha/resources'],
      ['/cluster/ha/status/current', '/cluster/ha/status/current'],
    ])('GET %s', async (url, template) => {
      expect(problems(await get<unknown>(url), returnsOf('GET', template), 'data')).toEqual([]);
    });

    it('GET one volume', async () => {
      const [first] = (await get('/nodes/pve1/storage/nas/content?content=backup')) as Array<{
        volid: string;
      }>;
      const info = await get<unknown>(`/nodes/pve1/storage/nas/content/${first!.volid}`);
      expect(
        problems(info, returnsOf('GET', '/nodes/{node}/storage/{storage}/content/{volume}'), 'data'),
      ).toEqual([]);
    });
  },
);
