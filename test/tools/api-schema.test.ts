import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/**
 * Issue 6 through the MCP protocol: the model goes from "roll back VM 100 to snapshot X" to a correct
 * call using only proxmox_api_describe and proxmox_api_call, with the schema each simulated node
 * serves at /pve-docs/api-viewer/apidoc.js.
 */
describe('schema-aware raw API', () => {
  let h: Harness;
  let cacheDir: string;
  beforeAll(async () => {
    cacheDir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-schema-cache-'));
    h = await startHarness({ clusters: [{ name: 'demo' }, { name: 'blocked' }], schemaCacheDir: cacheDir });
    h.sims.blocked!.setGarbage('/pve-docs');
  });
  afterAll(async () => h?.close());

  const sent = (since: number, method?: string) =>
    h.sims
      .demo!.requests.slice(since)
      .filter((r) => r.path.startsWith('/api2/') && (!method || r.method === method));

  it('finds the rollback endpoint from words, then describes it, then rolls back', async () => {
    const found = await h.call('proxmox_api_describe', { query: 'rollback snapshot' });
    expect(found.isError, textOf(found)).toBeFalsy();
    const hits = (found.structuredContent as { results: Array<{ method: string; template: string }> })
      .results;
    expect(hits[0]).toEqual(
      expect.objectContaining({
        method: 'POST',
        template: '/nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback',
      }),
    );

    const described = await h.call('proxmox_api_describe', {
      path: '/nodes/pve1/qemu/100/snapshot/pre-upgrade/rollback',
      method: 'POST',
    });
    const text = textOf(described);
    expect(text).toMatch(/path \/nodes\/\{node\}\/qemu\/\{vmid\}\/snapshot\/\{snapname\}\/rollback/);
    expect(text).toMatch(/node=pve1, vmid=100, snapname=pre-upgrade/);
    expect(text).toMatch(/VM\.Snapshot/);
    expect(text).toMatch(/returns: .*task/i);
    const endpoint = (
      described.structuredContent as { endpoint: { methods: Array<{ returnsTask: boolean }> } }
    ).endpoint;
    expect(endpoint.methods[0]!.returnsTask).toBe(true);

    const before = h.sims.demo!.requests.length;
    const r = await h.call('proxmox_api_call', {
      path: '/nodes/pve1/qemu/100/snapshot/pre-upgrade/rollback',
      method: 'POST',
      wait: 10,
    });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(textOf(r)).toMatch(/qmrollback/);
    expect(sent(before, 'POST').map((q) => q.path)).toEqual([
      '/api2/json/nodes/pve1/qemu/100/snapshot/pre-upgrade/rollback',
    ]);
  });

  it('describes a path without methods by its sub-paths, and lists the top level with no arguments', async () => {
    const top = await h.call('proxmox_api_describe', {});
    expect(textOf(top)).toMatch(/\/nodes/);
    expect(textOf(top)).toMatch(/\/cluster/);
    const node = await h.call('proxmox_api_describe', { path: '/nodes/pve1/qemu/100' });
    expect(textOf(node)).toMatch(/sub-paths/);
    expect(textOf(node)).toMatch(/snapshot/);
  });

  it('refuses an unknown path before sending and names the closest real ones', async () => {
    const before = h.sims.demo!.requests.length;
    const r = await h.call('proxmox_api_call', { path: '/nodes/pve1/qemu/100/snapshots' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/No API path matches \/nodes\/pve1\/qemu\/100\/snapshots/);
    expect(textOf(r)).toContain('/nodes/{node}/qemu/{vmid}/snapshot');
    expect(sent(before)).toHaveLength(0);
  });

  it('refuses a method the path does not have, listing the available ones', async () => {
    const before = h.sims.demo!.requests.length;
    const r = await h.call('proxmox_api_call', { path: '/cluster/resources', method: 'DELETE' });
    expect(textOf(r)).toMatch(/has no DELETE method \(available: GET\)/);
    expect(sent(before)).toHaveLength(0);
  });

  it('refuses parameters PVE would reject, in PVE wording, without sending', async () => {
    const before = h.sims.demo!.requests.length;
    const r = await h.call('proxmox_api_call', {
      path: '/nodes/pve1/qemu/100/snapshot',
      method: 'POST',
      data: { snapname: 'x', vmstate: 'maybe', bogus: 1 },
    });
    expect(r.isError).toBe(true);
    const t = textOf(r);
    expect(t).toMatch(/vmstate: type check \('boolean'\) failed - got 'maybe'/);
    expect(t).toMatch(
      /bogus: property is not defined in schema and the schema does not allow additional properties/,
    );
    expect(t).toMatch(/Valid parameters: .*snapname/);
    expect(sent(before)).toHaveLength(0);
  });

  it('refuses a template path with placeholders left in it', async () => {
    const r = await h.call('proxmox_api_call', { path: '/nodes/{node}/qemu' });
    expect(textOf(r)).toMatch(/still contains placeholders \{node\}/);
  });

  it('applies safe coercions, sends the corrected values and reports them', async () => {
    const before = h.sims.demo!.requests.length;
    const r = await h.call('proxmox_api_call', {
      path: '/nodes/pve1/qemu/100/snapshot',
      method: 'POST',
      data: { snapname: 'coerced', vmstate: false, description: 42 },
    });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(textOf(r)).toMatch(/Parameters adjusted to what PVE accepts: .*vmstate: false → 0/);
    expect((r.structuredContent as { coercions: string[] }).coercions.length).toBeGreaterThan(0);
    expect(sent(before, 'POST')[0]!.body).toBe('snapname=coerced&vmstate=0&description=42');
  });

  it('shapes list answers with fields and limit', async () => {
    const r = await h.call('proxmox_api_call', {
      path: '/cluster/resources',
      data: { type: 'vm' },
      fields: ['vmid', 'name'],
      limit: 3,
    });
    const s = r.structuredContent as { data: Array<Record<string, unknown>>; rows: number };
    expect(s.data).toHaveLength(3);
    expect(Object.keys(s.data[0]!).sort()).toEqual(['name', 'vmid']);
    expect(s.rows).toBeGreaterThan(3);
    expect(textOf(r)).toMatch(/Showing 3 of \d+ rows/);
  });

  it('projects only real fields ("__proto__" is not one)', async () => {
    const r = await h.call('proxmox_api_call', {
      path: '/cluster/resources',
      data: { type: 'vm' },
      fields: ['__proto__', 'vmid'],
      limit: 2,
    });
    const rows = (r.structuredContent as { data: Array<Record<string, unknown>> }).data;
    for (const row of rows) expect(Object.keys(row)).toEqual(['vmid']);
    const g = await h.call('get_cluster_resources', {
      type: 'vm',
      fields: ['constructor', 'vmid'],
      limit: 2,
    });
    for (const row of (g.structuredContent as { resources: Array<Record<string, unknown>> }).resources) {
      expect(Object.keys(row)).toEqual(['vmid']);
    }
  });

  it('keeps working without a schema and says why describe cannot help', async () => {
    const d = await h.call('proxmox_api_describe', { cluster: 'blocked', query: 'snapshot' });
    expect(d.isError).toBe(true);
    expect(textOf(d)).toMatch(/could not be loaded .*apidoc\.js/);
    expect(textOf(d)).toMatch(/proxmox_api_call still works/);
    const r = await h.call('proxmox_api_call', { cluster: 'blocked', path: '/nodes/pve1/bogus' });
    expect(textOf(r)).toMatch(/\(501\)/); // PVE's own answer: the call went out unchecked
  });

  it('caches the schema on disk keyed by host and PVE version, and a new process reuses it', async () => {
    // The first test loaded the schema: the file is there, named by host and version.
    const files = readdirSync(cacheDir);
    expect(
      files.filter((f) => f.includes(`127.0.0.1_${h.sims.demo!.port}`) && f.includes('9.2')),
    ).toHaveLength(1);
    // A second server (a restart) on the same cluster and cache dir reads the file instead of downloading.
    const again = await startHarness({
      clusters: [{ name: 'demo', existing: h.sims.demo! }],
      schemaCacheDir: cacheDir,
    });
    try {
      const before = h.sims.demo!.requests.length;
      const r = await again.call('proxmox_api_describe', { query: 'rollback snapshot' });
      expect(r.isError, textOf(r)).toBeFalsy();
      const fetched = h.sims.demo!.requests.slice(before).filter((q) => q.path.startsWith('/pve-docs/'));
      expect(fetched).toHaveLength(0);
    } finally {
      await again.close();
    }
  });
});
