import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';
import type { ResourcesAnswer } from './cluster-resources-answer.js';

/**
 * get_cluster_resources on the small demo clusters: everything on one page, the filters beyond type,
 * node and status, field tables, and paging edges. The 10,000-guest behaviour is in
 * cluster-resources-scale.test.ts.
 */
type Answer = ResourcesAnswer;

describe('get_cluster_resources on small clusters', () => {
  let h: Harness;
  const call = async (args: Record<string, unknown>) => {
    const r = await h.call('get_cluster_resources', args);
    expect(r.isError, textOf(r)).toBeFalsy();
    return { a: r.structuredContent as unknown as Answer, text: textOf(r) };
  };
  beforeAll(async () => {
    h = await startHarness({ clusters: [{ name: 'demo' }, { name: 'lab', sim: { nodes: ['lab1'] } }] });
  });
  afterAll(async () => h?.close());

  it('shows a small cluster whole by default, with no paging advice', async () => {
    const { a, text } = await call({});
    expect(a.resources).toHaveLength(a.total);
    expect(a).toMatchObject({ offset: 0, truncated: false });
    expect(a.next_offset).toBeUndefined();
    expect(a.resources.map((r) => r.vmid).filter(Boolean)).toEqual([
      100, 101, 102, 103, 104, 105, 200, 201, 202,
    ]);
    expect(a.resources[0]).toMatchObject({ type: 'node', node: 'pve1' }); // nodes first
    expect(text).not.toMatch(/offset/);
    expect(text).toMatch(/^NODE\s+QEMU\s+LXC\s+STORAGE/m);
  });

  it('lists pools, which PVE only returns unfiltered', async () => {
    const { a } = await call({ type: 'pool' });
    expect(a.resources).toEqual([{ id: '/pool/prod', type: 'pool', pool: 'prod' }]);
  });

  it('filters by pool, tag, name and vmid', async () => {
    const vmids = async (args: Record<string, unknown>) =>
      (await call({ type: 'vm', ...args })).a.resources.map((r) => r.vmid);
    expect(await vmids({ pool: 'prod' })).toEqual([100, 101, 200]);
    expect(await vmids({ tag: 'infra' })).toEqual([200, 201]);
    expect(await vmids({ name: 'DB' })).toEqual([101]);
    const { a } = await call({ vmid: 105 });
    expect(a.resources).toEqual([expect.objectContaining({ vmid: 105, name: 'monitoring', node: 'pve3' })]);
    // The pool filter without a type also keeps the pool's own entry.
    expect((await call({ pool: 'prod' })).a.counts).toMatchObject({ pool: 1, qemu: 2, lxc: 1 });
  });

  it('renders exactly the requested fields as the text table', async () => {
    const { a, text } = await call({ type: 'lxc', fields: ['vmid', 'name', 'status'] });
    expect(a.resources[0]).toEqual({ vmid: 200, name: 'dns', status: 'running' });
    expect(text).toMatch(/^VMID\s+NAME\s+STATUS\n200\s+dns\s+running$/m);
  });

  it('answers an offset past the end with no rows and the valid range', async () => {
    const { a, text } = await call({ type: 'vm', offset: 50 });
    expect(a).toMatchObject({ total: 9, offset: 50, truncated: false, resources: [] });
    expect(text).toMatch(/offset 50 is past the last row \(9 match\); use an offset below 9/);
  });

  it('refuses a negative offset with the valid arguments', async () => {
    const r = await h.call('get_cluster_resources', { offset: -1 });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/Invalid arguments for get_cluster_resources: offset/);
  });

  it('covers every cluster with "*", per cluster and per cluster node', async () => {
    const { a, text } = await call({ cluster: '*', type: 'vm' });
    expect(a.by_cluster).toEqual({ demo: 9, lab: 9 });
    expect(Object.keys(a.by_node)).toEqual(['demo/pve1', 'demo/pve2', 'demo/pve3', 'lab/lab1']);
    expect(a.resources.slice(0, 9).every((r) => r.cluster === 'demo')).toBe(true);
    expect(a.resources.slice(9).every((r) => r.cluster === 'lab')).toBe(true);
    expect(text).toMatch(/By cluster: demo 9, lab 9\./);
  });
});
