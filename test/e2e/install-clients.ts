import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cachedInstall } from '../helpers/cached-install.mjs';
import { repoRoot } from '../helpers/cli.js';

/**
 * The third-party MCP clients the e2e suite drives. They have their own package.json and lockfile
 * (test/e2e/clients/), installed by cachedInstall into node_modules/.cache/proxmox-mcp-e2e — not
 * devDependencies: Gemini CLI alone is ~100 MB, which every `npm ci` of the project (CI, the
 * Dockerfile's build stage) would otherwise download for nothing. The lockfile keeps it reproducible.
 */
const SOURCE = path.join(repoRoot, 'test', 'e2e', 'clients');

export interface Clients {
  /** The Inspector's CLI launcher: what `npx @modelcontextprotocol/inspector --cli` runs. */
  inspector: string;
  /**
   * Run it from here. Standalone, inspector-cli 1.0.3 looks for its own package.json with a path that
   * existsSync() resolves against the working directory but import() against the module
   * (build/index.js, callMethod), so it only finds it from its build/ directory. The full
   * @modelcontextprotocol/inspector package (same CLI code) declares engines node >= 22.7.5, so it is
   * not an option on Node 20.
   */
  inspectorCwd: string;
  gemini: string;
  versions: Record<string, string>;
  installMs: number;
}

export function installClients(): Clients {
  const { dir, installMs } = cachedInstall(SOURCE, 'proxmox-mcp-e2e', 'the e2e MCP clients');
  const pkg = (name: string) => path.join(dir, 'node_modules', ...name.split('/'));
  const version = (name: string) =>
    (JSON.parse(readFileSync(path.join(pkg(name), 'package.json'), 'utf8')) as { version: string }).version;
  return {
    inspector: path.join(pkg('@modelcontextprotocol/inspector-cli'), 'build', 'cli.js'),
    inspectorCwd: path.join(pkg('@modelcontextprotocol/inspector-cli'), 'build'),
    gemini: path.join(pkg('@google/gemini-cli'), 'bundle', 'gemini.js'),
    versions: {
      '@modelcontextprotocol/inspector-cli': version('@modelcontextprotocol/inspector-cli'),
      '@google/gemini-cli': version('@google/gemini-cli'),
    },
    installMs,
  };
}
