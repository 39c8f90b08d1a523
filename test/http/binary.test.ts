import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN_SECRET, startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { assertBuilt, repoRoot, runCli, envFor } from '../helpers/cli.js';
import { TOKEN, healthz, spawnSse, streamableClient, waitFor, type SpawnedServer } from './helpers.js';

let sim: Simulator;
let env: Record<string, string>;
const running: SpawnedServer[] = [];

beforeAll(async () => {
  assertBuilt();
  sim = await startSimulator({ taskDurationMs: 50 });
  env = {
    ...envFor(sim),
    MCP_AUTH_TOKEN: TOKEN,
  };
});
afterAll(async () => {
  for (const s of running) s.child.kill('SIGKILL');
  await sim?.close();
});

async function start(args: string[], extraEnv: Record<string, string> = {}): Promise<SpawnedServer> {
  const s = await spawnSse(['--port', '0', ...args], { ...env, ...extraEnv });
  running.push(s);
  return s;
}

const nodesOf = (r: CallToolResult) =>
  (r.structuredContent as { nodes: Array<{ node: string }> }).nodes.map((n) => n.node);

describe('proxmox-mcp sse, the built binary', () => {
  it('serves a Streamable HTTP client with the bearer token, exits 0 on SIGTERM, and never logs the token', async () => {
    const s = await start([], { LOG_FORMAT: 'json' });
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { client, transport } = streamableClient(s.url);
    await client.connect(transport);
    const r = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
    expect(nodesOf(r)).toContain('pve1');
    await client.close();
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
    const lines = s.stderr().trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    expect(s.stderr()).toMatch(/"msg":"POST \/mcp 200"/);
    expect(s.stderr()).not.toContain(TOKEN);
    expect(s.stderr()).not.toContain(DEMO_TOKEN_SECRET);
  });

  it('the http alias is the same command', async () => {
    const r = await runCli(['http', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--stateless/);
    expect(r.stdout).toMatch(/--no-auth/);
  });

  it('--stateless: two processes answer one client alternately (initialize on A, tools/list on B, ...)', async () => {
    const [a, b] = await Promise.all([start(['--stateless']), start(['--stateless'])]);
    const served: Array<[string, string]> = [];
    let n = 0;
    // A load balancer with no sticky sessions: every POST goes to the other replica.
    const roundRobin = (input: string | URL, init?: RequestInit) => {
      const url = new URL(String(input));
      const target = init?.method === 'POST' ? [a, b][n++ % 2]! : a;
      const method =
        init?.method === 'POST' ? (JSON.parse(String(init.body)) as { method: string }).method : 'GET';
      served.push([target === a ? 'A' : 'B', method]);
      return fetch(new URL(url.pathname + url.search, target.url), init);
    };
    const { client, transport } = streamableClient(a.url, undefined, roundRobin);
    await client.connect(transport);
    expect(transport.sessionId).toBeUndefined();
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain('list_nodes');
    const r1 = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
    const r2 = (await client.callTool({ name: 'list_clusters', arguments: {} })) as CallToolResult;
    expect(nodesOf(r1)).toContain('pve1');
    expect(r2.isError).toBeFalsy();
    await client.close();
    const posts = served.filter(([, m]) => m !== 'GET');
    expect(posts).toEqual([
      ['A', 'initialize'],
      ['B', 'notifications/initialized'],
      ['A', 'tools/list'],
      ['B', 'tools/call'],
      ['A', 'tools/call'],
    ]);
    expect((await healthz(a.url)).sessions).toBe(0);
    for (const s of [a, b]) {
      expect(s.stderr()).toMatch(/POST \/mcp 200/);
      s.child.kill('SIGTERM');
      expect(await s.exit).toBe(0);
    }
  });

  it('SIGTERM during a tool call lets it finish, then exits 0 promptly', async () => {
    const s = await start([]);
    const { client, transport } = streamableClient(s.url);
    await client.connect(transport);
    sim.setLatency(1_000);
    const call = client.callTool({ name: 'list_nodes', arguments: {} });
    await waitFor(async () => (await healthz(s.url)).inflight === 1, 3_000, 'the call to be in flight');
    const signalled = Date.now();
    s.child.kill('SIGTERM');
    try {
      const r = (await call) as CallToolResult;
      expect(nodesOf(r)).toContain('pve1');
    } finally {
      sim.setLatency(0);
    }
    expect(await s.exit).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(5_000);
    expect(s.stderr()).toMatch(/SIGTERM: shutting down/);
    expect(s.stderr()).toMatch(/waiting for 1 call\(s\) in flight/);
    await client.close().catch(() => {});
  });

  it('refuses a non-loopback address without MCP_AUTH_TOKEN: exit 78 and why', async () => {
    const r = await runCli(['sse', '--host', '0.0.0.0']);
    expect(r.code).toBe(78);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /configuration error: refusing to listen on 0\.0\.0\.0:8000 without authentication.*Set MCP_AUTH_TOKEN/,
    );
    const viaEnv = await runCli(['sse'], { env: { MCP_HOST: '::' } });
    expect(viaEnv.code).toBe(78);
  });

  it('--no-auth on a non-loopback address prints a loud warning first', async () => {
    // 192.0.2.1 (TEST-NET-1) is no address of this machine: the warning is printed, then binding fails,
    // so nothing ever listens beyond loopback.
    const { MCP_AUTH_TOKEN: _, ...noToken } = env;
    const r = await runCli(['sse', '--host', '192.0.2.1', '--port', '0', '--no-auth'], { env: noToken });
    expect(r.stderr).toMatch(
      /!!! AUTHENTICATION DISABLED \(--no-auth\): 192\.0\.2\.1:0 accepts MCP requests from anyone/,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot listen on 192\.0\.2\.1:0: EADDRNOTAVAIL/);
  });

  it('bad settings are usage (2) or configuration (78) errors', async () => {
    const port = await runCli(['sse', '--port', 'eighty']);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/expected a port number from 0 to 65535/);
    const envPort = await runCli(['sse'], { env: { MCP_PORT: '99999' } });
    expect(envPort.code).toBe(78);
    expect(envPort.stderr).toMatch(/MCP_PORT: expected an integer from 0 to 65535, got "99999"/);
    const shortToken = await runCli(['sse'], { env: { MCP_AUTH_TOKEN: 'secret' } });
    expect(shortToken.code).toBe(78);
    expect(shortToken.stderr).toMatch(/MCP_AUTH_TOKEN: the token must be at least 16 characters/);
  });

  it('a port in use is a clear error, exit 1', async () => {
    const s = await start([]);
    const port = new URL(s.url).port;
    const r = await runCli(['sse', '--port', port], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE`));
    s.child.kill('SIGTERM');
    await s.exit;
  });
});

describe('start-up cost of the stdio path', () => {
  it('dist/cli.js reaches the HTTP transport only through a dynamic import', () => {
    const dist = path.join(repoRoot, 'dist');
    const read = (file: string) => readFileSync(path.join(dist, file), 'utf8');
    const staticImportRe =
      /^(?:import|export)\s[^;]*?from\s*["']\.\/([^"']+)["']|^import\s*["']\.\/([^"']+)["']/gm;
    const closureOf = (entry: string): Set<string> => {
      const seen = new Set<string>();
      const visit = (file: string) => {
        if (seen.has(file) || !existsSync(path.join(dist, file))) return;
        seen.add(file);
        for (const m of read(file).matchAll(staticImportRe)) visit((m[1] ?? m[2])!);
      };
      visit(entry);
      return seen;
    };
    const holdsHttp = (file: string) => /(?:class|var) StreamableHTTPServerTransport\b/.test(read(file));
    const eager = closureOf('cli.js');
    expect([...eager].filter(holdsHttp)).toEqual([]);
    // Behind one dynamic import or several (cli.js → program chunk → the sse command's chunk).
    const dynamicRe = /import\(["']\.\/([^"']+)["']\)/g;
    const lazy = new Set<string>();
    const pending = [...read('cli.js').matchAll(dynamicRe)].map((m) => m[1]!);
    while (pending.length) {
      for (const file of closureOf(pending.pop()!)) {
        if (lazy.has(file)) continue;
        lazy.add(file);
        for (const m of read(file).matchAll(dynamicRe)) pending.push(m[1]!);
      }
    }
    expect([...lazy].filter(holdsHttp).length).toBeGreaterThan(0);
  });
});
