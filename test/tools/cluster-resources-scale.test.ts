import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestSeed } from '../../src/simulator/fleet-demo.js';
import { generateGuestSeeds, generatedNodeNames } from '../../src/simulator/testing/fleet-generated.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';
import type { ResourcesAnswer } from './cluster-resources-answer.js';

/**
 * get_cluster_resources on 10,000 guests (16 nodes): the default answer stays small, its totals are
 * exact, and every guest stays reachable by paging or by filters. Expected figures come from the
 * generator's seeds, never from the tool. (Timing is measured by the benchmarks, not asserted here.)
 */
const SPEC = { guests: 10_000 };
const NODES = generatedNodeNames(SPEC);
const SEEDS = generateGuestSeeds(SPEC, NODES.length);

type Answer = ResourcesAnswer;

const nodeOf = (s: GuestSeed) => NODES[s.nodeIndex % NODES.length]!;
const nameOf = (s: GuestSeed) => String(s.config.name ?? s.config.hostname);
const tagsOf = (s: GuestSeed) =>
  String(s.config.tags ?? '')
    .split(';')
    .filter(Boolean);
const count = (f: (s: GuestSeed) => boolean) => SEEDS.filter(f).length;

/** What is sent: the text content plus the structured content. */
function answerBytes(r: CallToolResult): number {
  return Buffer.byteLength(textOf(r)) + Buffer.byteLength(JSON.stringify(r.structuredContent));
}

describe('get_cluster_resources on 10,000 guests', () => {
  let h: Harness;
  const call = async (args: Record<string, unknown>): Promise<Answer & { r: CallToolResult }> => {
    const r = await h.call('get_cluster_resources', args);
    expect(r.isError, textOf(r)).toBeFalsy();
    return { ...(r.structuredContent as unknown as Answer), r };
  };
  /** Every row id in answer order, by paging with the smallest rows. */
  let everyId: Promise<string[]> | undefined;
  const pageThroughIds = (): Promise<string[]> =>
    (everyId ??= (async () => {
      const ids: string[] = [];
      let offset: number | undefined = 0;
      while (offset !== undefined) {
        const page = await call({ fields: ['id'], limit: 2000, offset });
        expect(page.resources.length).toBeGreaterThan(0);
        ids.push(...page.resources.map((row) => String(row.id)));
        offset = page.next_offset;
      }
      return ids;
    })());

  beforeAll(async () => {
    h = await startHarness({ clusters: [{ name: 'big', sim: { seed: SPEC } }] });
  });
  afterAll(async () => h?.close());

  it('answers with no arguments in under 20 KB: totals, the first rows and how to reach the rest', async () => {
    const a = await call({});
    expect(answerBytes(a.r)).toBeLessThan(20_000);
    expect(JSON.stringify(a.r).length).toBeLessThan(20_480); // the whole tools/call result
    expect(a.resources.length).toBeGreaterThan(10);
    expect(a.resources.length).toBeLessThan(a.total);
    expect(a).toMatchObject({ offset: 0, truncated: true, next_offset: a.resources.length });
    const text = textOf(a.r);
    expect(text).toMatch(/^\d+ resources match on cluster "big": 16 nodes \(16 online\); \d+ VMs \(qemu\)/);
    expect(text).toContain(`Rows 1-${a.resources.length} of ${a.total} (cut to keep the answer small).`);
    expect(text).toContain(`the same call with offset ${a.resources.length}`);
    expect(text).toMatch(/Or narrow .*type .*node \("pve01".*status .*pool .*tag .*name .*vmid/);
  });

  it('totals the whole fleet exactly, by type, status, node, pool and tag', async () => {
    const a = await call({ type: 'vm', limit: 1, fields: ['vmid'] });
    expect(a.total).toBe(10_000);
    const running = (t: string) => count((s) => s.type === t && s.running);
    const stopped = (t: string) => count((s) => s.type === t && !s.running);
    expect(a.counts).toEqual({
      qemu: count((s) => s.type === 'qemu'),
      lxc: count((s) => s.type === 'lxc'),
      'qemu:running': running('qemu'),
      'qemu:stopped': stopped('qemu'),
      'lxc:running': running('lxc'),
      'lxc:stopped': stopped('lxc'),
    });
    expect(a.by_status).toEqual({ running: count((s) => s.running), stopped: count((s) => !s.running) });
    expect(a.templates).toBe(count((s) => s.config.template === 1));
    for (const node of NODES) {
      const on = (t: string) => count((s) => nodeOf(s) === node && s.type === t);
      expect(a.by_node[node], node).toEqual({ qemu: on('qemu'), lxc: on('lxc') });
    }
    for (const [pool, n] of Object.entries(a.by_pool)) expect(n, pool).toBe(count((s) => s.pool === pool));
    expect(Object.keys(a.by_pool).sort()).toEqual([...new Set(SEEDS.flatMap((s) => s.pool ?? []))].sort());
    for (const [tag, n] of Object.entries(a.by_tag))
      expect(n, tag).toBe(count((s) => tagsOf(s).includes(tag)));
  });

  it('paging from offset 0 to the end visits every one of the 10,000 VMIDs exactly once', async () => {
    const vmids: number[] = [];
    let offset: number | undefined = 0;
    let pages = 0;
    while (offset !== undefined) {
      const page = await call({ type: 'vm', fields: ['vmid'], limit: 2000, offset });
      expect(page.offset).toBe(offset);
      vmids.push(...page.resources.map((row) => Number(row.vmid)));
      offset = page.next_offset;
      pages++;
    }
    expect(pages).toBe(5);
    expect(vmids).toEqual(SEEDS.map((s) => s.vmid)); // in VMID order, none twice, none missing
  }, 60_000);

  it('pages of the unfiltered list follow each other without gap or repeat', async () => {
    const ids = await pageThroughIds();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => /^(qemu|lxc)\//.test(id))).toHaveLength(10_000);
    // The small default pages cut the same order: page 2 starts where page 1 ended.
    const first = await call({});
    const second = await call({ offset: first.next_offset });
    expect(first.resources.map((r) => r.id)).toEqual(ids.slice(0, first.resources.length));
    expect(second.resources.map((r) => r.id)).toEqual(
      ids.slice(first.resources.length, first.resources.length + second.resources.length),
    );
    expect(answerBytes(second.r)).toBeLessThan(20_000);
    // And the last page ends the list.
    const last = await call({ offset: ids.length - 3 });
    expect(last.resources.map((r) => r.id)).toEqual(ids.slice(-3));
    expect(last.next_offset).toBeUndefined();
    expect(last.truncated).toBe(false);
  }, 60_000);

  it('filters give exact counts', async () => {
    const cases: Array<[Record<string, unknown>, number]> = [
      [{ type: 'qemu' }, count((s) => s.type === 'qemu')],
      [{ type: 'lxc', status: 'running' }, count((s) => s.type === 'lxc' && s.running)],
      [{ type: 'vm', node: 'pve03' }, count((s) => nodeOf(s) === 'pve03')],
      [{ type: 'vm', pool: 'prod' }, count((s) => s.pool === 'prod')],
      [{ tag: 'WEB' }, count((s) => tagsOf(s).includes('web'))],
      [{ type: 'vm', name: 'db-prod' }, count((s) => nameOf(s).includes('db-prod'))],
      [
        { type: 'qemu', node: 'pve05', status: 'stopped', tag: 'k8s' },
        count((s) => s.type === 'qemu' && nodeOf(s) === 'pve05' && !s.running && tagsOf(s).includes('k8s')),
      ],
    ];
    for (const [args, expected] of cases) {
      const a = await call({ ...args, limit: 1, fields: ['vmid'] });
      expect(expected, JSON.stringify(args)).toBeGreaterThan(0);
      expect(a.total, JSON.stringify(args)).toBe(expected);
    }
  }, 60_000);

  it('finds one guest by VMID with its node', async () => {
    const seed = SEEDS[7777]!;
    const a = await call({ vmid: seed.vmid });
    expect(a.total).toBe(1);
    expect(a.resources[0]).toMatchObject({ vmid: seed.vmid, node: nodeOf(seed), name: nameOf(seed) });
  });

  it('an explicit limit buys bigger pages, still within 48 KB of text and of structured content', async () => {
    const a = await call({ type: 'vm', limit: 2000 });
    expect(Buffer.byteLength(textOf(a.r))).toBeLessThanOrEqual(48_000);
    expect(Buffer.byteLength(JSON.stringify(a.r.structuredContent))).toBeLessThanOrEqual(48_000);
    expect(a.resources.length).toBeGreaterThan(100);
    expect(a.resources.length).toBeLessThan(2000);
    expect(a.next_offset).toBe(a.resources.length);
    expect(textOf(a.r)).toContain(`offset ${a.resources.length}`);
  });
});

describe('get_cluster_resources across clusters with 10,000 and 2,000 guests', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      clusters: [
        { name: 'big', sim: { seed: { guests: 10_000 } } },
        { name: 'mid', sim: { seed: { guests: 2_000 } } },
      ],
    });
  });
  afterAll(async () => h?.close());

  it('keeps the same 20 KB budget for cluster "*" and totals each cluster', async () => {
    const r = await h.call('get_cluster_resources', { cluster: '*', type: 'vm' });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(answerBytes(r)).toBeLessThan(20_000);
    const a = r.structuredContent as unknown as Answer;
    expect(a.total).toBe(12_000);
    expect(a.by_cluster).toEqual({ big: 10_000, mid: 2_000 });
    expect(Object.keys(a.by_node)).toContain('mid/pve01');
    expect(a.resources[0]).toMatchObject({ cluster: 'big', vmid: 100 });
    // The last page holds the other cluster's guests.
    const last = await h.call('get_cluster_resources', { cluster: '*', type: 'vm', offset: 11_999 });
    expect((last.structuredContent as unknown as Answer).resources).toEqual([
      expect.objectContaining({ cluster: 'mid', vmid: generateGuestSeeds({ guests: 2000 }, 4).at(-1)!.vmid }),
    ]);
  }, 30_000);
});
