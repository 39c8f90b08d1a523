import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { run } from '../helpers/process.js';

// Issue 13: the MCP Registry's server.json, validated against the registry's published schema (a
// copy in test/fixtures/mcp-registry, with its source and license), kept at the package.json version
// by `npm version` (scripts/sync-versions.mjs) and checked by release.yml, which adds the bundle.

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const readJson = (f: string) =>
  JSON.parse(readFileSync(path.join(repoRoot, f), 'utf8')) as Record<string, unknown>;
const schema = readJson('test/fixtures/mcp-registry/server.schema.json');
const validate = addFormats(new Ajv({ strict: false, allErrors: true })).compile(schema);
const problems = (value: unknown) =>
  validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

interface ServerJson {
  name: string;
  version: string;
  packages: Array<{
    registryType: string;
    identifier: string;
    version: string;
    fileSha256?: string;
    environmentVariables?: Array<{ name: string; isSecret?: boolean }>;
  }>;
}
const server = readJson('server.json') as unknown as ServerJson;
const pkg = readJson('package.json') as {
  name: string;
  version: string;
  mcpName?: string;
  scripts: Record<string, string>;
};
const env = { PATH: process.env.PATH ?? '' };

describe('server.json (MCP Registry)', () => {
  it('is valid against the registry schema', () => {
    expect(problems(server)).toEqual([]);
  });

  it('the schema copy does reject what the registry rejects', () => {
    expect(problems({ ...server, name: 'no-slash' })).not.toEqual([]);
    expect(problems({ ...server, packages: [{ ...server.packages[0], version: 'latest' }] })).not.toEqual([]);
  });

  it('names the npm package at the package.json version; package.json names the server (registry ownership check)', () => {
    expect(server.version).toBe(pkg.version);
    const npm = server.packages.find((p) => p.registryType === 'npm')!;
    expect(npm).toMatchObject({ identifier: pkg.name, version: pkg.version });
    expect(pkg.mcpName).toBe(server.name);
    const secret = npm.environmentVariables?.filter((v) => v.isSecret).map((v) => v.name);
    expect(secret).toEqual(['PROXMOX_TOKEN']);
  });
});

describe('versions in step', () => {
  it('npm version runs sync-versions, which updates server.json and manifest.json; --check spots a mismatch', async () => {
    expect(pkg.scripts.version).toMatch(
      /node scripts\/sync-versions\.mjs && git add server\.json manifest\.json gemini-extension\.json/,
    );
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-versions-'));
    mkdirSync(path.join(dir, 'scripts'));
    copyFileSync(
      path.join(repoRoot, 'scripts/sync-versions.mjs'),
      path.join(dir, 'scripts/sync-versions.mjs'),
    );
    for (const f of ['server.json', 'manifest.json', 'gemini-extension.json'])
      copyFileSync(path.join(repoRoot, f), path.join(dir, f));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...pkg, version: '9.8.7' }));
    const script = path.join(dir, 'scripts/sync-versions.mjs');
    const bad = await run(process.execPath, [script, '--check'], { cwd: dir, env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('server.json version is ' + pkg.version + ', package.json says 9.8.7');
    expect((await run(process.execPath, [script], { cwd: dir, env })).code).toBe(0);
    expect((await run(process.execPath, [script, '--check'], { cwd: dir, env })).code).toBe(0);
    const synced = JSON.parse(readFileSync(path.join(dir, 'server.json'), 'utf8')) as ServerJson;
    expect([synced.version, synced.packages[0]!.version]).toEqual(['9.8.7', '9.8.7']);
    for (const f of ['manifest.json', 'gemini-extension.json'])
      expect((JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { version: string }).version, f).toBe(
        '9.8.7',
      );
  });

  it('the repository is in step now', async () => {
    const r = await run(process.execPath, [path.join(repoRoot, 'scripts/sync-versions.mjs'), '--check'], {
      cwd: repoRoot,
      env,
    });
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('release.yml', () => {
  const release = yaml.load(readFileSync(path.join(repoRoot, '.gitea/workflows/release.yml'), 'utf8')) as {
    jobs: Record<string, { needs?: string; steps: Array<{ run?: string; name?: string }> }>;
  };

  it('checks the versions before anything else, builds the bundle and attaches it with server.json to the release', () => {
    const verify = release.jobs.verify!.steps.map((s) => s.run?.trim() ?? '');
    expect(verify.indexOf('node scripts/sync-versions.mjs --check')).toBeLessThan(verify.indexOf('npm test'));
    const bundle = release.jobs.bundle!;
    expect(bundle.needs).toBe('verify');
    const runs = bundle.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('npm run bundle');
    expect(runs).toContain('node scripts/release-server-json.mjs "$bundle" "$url" > server.release.json');
    expect(runs).toMatch(/releases\/\$id\/assets\?name=\$name/);
  });

  it('publishes and bundles only with the real repository address: set-repository-url runs first and replaces the placeholder everywhere', async () => {
    for (const job of ['npm', 'bundle']) {
      const runs = release.jobs[job]!.steps.map((s) => s.run?.trim() ?? '');
      const set = runs.findIndex((r) =>
        r.startsWith(
          'node scripts/set-repository-url.mjs "${{ github.server_url }}/${{ github.repository }}"',
        ),
      );
      const use = runs.findIndex((r) => /npm publish|npm run bundle/.test(r));
      expect(set, job).toBeGreaterThanOrEqual(0);
      expect(set, job).toBeLessThan(use);
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-repo-url-'));
    mkdirSync(path.join(dir, 'scripts'));
    copyFileSync(
      path.join(repoRoot, 'scripts/set-repository-url.mjs'),
      path.join(dir, 'scripts/set-repository-url.mjs'),
    );
    for (const f of ['package.json', 'manifest.json', 'server.json'])
      copyFileSync(path.join(repoRoot, f), path.join(dir, f));
    const script = path.join(dir, 'scripts/set-repository-url.mjs');
    const r = await run(process.execPath, [script, 'https://git.acme.org/ops/proxmox-mcp'], {
      cwd: dir,
      env,
    });
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['package.json', 'manifest.json', 'server.json']) {
      const text = readFileSync(path.join(dir, f), 'utf8');
      expect(text, f).not.toContain('gitea.example.com');
      expect(text, f).toContain('https://git.acme.org/ops/proxmox-mcp');
    }
  });

  it('release-server-json adds the bundle as an mcpb package with its SHA-256, still valid for the registry', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-release-'));
    const bundle = path.join(dir, `proxmox-mcp-${pkg.version}.mcpb`);
    writeFileSync(bundle, 'not really a zip, but bytes to hash');
    const url = `https://gitea.example.com/owner/proxmox-mcp/releases/download/v${pkg.version}/proxmox-mcp-${pkg.version}.mcpb`;
    const r = await run(
      process.execPath,
      [path.join(repoRoot, 'scripts/release-server-json.mjs'), bundle, url],
      { cwd: repoRoot, env },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as ServerJson;
    expect(problems(out)).toEqual([]);
    expect(out.packages.find((p) => p.registryType === 'mcpb')).toEqual({
      registryType: 'mcpb',
      identifier: url,
      version: pkg.version,
      fileSha256: createHash('sha256').update(readFileSync(bundle)).digest('hex'),
      transport: { type: 'stdio' },
    });
  });
});
