import { z } from 'zod';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDefinition } from './types.js';

export interface RegisteredTool {
  definition: ToolDefinition;
  /** Full input schema: the tool's own fields plus the cross-cutting `cluster` argument. */
  inputSchema: z.ZodObject;
  listing: Tool;
}

/**
 * Turns the flat tool list into what a server exposes for this configuration: read-only variants when
 * every cluster is read-only (decided from the annotations alone), the `cluster` argument added in one
 * place with the valid names and the default spelled out, and an optional name filter.
 */
export function buildToolSet(
  defs: ToolDefinition[],
  registry: ClusterView,
  enabled?: string[],
): RegisteredTool[] {
  const readOnly = registry.allReadOnly;
  const visible = defs
    .map((d) => (readOnly && !d.annotations.readOnlyHint ? d.readOnlyVariant?.() : d))
    .filter((d): d is ToolDefinition => d !== undefined)
    .filter((d) => !enabled || enabled.includes(d.name));
  return visible.map((definition) => {
    const inputSchema = z.object({ ...clusterField(definition, registry), ...definition.input }).strict();
    const listing: Tool = {
      name: definition.name,
      title: definition.title,
      description: definition.description,
      inputSchema: toJsonSchema(inputSchema, 'input') as Tool['inputSchema'],
      ...(definition.output
        ? { outputSchema: toJsonSchema(definition.output, 'output') as Tool['outputSchema'] }
        : {}),
      annotations: { title: definition.title, ...definition.annotations },
    };
    return { definition, inputSchema, listing };
  });
}

/** What the tool set needs to know about the clusters; docs pass an empty view. */
export interface ClusterView {
  names: string[];
  defaultCluster?: string;
  allReadOnly: boolean;
}

function clusterField(def: ToolDefinition, view: ClusterView): Record<string, z.ZodType> {
  if (def.cluster === 'none') return {};
  const names = view.names;
  const star = def.cluster === 'multi' ? ', or "*" for every cluster at once' : '';
  const valid =
    names.length === 0
      ? 'A name from clusters.json'
      : names.length === 1
        ? `The only cluster is "${names[0]}"`
        : `One of: ${names.join(', ')}`;
  const dflt = view.defaultCluster ? `the default ("${view.defaultCluster}")` : 'the default cluster';
  return {
    cluster: z.string().max(100).optional().describe(`Cluster name. ${valid}${star}. Omit to use ${dflt}.`),
  };
}

export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}
