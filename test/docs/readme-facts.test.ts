import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { REAL_SCHEMAS } from '../schema/fixtures.js';

// Issue 13, defect 9: statements in the README that a new user acts on, checked against the code.

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

describe('README facts', () => {
  it('every example fenced as jsonl is one JSON value per line', () => {
    const blocks = [...readme.matchAll(/```jsonl\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      for (const line of block.split('\n').filter((l) => l.trim()))
        expect(() => JSON.parse(line)).not.toThrow();
    }
  });

  it('documents every PROXMOX_MCP_* environment variable the code reads', () => {
    const read = new Set(
      sourceFiles(path.join(repoRoot, 'src')).flatMap((f) =>
        [...readFileSync(f, 'utf8').matchAll(/\b(PROXMOX_MCP_[A-Z_]+)\b/g)].map((m) => m[1]!),
      ),
    );
    expect(read).toContain('PROXMOX_MCP_CACHE_DIR');
    const undocumented = [...read].filter((name) => !readme.includes(`\`${name}`));
    expect(undocumented).toEqual([]);
  });

  it('documents every MCP_* environment variable of the HTTP server the code reads', () => {
    const read = new Set(
      sourceFiles(path.join(repoRoot, 'src')).flatMap((f) =>
        [...readFileSync(f, 'utf8').matchAll(/(?<![A-Z_])(MCP_[A-Z_]+)\b/g)].map((m) => m[1]!),
      ),
    );
    expect(read).toContain('MCP_METRICS_PORT');
    const undocumented = [...read].filter((name) => !readme.includes(`\`${name}`));
    expect(undocumented).toEqual([]);
  });

  it('states the download size that npm pack measures (within 15%)', () => {
    // --ignore-scripts: prepack would rebuild dist/ under the tests that run it.
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const size = (JSON.parse(out) as Array<{ size: number }>)[0]!.size / 1e6;
    const stated = /about (\d+(?:\.\d+)?) MB\s+to download/.exec(readme);
    expect(stated, 'README: "about N MB to download"').not.toBeNull();
    expect(Math.abs(Number(stated![1]) - size) / size).toBeLessThan(0.15);
  });

  it('names the PVE versions whose schemas the tests use, and the one the simulator emulates', () => {
    const section = readme.slice(readme.indexOf('**Supported Proxmox VE versions.**'));
    for (const { label } of REAL_SCHEMAS) expect(section).toContain(`**${label}**`);
    expect(section).toMatch(/simulator emulates \*\*9\.2\*\* \(9\.2\.11\)/);
  });

  it('mentions .ci/run under Development', () => {
    const dev = readme.slice(readme.indexOf('## Development'), readme.indexOf('## License'));
    expect(dev).toContain('.ci/run');
  });
});
