import type { ClusterScope, ToolAnnotations } from '../tools/tool-metadata.js';

/**
 * What is static about a tool's listing, as JSON text: its input schema (with the `cluster` argument's
 * description left as a slot, since it names the configured clusters) and its output schema. Kept as
 * text because that is what the registry needs to fill the slot, and JSON.parse of it is cheap.
 * Made by src/build/tool-schemas.ts; read by src/tools/registry.ts.
 */
export interface PrebuiltSchemas {
  /** The tool's name (the read-only form's key has a suffix). */
  name: string;
  /** Checked before use, so a different tool with the same name never gets these schemas. */
  title: string;
  description: string;
  input: string;
  output?: string;
  /** With the name, title and description: what the bundle lists a tool by before loading its code. */
  annotations: ToolAnnotations;
  cluster: ClusterScope;
}

/** By tool name, and `<name> read-only` for the form a tool takes when every cluster is read-only. */
export type PrebuiltToolSchemas = Record<string, PrebuiltSchemas>;
