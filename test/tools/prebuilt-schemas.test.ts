import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toolSchemas } from '../../src/build/tool-schemas.js';
import { allTools, type ToolDefinition } from '../../src/tools/index.js';
import { buildToolSet, CLUSTER_DESCRIPTION_SLOT, type ClusterView } from '../../src/tools/registry.js';

/**
 * The bundle lists tools from JSON Schemas the build generated (src/build/tool-schemas.ts, run by
 * tsup.config.ts) instead of converting the zod schemas at start-up. The listing must be exactly what
 * run-time conversion gives, in every mode: what differs per configuration (the `cluster` argument's
 * description, read-only forms, the tools filter) is composed at run time around the static part.
 */
const prebuilt = toolSchemas(allTools);

const modes: Array<[string, ClusterView, string[] | undefined]> = [
  ['default: one cluster', { names: ['pve'], defaultCluster: 'pve', allReadOnly: false }, undefined],
  [
    'multi-cluster, default not the first',
    { names: ['alpha', 'beta', 'gamma'], defaultCluster: 'beta', allReadOnly: false },
    undefined,
  ],
  ['read-only', { names: ['pve'], defaultCluster: 'pve', allReadOnly: true }, undefined],
  [
    'read-only, multi-cluster',
    { names: ['alpha', 'beta'], defaultCluster: 'alpha', allReadOnly: true },
    undefined,
  ],
  [
    'tools filter',
    { names: ['alpha', 'beta'], defaultCluster: 'alpha', allReadOnly: false },
    ['list_nodes', 'get_guest', 'proxmox_api_call', 'list_clusters'],
  ],
  [
    'tools filter, read-only',
    { names: ['pve'], defaultCluster: 'pve', allReadOnly: true },
    ['proxmox_api_call'],
  ],
  ['no clusters (the docs)', { names: [], allReadOnly: false }, undefined],
  // JSON escapes and String.replace patterns ($&, $') in a name must reach the description verbatim.
  [
    'names that need escaping',
    { names: ['a"b\\c', "x$&y$'z"], defaultCluster: "x$&y$'z", allReadOnly: false },
    undefined,
  ],
];

const listing = (view: ClusterView, enabled: string[] | undefined, source: typeof prebuilt | null) =>
  JSON.stringify(buildToolSet(allTools, view, enabled, source).map((t) => t.listing));

describe('tools/list from the build-time JSON Schemas', () => {
  it('covers every tool, and the read-only form of each tool that has one', () => {
    const withVariant = allTools.filter((t) => !t.annotations.readOnlyHint && t.readOnlyVariant?.());
    expect(Object.keys(prebuilt).sort()).toEqual(
      [...allTools.map((t) => t.name), ...withVariant.map((t) => `${t.name} read-only`)].sort(),
    );
    expect(withVariant.length).toBeGreaterThan(0);
  });

  it.each(modes)('%s: byte-identical to converting at run time', (_mode, view, enabled) => {
    const fromBuild = listing(view, enabled, prebuilt);
    expect(fromBuild).toBe(listing(view, enabled, null));
    expect(fromBuild).not.toContain(CLUSTER_DESCRIPTION_SLOT);
  });

  it.each(modes)('%s: the arguments are checked by the same zod schema', (_mode, view, enabled) => {
    const fromBuild = buildToolSet(allTools, view, enabled, prebuilt);
    const converted = buildToolSet(allTools, view, enabled, null);
    expect(fromBuild.map((t) => t.definition.name)).toEqual(converted.map((t) => t.definition.name));
    fromBuild.forEach((t, i) => {
      const reference = converted[i]!.inputSchema;
      expect(toJson(t.inputSchema), t.definition.name).toEqual(toJson(reference));
      for (const args of [{}, { cluster: view.names[0] ?? 'x' }, { unknown: 1 }, { vmid: 'nope' }]) {
        expect(t.inputSchema.safeParse(args).success, JSON.stringify(args)).toBe(
          reference.safeParse(args).success,
        );
      }
    });
  });

  it('is used only for the tool it was made from: another tool of the same name converts its own', () => {
    const impostor: ToolDefinition = {
      ...allTools.find((t) => t.name === 'list_nodes')!,
      description: 'A test tool that took the name list_nodes, with a field of its own.',
      input: { extra: z.string().describe('only here') },
    };
    const view: ClusterView = { names: ['pve'], defaultCluster: 'pve', allReadOnly: false };
    const [tool] = buildToolSet([impostor], view, undefined, prebuilt);
    expect(JSON.stringify(tool!.listing.inputSchema)).toContain('only here');
  });
});

function toJson(schema: z.ZodType): string {
  return JSON.stringify(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }));
}
