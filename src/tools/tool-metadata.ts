/**
 * What is static about every tool (its MCP annotations and how it takes the `cluster` argument), in a
 * module that imports nothing: the build-time listing (src/build/prebuilt-types.ts) and the tool types
 * both use it, so imports run one way.
 */
/** MCP tool annotations. All four are required so no tool ships with an unconsidered default. */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/**
 * How the registry adds the cross-cutting `cluster` argument:
 * - 'single': optional name, defaults to the default cluster; ctx.cluster is resolved.
 * - 'multi': like single, but "*" means every cluster; ctx.clusters holds one or all.
 * - 'none': the tool takes no cluster (list_clusters).
 */
export type ClusterScope = 'single' | 'multi' | 'none';
