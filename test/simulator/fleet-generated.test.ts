import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateGuestSeeds, generatedNodeNames } from '../../src/simulator/testing/fleet-generated.js';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { SimClient, sharedExists, sharedPve } from './helpers.js';

type Row = Record<string, unknown>;

/**
 * The generated large fleet (`seed: { guests }`): deterministic, a realistic mix, and rows shaped like the
 * recorded PVE /cluster/resources answers, so scale tests and benchmarks measure honest payloads.
 */
describe('a generated fleet', () => {
  let sim: Simulator;
  let c: SimClient;
  const spec = { guests: 1500 };
  beforeAll(async () => {
    sim = await startSimulator({ seed: spec });
    c = new SimClient(sim);
  });
  afterAll(async () => {
    await c.close();
    await sim.close();
  });

  it('is the same on every run, and a different size is a different fleet', () => {
    const a = generateGuestSeeds(spec, 3);
    expect(generateGuestSeeds(spec, 3)).toEqual(a);
    expect(generateGuestSeeds({ guests: 1501 }, 3).map((s) => s.vmid)).not.toEqual(a.map((s) => s.vmid));
    expect(new Set(a.map((s) => s.vmid)).size).toBe(a.length);
  });

  it('spreads a realistic mix over generated nodes', async () => {
    expect(generatedNodeNames({ guests: 10_000 })).toHaveLength(16);
    expect(generatedNodeNames({ guests: 10, nodes: 8 })).toEqual([
      'pve01',
      'pve02',
      'pve03',
      'pve04',
      'pve05',
      'pve06',
      'pve07',
      'pve08',
    ]);
    const vms = await c.data<Row[]>('GET', '/cluster/resources?type=vm');
    expect(vms).toHaveLength(spec.guests);
    const share = (f: (r: Row) => boolean) => vms.filter(f).length / vms.length;
    expect(share((r) => r.type === 'qemu')).toBeGreaterThan(0.5);
    expect(share((r) => r.type === 'lxc')).toBeGreaterThan(0.3);
    expect(share((r) => r.status === 'running')).toBeGreaterThan(0.6);
    expect(share((r) => r.template === 1)).toBeGreaterThan(0.01);
    expect(share((r) => typeof r.pool === 'string')).toBeGreaterThan(0.4);
    expect(share((r) => typeof r.tags === 'string')).toBeGreaterThan(0.4);
    expect(new Set(vms.map((r) => r.node))).toEqual(new Set(generatedNodeNames(spec)));
    // Pools named by guests exist as pool entries, as PVE would list them.
    const all = await c.data<Row[]>('GET', '/cluster/resources');
    const pools = new Set(all.filter((r) => r.type === 'pool').map((r) => r.pool));
    for (const r of vms) if (r.pool !== undefined) expect(pools).toContain(r.pool);
  });

  it.skipIf(!sharedExists)(
    `has guest rows with the keys and JSON types of recorded PVE rows${sharedExists ? '' : ' (skipped: ../shared/pve not present; CI provides it)'}`,
    async () => {
      const samples = ['cluster_resources.json', 'cluster_resources_type_vm.json'].flatMap(
        (f) => (JSON.parse(readFileSync(path.join(sharedPve, 'samples', f), 'utf8')) as { data: Row[] }).data,
      );
      const vms = await c.data<Row[]>('GET', '/cluster/resources?type=vm');
      for (const type of ['qemu', 'lxc']) {
        const sample = samples.find((r) => r.type === type)!;
        const ours = vms.filter((r) => r.type === type);
        for (const [key, value] of Object.entries(sample)) {
          for (const r of ours.slice(0, 50)) expect(typeof r[key], `${type} ${key}`).toBe(typeof value);
        }
      }
    },
  );
});
