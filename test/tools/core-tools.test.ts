import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN_SECRET } from '../../src/simulator/testing/index.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

describe('curated tools against one simulated cluster', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ clusters: [{ name: 'demo' }] });
  });
  afterAll(async () => h?.close());

  it('list_clusters shows the cluster, its default flag and a live probe, never the secret', async () => {
    const r = await h.call('list_clusters');
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent as { default: string; clusters: Array<Record<string, unknown>> };
    expect(s.default).toBe('demo');
    expect(s.clusters).toHaveLength(1);
    expect(s.clusters[0]).toMatchObject({
      name: 'demo',
      default: true,
      read_only: false,
      reachable: true,
      tls: 'fingerprint',
    });
    expect(String(s.clusters[0]!.version)).toMatch(/^\d+\.\d+/);
    expect(JSON.stringify(r)).not.toContain(DEMO_TOKEN_SECRET);
  });

  it('list_nodes returns every node with status and usage', async () => {
    const r = await h.call('list_nodes');
    expect(r.isError).toBeFalsy();
    const nodes = (r.structuredContent as { nodes: Array<Record<string, unknown>> }).nodes;
    expect(nodes.map((n) => n.node)).toEqual(['pve1', 'pve2', 'pve3']);
    for (const n of nodes) {
      expect(n).toMatchObject({ cluster: 'demo', status: 'online' });
      expect(typeof n.maxmem).toBe('number');
    }
    expect(textOf(r)).toMatch(/NODE\s+STATUS/);
  });

  it('get_cluster_resources filters by type, node and status and counts what matched', async () => {
    const all = await h.call('get_cluster_resources', { type: 'vm' });
    const s = all.structuredContent as {
      resources: Array<Record<string, unknown>>;
      counts: Record<string, number>;
      total: number;
    };
    expect(s.total).toBeGreaterThan(3);
    expect(s.resources.every((r) => r.type === 'qemu' || r.type === 'lxc')).toBe(true);
    expect((s.counts.qemu ?? 0) + (s.counts.lxc ?? 0)).toBe(s.total);

    const running = await h.call('get_cluster_resources', { type: 'lxc', status: 'running' });
    const rs = running.structuredContent as { resources: Array<Record<string, unknown>> };
    expect(rs.resources.length).toBeGreaterThan(0);
    expect(rs.resources.every((r) => r.type === 'lxc' && r.status === 'running')).toBe(true);

    const onNode = await h.call('get_cluster_resources', { node: 'pve2' });
    const ns = onNode.structuredContent as { resources: Array<Record<string, unknown>> };
    expect(ns.resources.every((r) => r.node === 'pve2')).toBe(true);
  });

  it('get_cluster_resources applies limit and fields and says how to narrow', async () => {
    const r = await h.call('get_cluster_resources', { limit: 2, fields: ['vmid', 'name'], type: 'vm' });
    const s = r.structuredContent as {
      resources: Array<Record<string, unknown>>;
      truncated: boolean;
      total: number;
    };
    expect(s.resources).toHaveLength(2);
    expect(s.truncated).toBe(true);
    expect(Object.keys(s.resources[0]!).sort()).toEqual(['name', 'vmid']);
    expect(textOf(r)).toMatch(/Rows 1-2 of \d+\.\nNext page: the same call with offset 2/);
  });

  it('proxmox_api_call reads any endpoint and unwraps {data}', async () => {
    const r = await h.call('proxmox_api_call', { path: '/version' });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent as { data: { version: string }; method: string; path: string };
    expect(s.method).toBe('GET');
    expect(s.path).toBe('/version');
    expect(s.data.version).toMatch(/^\d+\.\d+/);
  });

  it('proxmox_api_call sends the PVEAPIToken header and GET parameters in the query', async () => {
    const sim = h.sims.demo!;
    const before = sim.requests.length;
    await h.call('proxmox_api_call', { path: '/cluster/resources', data: { type: 'vm' } });
    const req = sim.requests.slice(before).find((q) => q.path === '/api2/json/cluster/resources');
    expect(req).toBeDefined();
    // The log keeps no secret: the token id it named, and a 200 (the simulator checked the secret).
    expect(req!.authorization).toEqual({ present: true, tokenId: 'root@pam!mcp' });
    expect(req!.status).toBe(200);
    expect(req!.query).toEqual({ type: 'vm' });
    expect(req!.body).toBe('');
  });

  it('proxmox_api_call POSTs form parameters with booleans as 0/1 and returns the UPID with advice', async () => {
    const sim = h.sims.demo!;
    const before = sim.requests.length;
    const r = await h.call('proxmox_api_call', {
      path: '/nodes/pve1/qemu/100/snapshot',
      method: 'POST',
      data: { snapname: 'pre', vmstate: false },
    });
    expect(r.isError, textOf(r)).toBeFalsy();
    const s = r.structuredContent as { data: string };
    expect(s.data).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:qmsnapshot:100:root@pam!mcp:$/);
    expect(textOf(r)).toMatch(/Call get_task with this upid/);
    const req = sim.requests.slice(before).find((q) => q.method === 'POST');
    expect(req!.body).toBe('snapname=pre&vmstate=0');
    expect(req!.headers['content-type']).toMatch(/application\/x-www-form-urlencoded/);
  });

  it('refuses paths that leave the API before anything is sent', async () => {
    const sim = h.sims.demo!;
    const before = sim.requests.length;
    for (const path of [
      'https://evil.example/api2/json/nodes',
      '/nodes/../access',
      '/nodes?x=1',
      '/nodes\r\nX: y',
      '/nodes/%2e%2e/x',
    ]) {
      const r = await h.call('proxmox_api_call', { path });
      expect(r.isError, path).toBe(true);
      expect(textOf(r)).toMatch(/URL|traversal|"\?"|control/);
    }
    expect(sim.requests.length).toBe(before);
  });

  it('names the valid clusters when an unknown one is asked for', async () => {
    const r = await h.call('list_nodes', { cluster: 'nope' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toBe(
      'Unknown cluster "nope". Valid clusters: demo (default: demo). Call list_clusters to see them.',
    );
  });

  it('rejects bad arguments with the valid ones listed', async () => {
    const r = await h.call('get_cluster_resources', { type: 'vms', vmid: 100 });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/Invalid arguments for get_cluster_resources/);
    expect(textOf(r)).toMatch(/Valid arguments: cluster, type, node, status, pool, tag, name, vmid, fields/);
  });
});
