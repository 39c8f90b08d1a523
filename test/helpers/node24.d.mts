// Types for node24.mjs (plain JavaScript so the bench runs it with node, no build step).

export interface NodeBinary {
  /** Absolute path of the `node` executable. */
  node: string;
  /** Its directory: put it first on PATH so `#!/usr/bin/env node` scripts run on it. */
  binDir: string;
  version: string;
}

/** The pinned Node 24 version (test/node24/package.json). */
export const NODE24_VERSION: string;

/** The Node 24 binary (PROXMOX_MCP_NODE24, or the pinned build installed into node_modules/.cache). */
export function ensureNode24(): NodeBinary;
