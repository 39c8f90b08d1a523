import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN_SECRET, startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { allTools } from '../../src/tools/index.js';
import { assertBuilt, binPath } from '../helpers/cli.js';
import { TOKEN, spawnSse, type SpawnedServer } from '../http/helpers.js';
import { installClients, type Clients } from './install-clients.js';

/**
 * The BUILT server driven by third-party MCP clients from npm, over every transport:
 * - MCP Inspector CLI: tools/list and tools/call over stdio (`proxmox-mcp demo`), Streamable HTTP and
 *   legacy SSE (`proxmox-mcp sse` with a bearer token, sent with --header).
 * - Gemini CLI: `gemini mcp list` with one server per transport; each must be "Connected".
 * Neither client's exit code can be trusted alone, so every case asserts on what they print.
 */
let clients: Clients;
let sim: Simulator;
let sse: SpawnedServer;
const timings: Array<[string, number]> = [];
const transcripts: string[] = [];
const expectedTools = allTools.map((t) => t.name).sort();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(cmd: string, args: string[], opts: { cwd: string; env: Record<string, string> }): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { PATH: process.env.PATH ?? '', ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${path.basename(args[0] ?? cmd)} ${args.slice(1).join(' ')} timed out\n${stdout}\n${stderr}`,
        ),
      );
    }, 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

const scratch = () => mkdtempSync(path.join(os.tmpdir(), 'pmcp-e2e-'));
// eslint-disable-next-line no-control-regex
const plain = (s: string) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');

beforeAll(async () => {
  assertBuilt();
  clients = installClients();
  timings.push([`install clients (${clients.installMs > 1000 ? 'npm ci' : 'cached'})`, clients.installMs]);
  sim = await startSimulator({ taskDurationMs: 50 });
  sse = await spawnSse(['--port', '0'], {
    PROXMOX_URL: sim.url,
    PROXMOX_TOKEN: `root@pam!mcp=${DEMO_TOKEN_SECRET}`,
    PROXMOX_FINGERPRINT: sim.fingerprint,
    MCP_AUTH_TOKEN: TOKEN,
  });
});

afterAll(async () => {
  sse?.child.kill('SIGTERM');
  await sim?.close();
  const width = Math.max(...timings.map(([k]) => k.length));
  console.log(
    [
      `e2e clients: ${Object.entries(clients?.versions ?? {})
        .map(([k, v]) => `${k}@${v}`)
        .join(', ')} on node ${process.version}`,
      ...timings.map(([k, ms]) => `  ${k.padEnd(width)}  ${ms} ms`),
      ...transcripts,
    ].join('\n'),
  );
});

describe('MCP Inspector CLI', () => {
  const transports = () => ({
    stdio: [process.execPath, binPath, 'demo'],
    'streamable http': [
      `${sse.url}/mcp`,
      '--transport',
      'http',
      '--header',
      `Authorization: Bearer ${TOKEN}`,
    ],
    sse: [`${sse.url}/sse`, '--transport', 'sse', '--header', `Authorization: Bearer ${TOKEN}`],
  });
  const inspect = async (label: string, target: string[], method: string[]) => {
    const r = await run(process.execPath, [clients.inspector, '--cli', ...target, ...method], {
      cwd: clients.inspectorCwd,
      env: { HOME: scratch() },
    });
    timings.push([`inspector ${label}`, r.ms]);
    return r;
  };

  for (const name of ['stdio', 'streamable http', 'sse'] as const) {
    it(`${name}: tools/list returns the whole registry`, async () => {
      const r = await inspect(`${name} tools/list`, transports()[name], ['--method', 'tools/list']);
      expect(r.code, r.stderr).toBe(0);
      const listed = JSON.parse(r.stdout) as { tools: Array<{ name: string; annotations?: object }> };
      expect(listed.tools.map((t) => t.name).sort()).toEqual(expectedTools);
      expect(listed.tools.every((t) => t.annotations)).toBe(true);
    });

    it(`${name}: tools/call list_nodes answers from the cluster`, async () => {
      const r = await inspect(`${name} tools/call`, transports()[name], [
        '--method',
        'tools/call',
        '--tool-name',
        'list_nodes',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout) as {
        isError?: boolean;
        content: Array<{ text: string }>;
        structuredContent: { nodes: Array<{ node: string; status: string }> };
      };
      expect(result.isError ?? false).toBe(false);
      expect(result.structuredContent.nodes.map((n) => n.node)).toEqual(['pve1', 'pve2', 'pve3']);
      expect(result.content[0]!.text).toMatch(/^NODE +STATUS/);
    });
  }

  it('streamable http: a call with arguments (get_guest vmid=100)', async () => {
    const r = await inspect('http tools/call args', transports()['streamable http'], [
      '--method',
      'tools/call',
      '--tool-name',
      'get_guest',
      '--tool-arg',
      'vmid=100',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('web01');
  });

  it('without the bearer token the HTTP server refuses the Inspector, and it says why', async () => {
    const r = await inspect(
      'http no token',
      [`${sse.url}/mcp`, '--transport', 'http'],
      ['--method', 'tools/list'],
    );
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toMatch(/"tools"/);
    expect(r.stderr).toContain(
      'Unauthorized: this server requires \\"Authorization: Bearer <MCP_AUTH_TOKEN>\\".',
    );
  });
});

describe('Gemini CLI', () => {
  it('gemini mcp list shows the server Connected over stdio, Streamable HTTP and SSE', async () => {
    const home = scratch();
    const workspace = scratch();
    mkdirSync(path.join(home, '.gemini'));
    const headers = { Authorization: `Bearer ${TOKEN}` };
    const clusterEnv = {
      PROXMOX_URL: sim.url,
      PROXMOX_TOKEN: `root@pam!mcp=${DEMO_TOKEN_SECRET}`,
      PROXMOX_FINGERPRINT: sim.fingerprint,
    };
    writeFileSync(
      path.join(home, '.gemini', 'settings.json'),
      JSON.stringify(
        {
          mcpServers: {
            'pmcp-stdio': { command: process.execPath, args: [binPath, 'demo'], timeout: 20_000 },
            'pmcp-http': { url: `${sse.url}/mcp`, type: 'http', headers, timeout: 20_000 },
            'pmcp-sse': { url: `${sse.url}/sse`, type: 'sse', headers, timeout: 20_000 },
            // A real cluster over stdio, the token passed the way the README says: in the env block.
            'pmcp-env-block': {
              command: process.execPath,
              args: [binPath],
              env: clusterEnv,
              timeout: 20_000,
            },
            // The same token only in Gemini's own environment: Gemini strips *TOKEN* variables, so the
            // server starts without it and exits 78. This is why the README insists on the env block.
            'pmcp-inherited': { command: process.execPath, args: [binPath], timeout: 20_000 },
          },
        },
        null,
        2,
      ),
    );
    const r = await run(process.execPath, [clients.gemini, 'mcp', 'list'], {
      cwd: workspace,
      env: { HOME: home, GEMINI_CLI_TRUST_WORKSPACE: 'true', NO_COLOR: '1', ...clusterEnv },
    });
    timings.push(['gemini mcp list (5 servers)', r.ms]);
    const out = plain(r.stdout + r.stderr);
    // pmcp-inherited is the intended negative case: its "✗ … Disconnected" is the expected result,
    // and the CI log says so next to it rather than leaving it to read as a failure.
    transcripts.push(
      `gemini mcp list:\n${out
        .trim()
        .replace(
          /^(.*pmcp-inherited:.*Disconnected)$/m,
          "$1   <- expected (negative case): the token only in Gemini's own environment, which it strips",
        )}`,
    );
    expect(r.code, out).toBe(0);
    const status = (name: string) => new RegExp(`^\\S+ ${name}: .* - (\\w+)$`, 'm').exec(out)?.[1];
    expect({
      stdio: status('pmcp-stdio'),
      http: status('pmcp-http'),
      sse: status('pmcp-sse'),
      envBlock: status('pmcp-env-block'),
      inherited: status('pmcp-inherited'),
    }).toEqual({
      stdio: 'Connected',
      http: 'Connected',
      sse: 'Connected',
      envBlock: 'Connected',
      inherited: 'Disconnected',
    });
    expect(out).toMatch(/pmcp-http: http:\/\/127\.0\.0\.1:\d+\/mcp \(http\) - Connected/);
    expect(out).toMatch(/pmcp-sse: http:\/\/127\.0\.0\.1:\d+\/sse \(sse\) - Connected/);
  });
});
