// Package: tarball size, install time from the tarball (as `npm i -g` does, into a scratch prefix, no
// network needed since nothing is fetched), and how many packages the install brings (target 0 deps).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function countPackages(nodeModules) {
  let n = 0;
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    if (entry.name.startsWith('@')) n += readdirSync(path.join(nodeModules, entry.name)).length;
    else n++;
  }
  return n;
}

export async function packageFigures() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pmcp-pack-bench-'));
  try {
    const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], {
      cwd: root,
      encoding: 'utf8',
    });
    const [info] = JSON.parse(out);
    const tarball = path.join(tmp, info.filename);
    const prefix = path.join(tmp, 'prefix');
    const t = performance.now();
    execFileSync(
      'npm',
      ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--offline', tarball],
      { encoding: 'utf8', stdio: 'pipe' },
    );
    const installMs = performance.now() - t;
    const globalModules = path.join(prefix, 'lib', 'node_modules');
    // Everything installed besides proxmox-mcp itself, nested or hoisted.
    const own = path.join(globalModules, 'proxmox-mcp', 'node_modules');
    let deps = countPackages(globalModules) - 1;
    try {
      if (statSync(own).isDirectory()) deps += countPackages(own);
    } catch {
      // no nested node_modules: nothing more to count
    }
    return [
      {
        figure: 'npm pack tarball',
        value: `${(info.size / 1024).toFixed(0)} KB (${(info.unpackedSize / 1024 / 1024).toFixed(2)} MB unpacked, ${info.files.length} files)`,
      },
      { figure: 'npm install -g from the tarball', value: `${installMs.toFixed(0)} ms` },
      { figure: 'packages installed besides proxmox-mcp', value: String(deps), target: '0', met: deps === 0 },
    ];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
