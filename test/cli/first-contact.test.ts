import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, repoRoot, runCli } from '../helpers/cli.js';
import { run } from '../helpers/process.js';

// Issue 13, defects 1, 7 and 8: what a new user meets first, from a clone and from the binary.

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  homepage?: string;
  repository?: { url?: string };
  bugs?: { url?: string };
  scripts: Record<string, string>;
};
const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

beforeAll(() => assertBuilt());

describe('from a clone', () => {
  it('the README starts with the clone commands, and .ci/run runs the test one', () => {
    const top = readme.slice(0, readme.indexOf('## Getting started'));
    expect(top).toContain('npm ci && npm run demo');
    expect(top).toContain('npm ci && npm test');
    expect(top).toContain('npx proxmox-mcp demo');
    expect(readFileSync(path.join(repoRoot, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });

  it('package.json names the repository, its README and where to file bugs', () => {
    expect(pkg.repository?.url).toMatch(/^git\+https:\/\/.+\.git$/);
    expect(pkg.homepage).toMatch(/^https:\/\/.+#readme$/);
    expect(pkg.bugs?.url).toMatch(/^https:\/\/.+\/issues$/);
    expect(pkg.scripts.demo).toBeDefined();
  });

  // --no-build: other tests run the built binary meanwhile; `npm test` has just built it.
  it('npm run demo, started by a client (stdin a pipe), serves stdio with nothing else on stdout', async () => {
    const ping = '{"jsonrpc":"2.0","id":1,"method":"ping"}\n';
    const r = await run('npm', ['run', '--silent', 'demo', '--', '--no-build'], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
      input: ping,
      timeoutMs: 60_000,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['{"result":{},"jsonrpc":"2.0","id":1}']);
    expect(r.stderr).toMatch(/serving 2 cluster\(s\) over stdio/);
  }, 70_000);

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)(
    `npm run demo from a terminal serves HTTP and says how to connect${hasScript ? '' : ' (skipped: util-linux script(1) is not installed)'}`,
    async () => {
      // script(1) gives the child a pseudo-terminal; the server is stopped once it listens.
      const r = await run(
        'script',
        ['-qec', 'timeout -s INT 4 node scripts/demo.mjs --no-build --port 0', '/dev/null'],
        {
          cwd: repoRoot,
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
          timeoutMs: 60_000,
        },
      );
      expect(r.stdout).toMatch(/served over HTTP at http:\/\/127\.0\.0\.1:PORT\/mcp/);
      expect(r.stdout).toMatch(/claude mcp add --transport http/);
      expect(r.stdout).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    },
    70_000,
  );
});

describe('the command line', () => {
  it('a mistyped command is an unknown command with a suggestion, not "too many arguments"', async () => {
    const r = await runCli(['chek']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'chek'. Did you mean check?");
    expect(r.stderr).not.toContain('too many arguments');
  });

  it('a word far from every command gets no suggestion but the list', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'.");
    expect(r.stderr).not.toContain('Did you mean');
    expect(r.stderr).toContain('check, init, tools');
  });

  it("--help says where the default command's options are, and its Docs line is the repository README", async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('proxmox-mcp stdio --help');
    expect(r.stdout).toContain(`Docs: ${pkg.homepage}`);
    expect(r.stdout).not.toContain('npmjs.com');
  });

  it('demo has no --config (it brings its own clusters) and refuses one', async () => {
    const help = await runCli(['demo', '--help']);
    expect(help.stdout).not.toContain('--config');
    const r = await runCli(['demo', '-c', 'clusters.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '-c'");
  });
});
