import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cachedInstall } from '../helpers/cached-install.mjs';
import { repoRoot } from '../helpers/cli.js';

/**
 * The official MCP conformance suite (test/e2e/conformance/: its own package.json and lockfile), installed
 * by cachedInstall into node_modules/.cache/proxmox-mcp-e2e-conformance, like the e2e clients: it needs
 * Node >= 22, so it is no devDependency of a package that supports Node 20.
 */
const SOURCE = path.join(repoRoot, 'test', 'e2e', 'conformance');
const PACKAGE = '@modelcontextprotocol/conformance';

export interface Conformance {
  /** The CLI's entry script (run it with Node 24). */
  cli: string;
  version: string;
  installMs: number;
}

export function installConformance(): Conformance {
  const { dir, installMs } = cachedInstall(SOURCE, 'proxmox-mcp-e2e-conformance', PACKAGE);
  const pkgDir = path.join(dir, 'node_modules', ...PACKAGE.split('/'));
  const manifest = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as {
    version: string;
    bin: Record<string, string>;
  };
  return {
    cli: path.join(pkgDir, manifest.bin.conformance ?? 'dist/index.js'),
    version: manifest.version,
    installMs,
  };
}
