import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allTools } from '../../src/tools/index.js';
import { buildToolSet, type ClusterView } from '../../src/tools/registry.js';
import { assertBuilt, binPath } from '../helpers/cli.js';

/**
 * The built bundle lists its tools from JSON Schemas generated at build time (tsup.config.ts,
 * src/build/prebuilt-schemas-plugin.ts). Whatever the build put in, the built binary's tools/list must
 * be byte for byte what the sources give by converting the zod schemas at run time, in each mode that
 * changes the listing. No cluster is contacted: the URLs go nowhere (the warm-up fails quietly).
 */
let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-prebuilt-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entry = (n: number) => ({
  url: `https://127.0.0.1:${n}`,
  user: 'mcp@pve',
  token_id: 'mcp',
  token_secret: '00000000-0000-0000-0000-000000000000',
  verify_ssl: false,
});

const modes: Array<{
  mode: string;
  file: Record<string, unknown>;
  args: string[];
  view: ClusterView;
  enabled?: string[];
}> = [
  {
    mode: 'default (one cluster)',
    file: { clusters: { pve: entry(9) } },
    args: [],
    view: { names: ['pve'], defaultCluster: 'pve', allReadOnly: false },
  },
  {
    mode: 'multi-cluster',
    file: { clusters: { alpha: entry(9), beta: entry(10) }, default: 'beta' },
    args: [],
    view: { names: ['alpha', 'beta'], defaultCluster: 'beta', allReadOnly: false },
  },
  {
    mode: 'read-only',
    file: { clusters: { alpha: entry(9), beta: entry(10) } },
    args: ['--read-only'],
    view: { names: ['alpha', 'beta'], defaultCluster: 'alpha', allReadOnly: true },
  },
  {
    mode: 'tools filter',
    file: { clusters: { pve: entry(9) } },
    args: ['--tools', 'list_nodes,proxmox_api_call,list_clusters'],
    view: { names: ['pve'], defaultCluster: 'pve', allReadOnly: false },
    enabled: ['list_nodes', 'proxmox_api_call', 'list_clusters'],
  },
];

describe("the built binary's tools/list", () => {
  it.each(modes)('$mode: equals the run-time conversion', async ({ mode, file, args, view, enabled }) => {
    const cwd = path.join(dir, mode.replace(/\W+/g, '-'));
    mkdirSync(cwd, { recursive: true });
    writeFileSync(path.join(cwd, 'clusters.json'), JSON.stringify(file));
    const listed = await toolsListOfBinary(cwd, args);
    const expected = buildToolSet(allTools, view, enabled, null).map((t) => t.listing);
    expect(listed).toBe(JSON.stringify(expected));
  });
});

/** Spawns the binary in `cwd`, sends initialize → initialized → tools/list, returns the tools as JSON text. */
function toolsListOfBinary(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, XDG_CACHE_HOME: cwd },
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`no tools/list answer: ${err}`));
    }, 15_000);
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      for (const line of out.split('\n').slice(0, -1)) {
        const msg = JSON.parse(line) as { id?: number; result?: { tools?: unknown } };
        if (msg.id !== 2) continue;
        clearTimeout(timer);
        child.stdin.end();
        // The tools as the server serialised them: re-serialising parsed JSON keeps key order.
        resolve(JSON.stringify(msg.result?.tools));
      }
    });
    child.on('error', reject);
    const send = (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`);
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
  });
}
