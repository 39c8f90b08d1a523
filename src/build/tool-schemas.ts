import type { ToolDefinition } from '../tools/types.js';
import { CLUSTER_DESCRIPTION_SLOT, inputObject, prebuiltKey, toJsonSchema } from '../tools/registry.js';

/**
 * What is static about a tool's listing, as JSON text: its input schema (with the `cluster` argument's
 * description left as a slot, since it names the configured clusters) and its output schema. Kept as
 * text because that is what the registry needs to fill the slot, and JSON.parse of it is cheaper at
 * start-up than evaluating the same object literal.
 */
export interface PrebuiltSchemas {
  /** Checked before use, so a different tool with the same name never gets these schemas. */
  title: string;
  description: string;
  input: string;
  output?: string;
}

/** By tool name, and `<name> read-only` for the form a tool takes when every cluster is read-only. */
export type PrebuiltToolSchemas = Record<string, PrebuiltSchemas>;

/** Runs at build time (tsup.config.ts) over the tool list; tests compare it with run-time conversion. */
export function toolSchemas(defs: ToolDefinition[]): PrebuiltToolSchemas {
  const out: PrebuiltToolSchemas = {};
  const add = (def: ToolDefinition, variant: boolean) => {
    out[prebuiltKey(def.name, variant)] = {
      title: def.title,
      description: def.description,
      input: JSON.stringify(toJsonSchema(inputObject(def, CLUSTER_DESCRIPTION_SLOT), 'input')),
      ...(def.output ? { output: JSON.stringify(toJsonSchema(def.output, 'output')) } : {}),
    };
  };
  for (const def of defs) {
    add(def, false);
    const variant = !def.annotations.readOnlyHint ? def.readOnlyVariant?.() : undefined;
    if (variant) add(variant, true);
  }
  return out;
}
