import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/cli.js';

/**
 * The third-party MCP clients the e2e suite drives. They have their own package.json and lockfile
 * (test/e2e/clients/), installed with `npm ci` into node_modules/.cache/proxmox-mcp-e2e — not
 * devDependencies: Gemini CLI alone is ~100 MB, which every `npm ci` of the project (CI, the
 * Dockerfile's build stage) would otherwise download for nothing. The lockfile keeps it reproducible;
 * the stamp skips the install while the lockfile is unchanged.
 */
const SOURCE = path.join(repoRoot, 'test', 'e2e', 'clients');
export const CLIENTS_DIR = path.join(repoRoot, 'node_modules', '.cache', 'proxmox-mcp-e2e');

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
  const files = ['package.json', 'package-lock.json'];
  const stamp = createHash('sha256')
    .update(files.map((f) => readFileSync(path.join(SOURCE, f), 'utf8')).join('\0'))
    .digest('hex');
  const stampFile = path.join(CLIENTS_DIR, '.installed');
  const started = Date.now();
  if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp) {
    rmSync(CLIENTS_DIR, { recursive: true, force: true });
    mkdirSync(CLIENTS_DIR, { recursive: true });
    for (const f of files) copyFileSync(path.join(SOURCE, f), path.join(CLIENTS_DIR, f));
    try {
      execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd: CLIENTS_DIR,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 300_000,
      });
    } catch (err) {
      const e = err as { stderr?: Buffer; message: string };
      throw new Error(
        `installing the e2e MCP clients failed (npm ci in ${CLIENTS_DIR}):\n${e.stderr?.toString() ?? e.message}`,
      );
    }
    writeFileSync(stampFile, stamp);
  }
  const pkg = (name: string) => path.join(CLIENTS_DIR, 'node_modules', ...name.split('/'));
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
    installMs: Date.now() - started,
  };
}
