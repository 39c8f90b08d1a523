import type { z } from 'zod';
import type { PrebuiltSchemas } from '../build/prebuilt-types.js';
import type { ClusterHandle, ClusterRegistry } from '../clusters/registry.js';
import type { Logger } from '../logger.js';
import type { RequestContext } from '../proxmox/client.js';

import type { ClusterScope, ToolAnnotations } from './tool-metadata.js';

export type { ClusterScope, ToolAnnotations } from './tool-metadata.js';

export interface ToolContext {
  /** The resolved target for 'single' tools (and the first of ctx.clusters for 'multi'). */
  cluster: ClusterHandle;
  /** Every target cluster: one, or all for "*" on 'multi' tools. */
  clusters: ClusterHandle[];
  registry: ClusterRegistry;
  signal: AbortSignal;
  logger: Logger;
  /** Handed to the client so guards can, e.g., ask the human to confirm. */
  requestContext: RequestContext;
  /** Sends an MCP progress notification when the client asked for them (no-op otherwise). */
  progress: (progress: number, total?: number, message?: string) => Promise<void>;
}

/** What a handler returns: structured data for programs, and a compact text for the model. */
export interface ToolOutput {
  structured: Record<string, unknown>;
  text: string;
  /** A model-actionable failure (task failed…): sent with isError so the model knows. */
  isError?: boolean;
}

export interface ToolDefinition<Shape extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  /** Product copy for the model: when to use it, what it returns, what to call next. */
  description: string;
  /** A flat object shape (no top-level unions: clients drop them). `cluster` is added by the registry. */
  input: Shape;
  output?: z.ZodObject;
  annotations: ToolAnnotations;
  cluster: ClusterScope;
  /**
   * The form this tool takes when every cluster is read-only (e.g. proxmox_api_call restricted to
   * GET). Tools whose readOnlyHint is false and that have no variant are not listed then.
   */
  readOnlyVariant?: () => ToolDefinition;
  handler: (args: z.infer<z.ZodObject<Shape>>, ctx: ToolContext) => Promise<ToolOutput>;
  /**
   * Set on a stand-in that carries only the static part (src/tools/lazy-catalog.ts): the full
   * definition, loaded on the tool's first call so start-up parses no tool code.
   */
  load?: () => Promise<ToolDefinition>;
  /** A stand-in's listing schemas: the build's record it was made from. */
  schemas?: PrebuiltSchemas;
}

/** Identity function that keeps the handler's argument types tied to the input shape. */
export function defineTool<Shape extends z.ZodRawShape>(def: ToolDefinition<Shape>): ToolDefinition {
  return def as unknown as ToolDefinition;
}
