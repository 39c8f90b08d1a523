import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

/**
 * Every repository path the README names in code style (`test/…`, `src/…`, `deploy/…`, `scripts/…`,
 * `bin/…`) exists, so moving or splitting a file cannot leave the front door pointing at nothing. A
 * `*` in the last part matches like a shell glob.
 */
const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const named = [
  ...new Set([...readme.matchAll(/`((?:test|src|deploy|scripts|bin)\/[^`\s]*)`/g)].map((m) => m[1]!)),
];

function exists(p: string): boolean {
  if (!p.includes('*')) return existsSync(path.join(repoRoot, p));
  const dir = path.dirname(p);
  const pattern = new RegExp(
    `^${path
      .basename(p)
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')}$`,
  );
  return (
    existsSync(path.join(repoRoot, dir)) && readdirSync(path.join(repoRoot, dir)).some((f) => pattern.test(f))
  );
}

it('names at least the paths it is known to name (the extraction works)', () => {
  expect(named).toEqual(expect.arrayContaining(['bin/proxmox-mcp.js', 'test/bench/run.mjs']));
});

it('names only paths that exist', () => {
  expect(named.filter((p) => !exists(p))).toEqual([]);
});
