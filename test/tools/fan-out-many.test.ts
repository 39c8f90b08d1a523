import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';

/** `cluster: "*"` over many clusters: every one answered, and no listener-leak warning from Node. */
let sim: Simulator;
let h: Harness;
const warnings: string[] = [];
const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);

beforeAll(async () => {
  sim = await startSimulator();
  h = await startHarness({
    clusters: Array.from({ length: 20 }, (_, i) => ({ name: `c${i + 1}`, existing: sim })),
  });
  process.on('warning', onWarning);
});
afterAll(async () => {
  process.off('warning', onWarning);
  await h?.close();
  await sim?.close();
});

it('list_nodes over 20 clusters answers for each, without a MaxListenersExceededWarning', async () => {
  const r = await h.call('list_nodes', { cluster: '*' });
  expect(r.isError).toBeFalsy();
  const nodes = (r.structuredContent as { nodes: Array<{ cluster: string }> }).nodes;
  expect(new Set(nodes.map((n) => n.cluster)).size).toBe(20);
  await new Promise((resolve) => setTimeout(resolve, 20)); // warnings are emitted on the next tick
  expect(warnings).toEqual([]);
});
