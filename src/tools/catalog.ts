import { allTools } from './index.js';
import type { ToolDefinition } from './types.js';

/**
 * The tools a server lists and the CLI accepts by name. From the sources these are the full
 * definitions; the bundle swaps this module for lazy-catalog.ts (src/build/lazy-tools-plugin.ts), whose
 * stand-ins carry only what tools/list needs and load a tool's code on its first call.
 */
export const toolCatalog: ToolDefinition[] = allTools;
