/**
 * Stands in for zod's `classic/from-json-schema.js` in the bundle (src/build/slim-zod-plugin.ts):
 * `z.fromJSONSchema` (~25 KB every start-up parsed), which neither proxmox-mcp nor the SDK calls.
 */
export function fromJSONSchema(): never {
  throw new Error('proxmox-mcp bundles no z.fromJSONSchema (src/build/zod-no-from-json-schema.ts)');
}
