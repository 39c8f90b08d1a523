// Node 24 for the bench: the `node` npm package ships the binary. Its own package.json and lockfile
// (test/bench/node24/) are installed with `npm ci` into node_modules/.cache/proxmox-mcp-bench-node24
// on first use, never by the main npm ci (a 120 MB binary nobody else needs); a stamp of the two
// files skips the install while they are unchanged.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const SOURCE = path.join(root, 'test', 'bench', 'node24');
const DIR = path.join(root, 'node_modules', '.cache', 'proxmox-mcp-bench-node24');

/** The path of the Node 24 binary; installs it first if needed. Throws with npm's words if it cannot. */
export function node24() {
  const files = ['package.json', 'package-lock.json'];
  const stamp = createHash('sha256')
    .update(files.map((f) => readFileSync(path.join(SOURCE, f), 'utf8')).join('\0'))
    .digest('hex');
  const stampFile = path.join(DIR, '.installed');
  const bin = path.join(DIR, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp || !existsSync(bin)) {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    for (const f of files) copyFileSync(path.join(SOURCE, f), path.join(DIR, f));
    process.stderr.write(`bench: installing Node 24 into ${DIR}…\n`);
    try {
      execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd: DIR,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 300_000,
      });
    } catch (err) {
      throw new Error(
        `installing Node 24 failed (npm ci in ${DIR}): ${err.stderr?.toString() ?? err.message}`,
      );
    }
    writeFileSync(stampFile, stamp);
  }
  return bin;
}
