import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getMcpConfigForManifest } from '@anthropic-ai/mcpb';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN_SECRET, startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { allTools } from '../../src/tools/index.js';
import { assertBuilt, repoRoot } from '../helpers/cli.js';
import { run } from '../helpers/process.js';

// Issue 13: the Claude Desktop extension (MCP Bundle). The manifest passes `mcpb validate`, asks for
// what a cluster needs (the secret as sensitive, so Claude keeps it in the OS keychain), and the
// bundle `npm run bundle` builds runs: its manifest, resolved the way Claude Desktop resolves it,
// starts a server that answers from a cluster.

const mcpbCli = path.join(repoRoot, 'node_modules', '@anthropic-ai', 'mcpb', 'dist', 'cli', 'cli.js');
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'manifest.json'), 'utf8')) as {
  version: string;
  name: string;
  tools: Array<{ name: string }>;
  user_config: Record<string, { type: string; required?: boolean; sensitive?: boolean; default?: unknown }>;
  server: {
    entry_point: string;
    mcp_config: { command: string; args: string[]; env: Record<string, string> };
  };
};
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };

function files(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name))],
  );
}

describe('manifest.json', () => {
  it('passes mcpb validate', async () => {
    const r = await run(process.execPath, [mcpbCli, 'validate', 'manifest.json'], { cwd: repoRoot, env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Manifest schema validation passes');
  });

  it('has the package version, lists every tool, and asks for the cluster with the secret sensitive', () => {
    expect(manifest.version).toBe(pkg.version);
    expect(manifest.tools.map((t) => t.name).sort()).toEqual(allTools.map((t) => t.name).sort());
    const cfg = manifest.user_config;
    expect(Object.keys(cfg).sort()).toEqual(['fingerprint', 'read_only', 'token_id', 'token_secret', 'url']);
    expect(cfg.token_secret).toMatchObject({ type: 'string', sensitive: true, required: true });
    expect(cfg.url?.required).toBe(true);
    expect(cfg.read_only).toMatchObject({ type: 'boolean', default: true });
    // Only the secret is sensitive: the rest is shown back to the user in the settings.
    expect(
      Object.entries(cfg)
        .filter(([, c]) => c.sensitive)
        .map(([k]) => k),
    ).toEqual(['token_secret']);
  });
});

describe('npm run bundle', () => {
  let sim: Simulator;
  let unpacked: string;
  let bundle: string;
  beforeAll(async () => {
    assertBuilt();
    sim = await startSimulator();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-mcpb-'));
    bundle = path.join(dir, 'proxmox-mcp.mcpb');
    const built = await run(process.execPath, [path.join(repoRoot, 'scripts', 'bundle.mjs'), bundle], {
      cwd: repoRoot,
      env,
      timeoutMs: 60_000,
    });
    expect(built.code, built.stderr).toBe(0);
    unpacked = path.join(dir, 'unpacked');
    const r = await run(process.execPath, [mcpbCli, 'unpack', bundle, unpacked], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
  }, 90_000);
  afterAll(async () => sim?.close());

  it('holds the manifest, the launcher, the built code and a package.json, and nothing else', () => {
    const list = files(unpacked);
    expect(list).toEqual(
      expect.arrayContaining([
        'manifest.json',
        'package.json',
        'bin/proxmox-mcp.js',
        'dist/cli.js',
        'LICENSE',
      ]),
    );
    expect(
      list.filter(
        (f) => !/^(manifest\.json|package\.json|README\.md|LICENSE|bin\/[^/]+\.js|dist\/[^/]+\.js)$/.test(f),
      ),
    ).toEqual([]);
    const inner = JSON.parse(readFileSync(path.join(unpacked, 'manifest.json'), 'utf8')) as {
      version: string;
    };
    expect(inner.version).toBe(pkg.version);
    expect(JSON.parse(readFileSync(path.join(unpacked, 'package.json'), 'utf8'))).toMatchObject({
      name: 'proxmox-mcp',
      version: pkg.version,
      type: 'module',
    });
  });

  it('runs as Claude Desktop starts it: read-only by default, answering from the cluster', async () => {
    const config = await getMcpConfigForManifest({
      manifest: manifest as never,
      extensionPath: unpacked,
      systemDirs: {
        HOME: os.tmpdir(),
        DATA: os.tmpdir(),
        DOCUMENTS: os.tmpdir(),
        DOWNLOADS: os.tmpdir(),
        DESKTOP: os.tmpdir(),
      },
      userConfig: {
        url: sim.url,
        token_id: 'root@pam!mcp',
        token_secret: DEMO_TOKEN_SECRET,
        fingerprint: sim.fingerprint,
      },
      pathSeparator: '/',
    });
    expect(config?.env).toMatchObject({ PROXMOX_MCP_READ_ONLY: 'true', PROXMOX_URL: sim.url });
    const transport = new StdioClientTransport({
      command: config!.command === 'node' ? process.execPath : config!.command,
      args: config!.args,
      env: { PATH: env.PATH, ...config!.env },
      cwd: os.tmpdir(),
      stderr: 'pipe',
    });
    const client = new Client({ name: 'mcpb-test', version: '1' });
    await client.connect(transport);
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).not.toContain('guest_action');
      const r = await client.callTool({ name: 'list_nodes', arguments: {} });
      expect(r.isError).toBeFalsy();
      expect(JSON.stringify(r.content)).toContain('pve1');
    } finally {
      await client.close();
    }
  });
});
