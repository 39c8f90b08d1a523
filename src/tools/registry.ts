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
  return defs
    .map((d) => registered(d, registry))
    .filter((t): t is RegisteredTool => t !== undefined)
    .filter((t) => !enabled || enabled.includes(t.definition.name));
}

/**
 * Built tools by original definition and cluster view. Converting zod schemas to JSON Schema is the
 * costliest part of creating a server, and the HTTP transport creates one per session: the result
 * depends only on the definition and the view, so it is made once per process (the views seen are a
 * handful, and the entries are never changed after they are made).
 */
const built = new WeakMap<ToolDefinition, Map<string, RegisteredTool | null>>();

function registered(original: ToolDefinition, view: ClusterView): RegisteredTool | undefined {
  const key = JSON.stringify([view.allReadOnly, view.defaultCluster ?? null, view.names]);
  let perView = built.get(original);
  if (!perView) built.set(original, (perView = new Map()));
  let tool = perView.get(key);
  if (tool === undefined) {
    const definition =
      view.allReadOnly && !original.annotations.readOnlyHint ? original.readOnlyVariant?.() : original;
    tool = definition ? build(definition, view) : null;
    perView.set(key, tool);
  }
  return tool ?? undefined;
}

function build(definition: ToolDefinition, view: ClusterView): RegisteredTool {
  const inputSchema = z.object({ ...clusterField(definition, view), ...definition.input }).strict();
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
  // Shared by every session of the process: nobody may change it.
  return { definition, inputSchema, listing: deepFreeze(listing) };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
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
