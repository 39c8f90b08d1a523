import { prebuiltToolSchemas } from '../build/prebuilt-tool-schemas.js';
import { standIns, toolLoader } from './lazy-tools.js';
import type { ToolDefinition } from './types.js';

/**
 * The bundle's src/tools/catalog.ts (src/build/lazy-tools-plugin.ts swaps it in): stand-ins made from
 * the build's record, so start-up evaluates no tool module. Only ever built with that record present.
 */
export const toolCatalog: ToolDefinition[] = standIns(prebuiltToolSchemas!, toolLoader);
