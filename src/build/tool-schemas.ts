import type { ToolDefinition } from '../tools/types.js';
import type { PrebuiltToolSchemas } from './prebuilt-types.js';
import { CLUSTER_DESCRIPTION_SLOT, inputObject, prebuiltKey, toJsonSchema } from '../tools/registry.js';

/** Runs at build time (tsup.config.ts) over the tool list; tests compare it with run-time conversion. */
export function toolSchemas(defs: ToolDefinition[]): PrebuiltToolSchemas {
  const out: PrebuiltToolSchemas = {};
  const add = (def: ToolDefinition, variant: boolean) => {
    out[prebuiltKey(def.name, variant)] = {
      name: def.name,
      title: def.title,
      description: def.description,
      input: JSON.stringify(toJsonSchema(inputObject(def, CLUSTER_DESCRIPTION_SLOT), 'input')),
      ...(def.output ? { output: JSON.stringify(toJsonSchema(def.output, 'output')) } : {}),
      annotations: def.annotations,
      cluster: def.cluster,
    };
  };
  for (const def of defs) {
    add(def, false);
    const variant = !def.annotations.readOnlyHint ? def.readOnlyVariant?.() : undefined;
    if (variant) add(variant, true);
  }
  return out;
}
