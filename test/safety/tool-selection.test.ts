import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { allTools } from '../../src/tools/index.js';
import { assertBuilt, binPath, runCli, envFor } from '../helpers/cli.js';
import { startHarness } from '../helpers/harness.js';

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

async function listedWith(extraEnv: Record<string, string>, args: string[] = []): Promise<string[]> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [binPath, ...args],
    env: { PATH: process.env.PATH ?? '', ...env, ...extraEnv },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'tools-test', version: '1' });
  await client.connect(transport);
  try {
    return (await client.listTools()).tools.map((t) => t.name);
  } finally {
    await client.close();
  }
}

describe('tool selection (--tools / PROXMOX_MCP_TOOLS)', () => {
  it('exposes only the named tools, the new guest and task tools included', async () => {
    expect(await listedWith({}, ['--tools', 'get_guest,guest_action,get_task'])).toEqual([
      'get_guest',
      'guest_action',
      'get_task',
    ]);
    expect(await listedWith({ PROXMOX_MCP_TOOLS: 'get_task, get_cluster_resources' })).toEqual([
      'get_cluster_resources',
      'get_task',
    ]);
  });

  it('says so when a selected tool is hidden because every cluster is read-only', async () => {
    const h = await startHarness({
      readOnlySource: '--read-only',
      enabledTools: ['get_guest', 'guest_action'],
    });
    try {
      expect((await h.client.listTools()).tools.map((t) => t.name)).toEqual(['get_guest']);
      expect(h.logs.join('')).toMatch(
        /warn: selected tool guest_action is not listed: every cluster is read-only and it changes things/,
      );
    } finally {
      await h.close();
    }
  });

  it('an unknown name stops start-up (exit 2) with every valid name', async () => {
    const r = await runCli([], { env: { ...env, PROXMOX_MCP_TOOLS: 'get_guest,guest_actions' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `unknown tool guest_actions in PROXMOX_MCP_TOOLS; valid tools: ${allTools.map((t) => t.name).join(', ')}`,
    );
    expect(r.stdout).toBe('');
  });
});
