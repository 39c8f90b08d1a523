import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../helpers/cli.js';

export interface PackResult {
  tarball: string;
  /** Bytes of the .tgz. */
  size: number;
  unpackedSize: number;
  files: string[];
}

/**
 * `npm pack` of the working tree into `dest`. `--ignore-scripts` skips `prepack` (the build): `npm
 * test` has just built dist/, and rebuilding here would wipe it under the test files running beside
 * this one. That prepack builds is asserted separately, and the Dockerfile rehearsal runs it.
 */
export function packRepo(dest: string): PackResult {
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dest], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, npm_config_loglevel: 'error' },
  });
  const [info] = JSON.parse(out) as Array<{
    filename: string;
    size: number;
    unpackedSize: number;
    files: Array<{ path: string }>;
  }>;
  if (!info) throw new Error(`npm pack printed no result: ${out}`);
  return {
    tarball: path.join(dest, info.filename),
    size: info.size,
    unpackedSize: info.unpackedSize,
    files: info.files.map((f) => f.path).sort(),
  };
}

/**
 * `npm install --global --prefix <prefix> <tarball>`, as a user's `npm i -g` and the image's runtime
 * stage do. `--offline`: the package has no runtime dependencies, so nothing may be fetched.
 * Returns the installed executable and how long the install took.
 */
export function installTarball(
  tarball: string,
  prefix: string,
  env: NodeJS.ProcessEnv = process.env,
): { bin: string; packageDir: string; ms: number } {
  const started = performance.now();
  execFileSync(
    'npm',
    [
      'install',
      '--global',
      '--prefix',
      prefix,
      '--offline',
      '--no-audit',
      '--no-fund',
      path.resolve(tarball),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, npm_config_loglevel: 'error' } },
  );
  const ms = Math.round(performance.now() - started);
  return {
    bin: path.join(prefix, 'bin', 'proxmox-mcp'),
    packageDir: path.join(prefix, 'lib', 'node_modules', 'proxmox-mcp'),
    ms,
  };
}

export interface PackageJson {
  name: string;
  version: string;
  license?: string;
  type?: string;
  bin?: Record<string, string>;
  files?: string[];
  engines?: Record<string, string>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  bundleDependencies?: string[];
  repository?: unknown;
  homepage?: string;
  bugs?: unknown;
}

export const packageJson = JSON.parse(
  readFileSync(path.join(repoRoot, 'package.json'), 'utf8'),
) as PackageJson;

/** PATH with this Node's directory first, so the installed `#!/usr/bin/env node` script runs on it. */
export function pathWith(binDir: string): string {
  return [binDir, process.env.PATH ?? ''].join(path.delimiter);
}
