import { afterEach, describe, expect, it, vi } from 'vitest';
import { toolSchemas } from '../../src/build/tool-schemas.js';
import { allTools, type ToolDefinition } from '../../src/tools/index.js';
import { standIns, toolLoader } from '../../src/tools/lazy-tools.js';
import { buildToolSet, type ClusterView } from '../../src/tools/registry.js';
import { startHarness, type Harness } from '../helpers/harness.js';

/**
 * The bundle lists stand-ins (src/tools/lazy-catalog.ts and lazy-tools.ts, swapped in by src/build/lazy-tools-plugin.ts):
 * the build's metadata and schemas, with each tool's code imported on its first call. Listing and
 * calling through them must be exactly what the full definitions give.
 */
const prebuilt = toolSchemas(allTools);

/** Stand-ins whose loaders count how often each tool's code was asked for. */
function counted(): { tools: ToolDefinition[]; loads: Record<string, number> } {
  const loads: Record<string, number> = {};
  const loader = (name: string) => () => {
    loads[name] = (loads[name] ?? 0) + 1;
    return toolLoader(name)();
  };
  return { tools: standIns(prebuilt, loader), loads };
}

const views: Array<[string, ClusterView, string[] | undefined]> = [
  ['one cluster', { names: ['pve'], defaultCluster: 'pve', allReadOnly: false }, undefined],
  ['multi-cluster', { names: ['a', 'b'], defaultCluster: 'b', allReadOnly: false }, undefined],
  ['read-only', { names: ['pve'], defaultCluster: 'pve', allReadOnly: true }, undefined],
  ['tools filter', { names: ['a', 'b'], defaultCluster: 'a', allReadOnly: true }, ['proxmox_api_call']],
  ['no clusters (the docs)', { names: [], allReadOnly: false }, undefined],
];

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('the lazy tool catalog', () => {
  it('loads every tool by name as that very definition, and no tool it does not have', async () => {
    for (const t of allTools) expect(await toolLoader(t.name)()).toBe(t);
    await expect(toolLoader('no_such_tool')()).rejects.toThrow(/no tool no_such_tool/);
  });

  it('stand-ins carry the static metadata, in the registry order', () => {
    const { tools } = counted();
    expect(tools.map((t) => [t.name, t.title, t.description, t.annotations, t.cluster])).toEqual(
      allTools.map((t) => [t.name, t.title, t.description, t.annotations, t.cluster]),
    );
    expect(tools.map((t) => !!t.readOnlyVariant)).toEqual(
      allTools.map((t) => !t.annotations.readOnlyHint && !!t.readOnlyVariant?.()),
    );
  });

  it.each(views)(
    '%s: tools/list byte-identical to the full definitions, loading no tool code',
    (_m, view, enabled) => {
      const { tools, loads } = counted();
      const lazy = JSON.stringify(buildToolSet(tools, view, enabled, prebuilt).map((t) => t.listing));
      const full = JSON.stringify(buildToolSet(allTools, view, enabled, null).map((t) => t.listing));
      expect(lazy).toBe(full);
      expect(loads).toEqual({});
    },
  );

  it("loads a tool's code on its first call only, and answers as the full definition does", async () => {
    const { tools, loads } = counted();
    h = await startHarness({ tools });
    const listed = await h.client.listTools();
    expect(listed.tools.map((t) => t.name)).toEqual(allTools.map((t) => t.name));
    expect(loads).toEqual({});
    const first = await h.call('list_nodes');
    const second = await h.call('list_nodes');
    expect(first.isError).toBeFalsy();
    expect(second.isError).toBeFalsy();
    const invalid = await h.call('get_guest', { vmid: 'x', bogus: 1 });
    expect(loads).toEqual({ list_nodes: 1, get_guest: 1 });
    await h.close();
    h = await startHarness({ tools: allTools });
    // Node figures (uptime, load) move between calls: the same answer means the same fields.
    const nodes = (r: typeof first) => (r.structuredContent as { nodes: object[] }).nodes.map(Object.keys);
    expect(nodes(await h.call('list_nodes'))).toEqual(nodes(first));
    expect(await h.call('get_guest', { vmid: 'x', bogus: 1 })).toEqual(invalid);
  });

  it("with the stdio command's warm-up, loads the tools' code after initialized, before any call", async () => {
    const { tools, loads } = counted();
    h = await startHarness({ tools, warmUp: true });
    await h.client.listTools();
    await vi.waitFor(() => expect(Object.keys(loads).sort()).toEqual(allTools.map((t) => t.name).sort()), {
      timeout: 3000,
    });
    expect(Object.values(loads).every((n) => n === 1)).toBe(true);
    expect((await h.call('list_nodes')).isError).toBeFalsy();
    expect(loads.list_nodes).toBe(1);
  });

  it('read-only: the stand-in of a write tool runs its read-only form (GET only)', async () => {
    const { tools, loads } = counted();
    const post = { method: 'POST', path: '/nodes/pve1/qemu/100/status/start' };
    h = await startHarness({ readOnlySource: '--read-only', tools });
    const lazy = await h.call('proxmox_api_call', post);
    const get = await h.call('proxmox_api_call', { method: 'GET', path: '/version' });
    expect(loads).toEqual({ proxmox_api_call: 1 });
    expect(get.isError).toBeFalsy();
    await h.close();
    h = await startHarness({ readOnlySource: '--read-only', tools: allTools });
    const full = await h.call('proxmox_api_call', post);
    expect(lazy).toEqual(full);
    expect(full.content).toEqual([
      expect.objectContaining({
        text: expect.stringMatching(/^refused POST \S+: cluster "demo" is read-only/),
      }),
    ]);
  });
});
