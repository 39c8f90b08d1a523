// Test tools with their own package.json and lockfile (a Node 24 build, the e2e MCP clients, the MCP
// conformance suite) are installed with `npm ci` into node_modules/.cache/<name> on first use, never by the
// project's npm ci: they are large, or need a newer Node than the package supports, and nobody else needs
// them. `npm ci` of the project clears node_modules, so CI always starts from the lockfile. A stamp of the two
// files skips the install while they are unchanged. Plain JavaScript so the bench imports it without a build.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FILES = ['package.json', 'package-lock.json'];
const STAMP = '.installed';

const stampIn = (dir) => {
  const file = path.join(dir, STAMP);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
};

/**
 * Installs the lockfile in `source` (a directory of the repo) into node_modules/.cache/`name` unless the
 * stamp there says it already is. Returns where, and how long it took (0-ish when cached). Throws with
 * npm's words when it cannot.
 */
export function cachedInstall(source, name, label) {
  const dir = path.join(root, 'node_modules', '.cache', name);
  const stamp = createHash('sha256')
    .update(FILES.map((f) => readFileSync(path.join(source, f), 'utf8')).join('\0'))
    .digest('hex');
  const started = Date.now();
  if (stampIn(dir) === stamp) return { dir, installMs: Date.now() - started };

  mkdirSync(path.dirname(dir), { recursive: true });
  // Install beside the final directory and rename it into place: two test files may race here. The
  // one that finishes second keeps the first one's copy (which may already be in use) and drops its own.
  const tmp = mkdtempSync(`${dir}.installing-`);
  try {
    for (const f of FILES) copyFileSync(path.join(source, f), path.join(tmp, f));
    process.stderr.write(`installing ${label} into ${dir}…\n`);
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: tmp,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
    });
    writeFileSync(path.join(tmp, STAMP), stamp);
    if (stampIn(dir) !== stamp) {
      rmSync(dir, { recursive: true, force: true });
      try {
        renameSync(tmp, dir);
      } catch (err) {
        if (stampIn(dir) !== stamp) throw err;
      }
    }
  } catch (err) {
    throw new Error(
      `installing ${label} failed (npm ci of ${path.relative(root, source)} into ${dir}):\n${err.stderr?.toString() || err.message}`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { dir, installMs: Date.now() - started };
}
