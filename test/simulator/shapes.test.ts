import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { SimClient, sharedExists, sharedPve } from './helpers.js';

/**
 * The simulator's payloads against recorded PVE responses (../shared/pve/samples): every key a sample has
 * must appear, with the same JSON type, in the simulator's answer to the same endpoint. Extra keys are fine
 * (newer PVE versions add fields). Documented differences are passed as `allow`.
 */
interface Shape {
  kinds: Set<string>;
  keys?: Map<string, Shape>;
  items?: Shape;
}

/** Objects whose keys are names (disks, tap devices), compared by their values' shape. */
const DYNAMIC = new Set(['blockstat', 'nics']);

function shapeOf(value: unknown, key = ''): Shape {
  if (value === null) return { kinds: new Set(['null']) };
  if (Array.isArray(value))
    return { kinds: new Set(['array']), items: value.map((v) => shapeOf(v)).reduce(merge, undefined) };
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (DYNAMIC.has(key))
      return {
        kinds: new Set(['object']),
        items: entries.map(([, v]) => shapeOf(v)).reduce(merge, undefined),
      };
    return { kinds: new Set(['object']), keys: new Map(entries.map(([k, v]) => [k, shapeOf(v, k)])) };
  }
  return { kinds: new Set([typeof value]) };
}

function merge(a: Shape | undefined, b: Shape): Shape {
  if (!a) return b;
  const keys = new Map(a.keys ?? []);
  for (const [k, s] of b.keys ?? []) keys.set(k, merge(keys.get(k), s));
  const items = b.items ? merge(a.items, b.items) : a.items;
  return {
    kinds: new Set([...a.kinds, ...b.kinds]),
    ...(a.keys || b.keys ? { keys } : {}),
    ...(items ? { items } : {}),
  };
}

/** Fails listing every key the simulator misses or types differently. */
function expectCovers(
  sample: Shape,
  sim: Shape,
  where: string,
  allow: Record<string, string> = {},
  problems: string[] = [],
): string[] {
  const kinds = [...sample.kinds].filter((k) => k !== 'null').map((k) => allow[`${where}:${k}`] ?? k);
  for (const k of kinds)
    if (!sim.kinds.has(k))
      problems.push(`${where}: sample is ${k}, simulator is ${[...sim.kinds].join('|')}`);
  for (const [key, s] of sample.keys ?? []) {
    const other = sim.keys?.get(key);
    if (!other) problems.push(`${where}.${key}: missing`);
    else expectCovers(s, other, `${where}.${key}`, allow, problems);
  }
  if (sample.items && sim.items) expectCovers(sample.items, sim.items, `${where}[]`, allow, problems);
  return problems;
}

function compare(sample: unknown, sim: unknown, allow: Record<string, string> = {}): void {
  expect(expectCovers(shapeOf(sample), shapeOf(sim), 'data', allow)).toEqual([]);
}

/** For mixed lists (resources, interfaces): compare items grouped by their `type`. */
function compareByType(sample: unknown[], sim: unknown[], allow: Record<string, string> = {}): void {
  const group = (items: unknown[]): Map<string, unknown[]> => {
    const m = new Map<string, unknown[]>();
    for (const item of items) {
      const t = String((item as { type?: unknown }).type);
      m.set(t, [...(m.get(t) ?? []), item]);
    }
    return m;
  };
  const simGroups = group(sim);
  for (const [type, items] of group(sample)) {
    expect(simGroups.has(type), `simulator has no '${type}' items`).toBe(true);
    compare(items, simGroups.get(type), allow);
  }
}

const sampleData = (file: string): unknown =>
  (JSON.parse(readFileSync(path.join(sharedPve, 'samples', file), 'utf8')) as { data: unknown }).data;

describe.skipIf(!sharedExists)(
  'payload shapes match the recorded samples (skipped: ../shared/pve not present; CI provides it)',
  () => {
    let sim: Simulator;
    let c: SimClient;
    beforeAll(async () => {
      sim = await startSimulator({ taskDurationMs: 20 });
      c = new SimClient(sim);
    });
    afterAll(async () => {
      await c.close();
      await sim.close();
    });

    it('GET /cluster/resources (cluster_resources.json, cluster_resources_type_vm.json)', async () => {
      compareByType(
        sampleData('cluster_resources.json') as unknown[],
        await c.data('GET', '/cluster/resources'),
      );
      compareByType(
        sampleData('cluster_resources_type_vm.json') as unknown[],
        await c.data('GET', '/cluster/resources?type=vm'),
      );
    });

    it('GET /nodes (nodes.json)', async () => {
      compare(sampleData('nodes.json'), await c.data('GET', '/nodes'));
    });

    it('GET /nodes/{node}/status (node_status_pve7.json)', async () => {
      compare(sampleData('node_status_pve7.json'), await c.data('GET', '/nodes/pve1/status'));
    });

    it('GET /cluster/status (cluster_status.json; the 3-node sample was hand-edited to true/false)', async () => {
      const live = await c.data<unknown[]>('GET', '/cluster/status');
      compareByType(sampleData('cluster_status.json') as unknown[], live);
      compareByType(sampleData('cluster_status_3node.json') as unknown[], live, {
        'data[].quorate:boolean': 'number',
        'data[].local:boolean': 'number',
        'data[].online:boolean': 'number',
      });
    });

    it('GET /nodes/{node}/qemu (qemu_list.json)', async () => {
      compare(sampleData('qemu_list.json'), await c.data('GET', '/nodes/pve1/qemu'));
    });

    it('GET /nodes/{node}/lxc (lxc_list.json): vmid is a string before PVE 8.1, an integer after', async () => {
      const sample = sampleData('lxc_list.json');
      compare(sample, await c.data('GET', '/nodes/pve1/lxc'), { 'data[].vmid:string': 'number' });
      const old = await startSimulator({ version: '8.0.4' });
      const oc = new SimClient(old);
      try {
        compare(sample, await oc.data('GET', '/nodes/pve1/lxc'));
      } finally {
        await oc.close();
        await old.close();
      }
    });

    it('GET /nodes/{node}/qemu/{vmid}/status/current of a running VM (qemu_status_current_running.json)', async () => {
      compare(
        sampleData('qemu_status_current_running.json'),
        await c.data('GET', '/nodes/pve1/qemu/100/status/current'),
      );
    });

    it('GET /nodes/{node}/tasks, task status and log (node_tasks_list.json, task_*_vzdump.json)', async () => {
      const tasks = await c.data<Array<{ upid: string; type: string }>>('GET', '/nodes/pve1/tasks');
      compare(sampleData('node_tasks_list.json'), tasks);
      const vzdump = tasks.find((t) => t.type === 'vzdump')?.upid ?? '';
      const enc = encodeURIComponent(vzdump);
      compare(sampleData('task_status_vzdump.json'), await c.data('GET', `/nodes/pve1/tasks/${enc}/status`));
      const log = await c.data<Array<{ t: string }>>('GET', `/nodes/pve1/tasks/${enc}/log`);
      compare(sampleData('task_log_vzdump.json'), log);
      expect(log.at(-1)?.t).toBe('TASK OK');
    });

    it('GET /pools/{poolid} (pool_get.json) and /nodes/{node}/network (node_network.json)', async () => {
      const pool = sampleData('pool_get.json') as { members: unknown[] };
      const live = await c.data<{ members: unknown[] }>('GET', '/pools/prod');
      compareByType(pool.members, live.members);
      compare({ comment: 'x' }, { comment: (live as { comment?: string }).comment });
      compareByType(
        sampleData('node_network.json') as unknown[],
        await c.data<unknown[]>('GET', '/nodes/pve1/network'),
      );
    });
  },
);
