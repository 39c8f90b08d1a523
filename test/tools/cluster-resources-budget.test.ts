import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/**
 * The default answer stays within its 20 KB budget even when the totals alone would not: six
 * clusters of 40 nodes with (absurdly) long names make the per-node breakdown big, so fewer nodes are listed
 * (the rest counted in "omitted").
 */
const nodes = (c: number) =>
  Array.from({ length: 40 }, (_, i) => `c${c}-node-${'x'.repeat(150)}-${String(i).padStart(2, '0')}`);
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    clusters: Array.from({ length: 6 }, (_, c) => ({
      name: `wide-cluster-number-${c}`,
      sim: { seed: { guests: 200 }, nodes: nodes(c) },
    })),
  });
});
afterAll(async () => h?.close());

it('fits 20 KB with long node names, and says how many nodes it left out', async () => {
  const r = await h.call('get_cluster_resources', { cluster: '*' });
  expect(r.isError).toBeFalsy();
  const bytes = Buffer.byteLength(textOf(r)) + Buffer.byteLength(JSON.stringify(r.structuredContent));
  expect(bytes).toBeLessThanOrEqual(20 * 1024);
  const s = r.structuredContent as { by_node: object; omitted?: { nodes?: number }; resources: unknown[] };
  expect(Object.keys(s.by_node).length + (s.omitted?.nodes ?? 0)).toBe(240);
  expect(s.resources.length).toBeGreaterThan(0);
});
