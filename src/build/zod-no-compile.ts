/**
 * Stands in for zod's `core/compile.js` in the bundle (src/build/slim-zod-plugin.ts): `z.compile`,
 * zod's code-generating validator (~58 KB that every start-up parsed). proxmox-mcp runs zod jitless
 * (bin/proxmox-mcp.js) and never calls it, nor does the SDK; calling it fails loudly.
 */
export const INVALID = Symbol.for('zod.compile.invalid');

export class ZodCompileAsyncError extends Error {}
export class ZodCompileUnsupportedError extends Error {}

function absent(): never {
  throw new Error('proxmox-mcp bundles no z.compile (src/build/zod-no-compile.ts)');
}
export const compile = absent;
export const withParser = absent;
export const compileFn = absent;
