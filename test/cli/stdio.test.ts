import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN_SECRET, startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { assertBuilt, binPath, runCli, startCli, envFor } from '../helpers/cli.js';

let sim: Simulator;
let env: Record<string, string>;

beforeAll(async () => {
  assertBuilt();
  sim = await startSimulator({ taskDurationMs: 50 });
  env = {
    ...envFor(sim),
  };
});
afterAll(async () => sim?.close());

describe('the built binary over stdio', () => {
  it('answers initialize and tools/list with nothing but JSON-RPC on stdout, and exits when stdin closes', async () => {
    const child = startCli([], env);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const send = (msg: unknown) => child.stdin.write(JSON.stringify(msg) + '\n');
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'list_nodes', arguments: {} } });
    const deadline = Date.now() + 10_000;
    while (!stdout.includes('"id":3') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    const started = Date.now();
    child.stdin.end();
    const [code] = (await once(child, 'exit')) as [number];
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(code).toBe(0);
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines.length).toBe(3);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    const byId = Object.fromEntries(lines.map((l) => JSON.parse(l) as { id: number }).map((m) => [m.id, m]));
    expect(JSON.stringify(byId[2])).toContain('"list_nodes"');
    expect(JSON.stringify(byId[3])).toContain('pve1');
    expect(stdout + stderr).not.toContain(DEMO_TOKEN_SECRET);
    expect(stderr).toMatch(/serving 1 cluster\(s\) over stdio/);
  });

  it('works with the SDK stdio client (what Claude/Gemini/VS Code use)', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [binPath],
      env: { PATH: process.env.PATH ?? '', ...env },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-test', version: '1' });
    await client.connect(transport);
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain('proxmox_api_call');
    const r = await client.callTool({ name: 'get_cluster_resources', arguments: { type: 'node' } });
    expect(r.isError).toBeFalsy();
    await client.close();
  });

  it('demo runs against the built-in simulated clusters', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [binPath, 'demo'],
      env: { PATH: process.env.PATH ?? '' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'demo-test', version: '1' });
    await client.connect(transport);
    const r = await client.callTool({ name: 'list_clusters', arguments: {} });
    const rows = (r.structuredContent as { clusters: Array<{ name: string; reachable: boolean }> }).clusters;
    expect(rows.map((c) => [c.name, c.reachable])).toEqual([
      ['demo', true],
      ['lab', true],
    ]);
    await client.close();
  });
});

describe('CLI contract', () => {
  it('--version prints the package version and exits 0', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('--help shows the subcommands and examples', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/demo/);
    expect(r.stdout).toMatch(/Examples:/);
  });

  it('an unknown option is a usage error: exit 2', async () => {
    const r = await runCli(['--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--frobnicate'/);
  });

  it('an unknown tool in --tools is a usage error listing the valid names', async () => {
    const r = await runCli(['--tools', 'list_nodes,nope'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown tool nope in --tools; valid tools: list_clusters, list_nodes/);
  });

  it('a bad config exits 78 naming the file and the key path, with clean stdout', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-cli-'));
    const file = path.join(dir, 'clusters.json');
    writeFileSync(
      file,
      JSON.stringify({
        clusters: {
          prod: { url: 'pve1', user: 'mcp@pve', token_id: 'mcp', token_secret: '${NOT_SET_ANYWHERE}' },
        },
      }),
    );
    const r = await runCli(['-c', file]);
    expect(r.code).toBe(78);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `${file}: clusters.prod.token_secret: environment variable NOT_SET_ANYWHERE is not set`,
    );
  });

  it('no config at all exits 78 and explains the three ways to configure', async () => {
    const r = await runCli([], {
      cwd: mkdtempSync(path.join(os.tmpdir(), 'pmcp-empty-')),
      env: { HOME: mkdtempSync(path.join(os.tmpdir(), 'pmcp-home-')) },
    });
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/no Proxmox cluster is configured/);
  });

  it('tools --markdown and --json print the registry', async () => {
    const md = await runCli(['tools', '--markdown']);
    expect(md.stdout).toMatch(/^\| Tool \| What it does \|/);
    const json = JSON.parse((await runCli(['tools', '--json'])).stdout) as Array<{ name: string }>;
    expect(json.map((t) => t.name)).toContain('list_clusters');
  });
});
