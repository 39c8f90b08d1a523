import type { ApiIndex } from './api-index.js';

/**
 * The in-repo simulator (`proxmox-mcp demo`, the tests) serves an apidoc.js built from its own route
 * table: a small part of PVE's API. PVE's schema files cannot ship in this MIT package (their license
 * differs), so on a simulated cluster "no such path" means "not simulated", not "not in PVE". The
 * simulator marks its schema in the description of GET /version, which survives parsing and the
 * schema cache (both keep the tree), and which no real PVE schema carries.
 */
export const SIMULATOR_SCHEMA_MARKER = '[proxmox-mcp simulator: a partial API]';

/** API methods of PVE 9.2 (pve-docs apidoc.js), what the simulator's share is counted against. */
const PVE_92_METHODS = 675;

export function isSimulatedSchema(index: ApiIndex): boolean {
  return index.method('/version', 'GET')?.description?.includes(SIMULATOR_SCHEMA_MARKER) ?? false;
}

/** The sentence every refusal and describe answer on a simulated cluster carries. */
export function simulatedSchemaNote(index: ApiIndex): string | undefined {
  if (!isSimulatedSchema(index)) return undefined;
  return `This cluster is the demo simulator: its API schema is partial (${index.methodCount} of the ${PVE_92_METHODS} methods of PVE 9.2). A real cluster answers from its own full schema.`;
}
