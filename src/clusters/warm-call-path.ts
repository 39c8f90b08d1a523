import { CallToolRequestSchema, CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';

/**
 * One-time costs the first tool call would otherwise pay, paid during the warm-up instead (measured
 * by a CPU profile of the first list_nodes after 1 s idle, test/bench first-call): ICU builds its
 * collator on the first localeCompare (~20 ms here; tools sort names with it), and zod compiles a
 * schema on its first parse (~7 ms for the SDK's tools/call request and result schemas).
 */
export function warmUpCallPath(): void {
  'a'.localeCompare('b');
  CallToolRequestSchema.safeParse({ method: 'tools/call', params: { name: 'warm-up', arguments: {} } });
  CallToolResultSchema.safeParse({ content: [{ type: 'text', text: '' }], structuredContent: {} });
}
