import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN_SECRET, startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { assertBuilt, repoRoot } from '../helpers/cli.js';
import { ensureNode24, type NodeBinary } from '../helpers/node24.mjs';
import { installTarball, packageJson, packRepo, pathWith, type PackResult } from './helpers/package.js';
import { run } from '../helpers/process.js';

/**
 * The npm install path, end to end: pack the working tree, install the tarball into an empty
 * prefix (as `npm i -g proxmox-mcp` does), and drive the INSTALLED binary, on this machine's Node 20
 * and on Node 24 (the image's runtime), from a directory outside the repository.
 */
let tmp: string;
let pack: PackResult;
let installed: { bin: string; packageDir: string; ms: number };
let sim: Simulator;

beforeAll(async () => {
  assertBuilt();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'pmcp-pack-'));
  pack = packRepo(tmp);
  installed = installTarball(pack.tarball, path.join(tmp, 'prefix'));
  sim = await startSimulator({ taskDurationMs: 50 });
  console.info(
    `npm pack: ${pack.tarball} ${(pack.size / 1024).toFixed(1)} kB (${(pack.unpackedSize / 1024 / 1024).toFixed(2)} MB unpacked, ${pack.files.length} files); npm install -g from it: ${installed.ms} ms`,
  );
}, 60_000);
afterAll(async () => {
  await sim?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('ships only what runs: the bundle, the launcher, README, LICENSE and the example config', () => {
    const allowed = (f: string) =>
      ['LICENSE', 'README.md', 'package.json', 'clusters.example.json', 'bin/proxmox-mcp.js'].includes(f) ||
      /^dist\/[\w-]+\.js$/.test(f);
    expect(pack.files.filter((f) => !allowed(f))).toEqual([]);
    expect(pack.files).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'README.md',
        'bin/proxmox-mcp.js',
        'clusters.example.json',
        'dist/cli.js',
      ]),
    );
    // Every chunk the build wrote is shipped (a lazily imported chunk left out would fail at run time).
    const chunks = readdirSync(path.join(repoRoot, 'dist')).map((f) => `dist/${f}`);
    expect(pack.files.filter((f) => f.startsWith('dist/'))).toEqual(chunks.sort());
    expect(pack.size).toBeLessThan(2 * 1024 * 1024);
  });

  it('package.json: MIT license, Node >= 20.19, an ESM bin, zero runtime dependencies, prepack builds', () => {
    expect(packageJson.license).toBe('MIT');
    expect(readFileSync(path.join(repoRoot, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(packageJson.engines).toEqual({ node: '>=20.19' });
    expect(packageJson.type).toBe('module');
    expect(packageJson.bin).toEqual({ 'proxmox-mcp': 'bin/proxmox-mcp.js' });
    expect(readFileSync(path.join(repoRoot, 'bin/proxmox-mcp.js'), 'utf8')).toMatch(
      /^#!\/usr\/bin\/env node\n/,
    );
    for (const field of [
      'dependencies',
      'optionalDependencies',
      'peerDependencies',
      'bundleDependencies',
    ] as const)
      expect(Object.keys(packageJson[field] ?? {}), field).toEqual([]);
    expect(packageJson.scripts?.prepack).toBe('npm run build');
    // Only real addresses are published: the repository carries one placeholder, which release.yml
    // replaces with the Gitea repository's own address before npm publish (test/delivery/registry.test.ts).
    for (const field of ['repository', 'homepage', 'bugs'] as const)
      expect(JSON.stringify(packageJson[field] ?? ''), field).toContain(
        'https://gitea.example.com/owner/proxmox-mcp',
      );
  });

  it('the bundle imports nothing but Node built-ins (so installing it fetches nothing)', () => {
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    // Deliberately external or unreachable, each with its reason:
    const known = new Map([
      ['typescript', "cosmiconfig's loader for .ts config files, which we never search for (tsup.config.ts)"],
      [
        'sqlite',
        "undici's SqliteCacheStore (node:sqlite, prefix stripped by esbuild), which we never create",
      ],
    ]);
    const found = new Map<string, string>();
    for (const file of readdirSync(path.join(repoRoot, 'dist'))) {
      for (const line of readFileSync(path.join(repoRoot, 'dist', file), 'utf8').split('\n')) {
        if (/^\s*(\*|\/\/)/.test(line)) continue; // comments quote import examples
        for (const m of line.matchAll(
          /(?:__require\(|\bimport\(|^\s*import\s[^;]*?\bfrom\s*|^\s*import\s*)["']([^"'./][^"']*)["']/g,
        ))
          if (!builtins.has(m[1]!) && !known.has(m[1]!)) found.set(m[1]!, file);
      }
    }
    expect(Object.fromEntries(found)).toEqual({});
  });

  it('installs from the tarball into an empty prefix, offline, as one package with no node_modules', () => {
    expect(existsSync(installed.bin)).toBe(true);
    expect(existsSync(path.join(installed.packageDir, 'node_modules'))).toBe(false);
    expect(readdirSync(installed.packageDir).sort()).toEqual(
      ['LICENSE', 'README.md', 'bin', 'clusters.example.json', 'dist', 'package.json'].sort(),
    );
  });
});

const runtimes: Array<{ label: string; get: () => NodeBinary }> = [
  {
    label: `Node ${process.version} (this machine)`,
    get: () => ({ node: process.execPath, binDir: path.dirname(process.execPath), version: process.version }),
  },
  { label: 'Node 24 (the image runtime, from the npm registry)', get: ensureNode24 },
];

describe.each(runtimes)('the installed proxmox-mcp on $label', ({ get }) => {
  let node: NodeBinary;
  let env: Record<string, string>;
  beforeAll(() => {
    node = get();
    env = { PATH: pathWith(node.binDir), HOME: path.join(tmp, 'home') };
  }, 180_000);

  it('runs on that Node: --version prints the package version, --help lists the commands', async () => {
    const which = await run('node', ['--version'], { env });
    expect(which.stdout.trim()).toBe(node.version);
    const version = await run(installed.bin, ['--version'], { env, cwd: tmp });
    expect(version).toMatchObject({ code: 0, stdout: `${packageJson.version}\n` });
    const help = await run(installed.bin, ['--help'], { env, cwd: tmp });
    expect(help.code).toBe(0);
    for (const cmd of ['stdio', 'demo', 'sse|http', 'tools']) expect(help.stdout).toContain(cmd);
  });

  it('serves MCP over stdio: initialize, tools/list, and a tools/call against the simulator', async () => {
    const transport = new StdioClientTransport({
      command: installed.bin,
      args: [],
      cwd: tmp,
      env: {
        ...env,
        PROXMOX_URL: sim.url,
        PROXMOX_TOKEN: `root@pam!mcp=${DEMO_TOKEN_SECRET}`,
        PROXMOX_FINGERPRINT: sim.fingerprint,
      },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'pack-test', version: '1' });
    await client.connect(transport);
    expect(client.getServerVersion()).toMatchObject({ name: 'proxmox-mcp', version: packageJson.version });
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(['list_nodes', 'proxmox_api_call']),
    );
    const r = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
    expect(r.isError).toBeFalsy();
    expect(JSON.stringify(r.structuredContent)).toContain('pve1');
    await client.close();
  });
});
