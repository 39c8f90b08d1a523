import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/cli.js';

/**
 * The official MCP conformance suite (test/e2e/conformance/: its own package.json and lockfile), installed
 * with `npm ci` into node_modules/.cache/proxmox-mcp-e2e-conformance, like the e2e clients: it needs
 * Node >= 22, so it is no devDependency of a package that supports Node 20. The stamp skips the install
 * while the lockfile is unchanged.
 */
const SOURCE = path.join(repoRoot, 'test', 'e2e', 'conformance');
const DIR = path.join(repoRoot, 'node_modules', '.cache', 'proxmox-mcp-e2e-conformance');
const PACKAGE = '@modelcontextprotocol/conformance';

export interface Conformance {
  /** The CLI's entry script (run it with Node 24). */
  cli: string;
  version: string;
  installMs: number;
}

export function installConformance(): Conformance {
  const files = ['package.json', 'package-lock.json'];
  const stamp = createHash('sha256')
    .update(files.map((f) => readFileSync(path.join(SOURCE, f), 'utf8')).join('\0'))
    .digest('hex');
  const stampFile = path.join(DIR, '.installed');
  const pkgDir = path.join(DIR, 'node_modules', ...PACKAGE.split('/'));
  const started = Date.now();
  if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp || !existsSync(pkgDir)) {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    for (const f of files) copyFileSync(path.join(SOURCE, f), path.join(DIR, f));
    try {
      execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd: DIR,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 300_000,
      });
    } catch (err) {
      const e = err as { stderr?: Buffer; message: string };
      throw new Error(
        `installing ${PACKAGE} failed (npm ci in ${DIR}):\n${e.stderr?.toString() ?? e.message}`,
      );
    }
    writeFileSync(stampFile, stamp);
  }
  const manifest = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as {
    version: string;
    bin: Record<string, string>;
  };
  return {
    cli: path.join(pkgDir, manifest.bin.conformance ?? 'dist/index.js'),
    version: manifest.version,
    installMs: Date.now() - started,
  };
}
