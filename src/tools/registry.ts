import { z } from 'zod';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { prebuiltToolSchemas } from '../build/prebuilt-tool-schemas.js';
import type { PrebuiltSchemas } from '../build/prebuilt-types.js';
import type { ToolDefinition } from './types.js';

export interface RegisteredTool {
  definition: ToolDefinition;
  /**
   * Full input schema: the tool's own fields plus the cross-cutting `cluster` argument. Made on first
   * use (a tool's first call) when the listing came prebuilt, so start-up builds no zod objects for it.
   */
  readonly inputSchema: z.ZodObject;
  listing: Tool;
  /**
   * For a stand-in (ToolDefinition.load): the tool registered from its full definition, loaded once on
   * first call. run-tool.ts runs that one.
   */
  implementation?: () => Promise<RegisteredTool>;
}

/**
 * Turns the flat tool list into what a server exposes for this configuration: read-only variants when
 * every cluster is read-only (decided from the annotations alone), the `cluster` argument added in one
 * place with the valid names and the default spelled out, and an optional name filter.
 * `prebuilt` is the build's JSON Schemas (src/build/tool-schemas.ts); tests pass `null` to convert.
 */
export function buildToolSet(
  defs: ToolDefinition[],
  registry: ClusterView,
  enabled?: string[],
  prebuilt: PrebuiltSource = prebuiltToolSchemas ?? null,
): RegisteredTool[] {
  return defs
    .map((d) => registered(d, registry, prebuilt))
    .filter((t): t is RegisteredTool => t !== undefined)
    .filter((t) => !enabled || enabled.includes(t.definition.name));
}

type PrebuiltSource = Record<string, PrebuiltSchemas> | null;

/**
 * Built tools by original definition and cluster view. Converting zod schemas to JSON Schema is the
 * costliest part of creating a server, and the HTTP transport creates one per session: the result
 * depends only on the definition and the view, so it is made once per process (the views seen are a
 * handful, and the entries are never changed after they are made).
 */
const built = new WeakMap<ToolDefinition, Map<string, RegisteredTool | null>>();

function registered(
  original: ToolDefinition,
  view: ClusterView,
  prebuilt: PrebuiltSource,
): RegisteredTool | undefined {
  const key = JSON.stringify([view.allReadOnly, view.defaultCluster ?? null, view.names, prebuilt !== null]);
  let perView = built.get(original);
  if (!perView) built.set(original, (perView = new Map()));
  let tool = perView.get(key);
  if (tool === undefined) {
    const definition =
      view.allReadOnly && !original.annotations.readOnlyHint ? original.readOnlyVariant?.() : original;
    const schemas =
      definition && (definition.schemas ?? prebuilt?.[prebuiltKey(definition.name, definition !== original)]);
    tool = definition
      ? build(definition, view, schemas && matches(schemas, definition) ? schemas : undefined)
      : null;
    perView.set(key, tool);
  }
  return tool ?? undefined;
}

/** The build's schemas are by name: a different tool that took the name (a test's) converts its own. */
function matches(schemas: PrebuiltSchemas, definition: ToolDefinition): boolean {
  return schemas.title === definition.title && schemas.description === definition.description;
}

function build(definition: ToolDefinition, view: ClusterView, prebuilt?: PrebuiltSchemas): RegisteredTool {
  const cluster = clusterDescription(definition, view);
  if (definition.load && !prebuilt)
    throw new Error(`${definition.name}: a stand-in needs the build's schemas`);
  let inputSchema = prebuilt ? undefined : inputObject(definition, cluster);
  const listing: Tool = {
    name: definition.name,
    title: definition.title,
    description: definition.description,
    inputSchema: (prebuilt
      ? parseFilled(prebuilt.input, cluster)
      : toJsonSchema(inputSchema!, 'input')) as Tool['inputSchema'],
    // A stand-in has no zod output schema: the build's record says whether the tool has one.
    ...(prebuilt?.output !== undefined
      ? { outputSchema: JSON.parse(prebuilt.output) as Tool['outputSchema'] }
      : !prebuilt && definition.output
        ? { outputSchema: toJsonSchema(definition.output, 'output') as Tool['outputSchema'] }
        : {}),
    annotations: { title: definition.title, ...definition.annotations },
  };
  // Shared by every session of the process: nobody may change it.
  deepFreeze(listing);
  const load = definition.load;
  let implementation: Promise<RegisteredTool> | undefined;
  return {
    definition,
    get inputSchema() {
      if (load) throw new Error(`${definition.name} is not loaded yet`);
      return (inputSchema ??= inputObject(definition, cluster));
    },
    listing,
    ...(load
      ? {
          implementation: () =>
            (implementation ??= load().then((full) => {
              let fullSchema: z.ZodObject | undefined;
              return {
                definition: full,
                get inputSchema() {
                  return (fullSchema ??= inputObject(full, cluster));
                },
                listing,
              };
            })),
        }
      : {}),
  };
}

/** The prebuilt input schema with this configuration's `cluster` description in its slot. */
function parseFilled(json: string, cluster: string | undefined): unknown {
  const text =
    cluster === undefined
      ? json
      : json.replace(CLUSTER_DESCRIPTION_SLOT, () => JSON.stringify(cluster).slice(1, -1));
  return JSON.parse(text);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Where a tool's schemas are in the build's record: by name, and apart for its read-only form. */
export function prebuiltKey(name: string, readOnlyVariant: boolean): string {
  return readOnlyVariant ? `${name} read-only` : name;
}

/** What the tool set needs to know about the clusters; docs pass an empty view. */
export interface ClusterView {
  names: string[];
  defaultCluster?: string;
  allReadOnly: boolean;
}

/**
 * Stands for the `cluster` argument's description in the build's schemas (src/build/tool-schemas.ts):
 * the description names the configured clusters, so it is filled in at run time. Plain ASCII, so it
 * reads the same in JSON text.
 */
export const CLUSTER_DESCRIPTION_SLOT = '@@proxmox-mcp:cluster-description@@';

/** The tool's input object: its own fields plus `cluster` (unless it takes none) described as given. */
export function inputObject(def: ToolDefinition, clusterDescription: string | undefined): z.ZodObject {
  const cluster =
    def.cluster === 'none' || clusterDescription === undefined
      ? {}
      : { cluster: z.string().max(100).optional().describe(clusterDescription) };
  return z.object({ ...cluster, ...def.input }).strict();
}

function clusterDescription(def: ToolDefinition, view: ClusterView): string | undefined {
  if (def.cluster === 'none') return undefined;
  const names = view.names;
  const star = def.cluster === 'multi' ? ', or "*" for every cluster at once' : '';
  const valid =
    names.length === 0
      ? 'A name from clusters.json'
      : names.length === 1
        ? `The only cluster is "${names[0]}"`
        : `One of: ${names.join(', ')}`;
  const dflt = view.defaultCluster ? `the default ("${view.defaultCluster}")` : 'the default cluster';
  return `Cluster name. ${valid}${star}. Omit to use ${dflt}.`;
}

export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}
