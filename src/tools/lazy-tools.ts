import type { PrebuiltToolSchemas } from '../build/prebuilt-types.js';
import { prebuiltKey } from './registry.js';
import type { ToolDefinition } from './types.js';

/**
 * A tool's full definition, from one dynamic import of the whole tool list: the bundler leaves the tool
 * modules (handlers, zod schemas) out of start-up, in one chunk loaded on the first call of any tool
 * (one chunk rather than one per tool: each entry point splits the shared modules into more start-up
 * files, and loading those cost more than it saved).
 */
export function toolLoader(name: string): () => Promise<ToolDefinition> {
  return () =>
    loadAll().then((all) => {
      const def = all.find((t) => t.name === name);
      if (!def) throw new Error(`no tool ${name} in the tool list`);
      return def;
    });
}

const loadAll = once(() => import('./index.js').then((m) => m.allTools));

/**
 * Stand-ins for the tools, in the build's order, made from the build's record (src/build/tool-schemas.ts):
 * name, title, description, annotations and cluster scope, and a read-only form where the tool has one.
 * `load` gives the full definition; the registry calls it on the tool's first call.
 */
export function standIns(
  prebuilt: PrebuiltToolSchemas,
  loader: (name: string) => () => Promise<ToolDefinition>,
): ToolDefinition[] {
  return Object.keys(prebuilt)
    .filter((key) => !key.endsWith(' read-only'))
    .map((name) => {
      const load = once(loader(name));
      const variantKey = prebuiltKey(name, true);
      const variant =
        variantKey in prebuilt
          ? once(() =>
              standIn(prebuilt, variantKey, () =>
                load().then((d) => {
                  const v = d.readOnlyVariant?.();
                  if (!v) throw new Error(`${name} has no read-only form`);
                  return v;
                }),
              ),
            )
          : undefined;
      return { ...standIn(prebuilt, name, load), ...(variant ? { readOnlyVariant: variant } : {}) };
    });
}

function standIn(
  prebuilt: PrebuiltToolSchemas,
  key: string,
  load: () => Promise<ToolDefinition>,
): ToolDefinition {
  const meta = prebuilt[key]!;
  return {
    name: meta.name,
    title: meta.title,
    description: meta.description,
    annotations: meta.annotations,
    cluster: meta.cluster,
    // Never read: the registry takes the listing from the build's schemas and the shape from `load`.
    input: {},
    handler: async (args, ctx) => (await load()).handler(args, ctx),
    load,
    schemas: meta,
  };
}

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
