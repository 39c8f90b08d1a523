import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { allTools } from '../../src/tools/index.js';
import { assertBuilt, binPath, envFor } from '../helpers/cli.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

const FINISHED_TASK = 'FINISHED_TASK';

/**
 * One call per tool, with arguments that would change things wherever the tool can. Every tool of
 * the registry must be here: a new tool that is not covered fails the first test.
 */
const CALLS: Record<string, Array<Record<string, unknown>>> = {
  list_clusters: [{}],
  list_nodes: [{}],
  get_cluster_resources: [{ type: 'vm' }],
  get_guest: [{ vmid: 100 }, { vmid: 200 }],
  guest_action: ['start', 'shutdown', 'stop', 'reboot', 'suspend', 'resume'].map((action) => ({
    vmid: action === 'start' ? 102 : 100,
    action,
  })),
  guest_exec: [{ vmid: 100, command: 'df -h' }],
  guest_file_read: [{ vmid: 100, path: '/etc/os-release' }],
  guest_file_write: [{ vmid: 100, path: '/etc/motd', content: 'x' }],
  get_task: [{ upid: FINISHED_TASK, wait_seconds: 2 }],
  proxmox_api_describe: [{ path: '/nodes/{node}/qemu/{vmid}/status/stop' }],
  proxmox_api_call: [
    { method: 'GET', path: '/version' },
    { method: 'POST', path: '/nodes/pve1/qemu/100/status/stop', wait: 5 },
    { method: 'PUT', path: '/nodes/pve1/qemu/100/config', data: { description: 'x' } },
    { method: 'DELETE', path: '/nodes/pve2/qemu/102' },
    { method: 'POST', path: '/nodes/pve1/lxc/200/snapshot', data: { snapname: 'ro' } },
  ],
};

const nonGet = (sim: Simulator) => sim.requests.filter((q) => q.method !== 'GET');

async function finishedTask(h: Harness, cluster: string): Promise<string> {
  const r = await h.call('proxmox_api_call', { cluster, path: '/nodes/pve1/tasks', data: { limit: 1 } });
  return (r.structuredContent as { data: Array<{ upid: string }> }).data[0]!.upid;
}

function withUpid(args: Record<string, unknown>, upid: string): Record<string, unknown> {
  return args.upid === FINISHED_TASK ? { ...args, upid } : args;
}

describe('read-only mode', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('covers every tool of the registry in this test', () => {
    expect(Object.keys(CALLS).sort()).toEqual(allTools.map((t) => t.name).sort());
  });

  it('--read-only: write tools are not listed, raw access is GET-only, and no other method reaches PVE', async () => {
    h = await startHarness({ readOnlySource: '--read-only' });
    const listed = (await h.client.listTools()).tools;
    const names = listed.map((t) => t.name);
    expect(names).not.toContain('guest_action');
    expect(names).toEqual(
      allTools.filter((t) => t.annotations.readOnlyHint || t.readOnlyVariant).map((t) => t.name),
    );
    expect(listed.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    const upid = await finishedTask(h, 'demo');
    for (const [tool, calls] of Object.entries(CALLS)) {
      for (const args of calls) {
        const r = await h.call(tool, withUpid(args, upid));
        if (!names.includes(tool)) expect(textOf(r)).toMatch(/^Unknown tool/);
        // Listed (operators may allow read-only commands), refused without such a rule.
        else if (tool === 'guest_exec')
          expect(textOf(r)).toMatch(/^refused POST \S+: cluster "demo" is read-only \(--read-only\)/);
        else if (tool === 'proxmox_api_call' && args.method !== 'GET')
          // The refusal names the setting (issue 13), not a schema enum ("expected \"GET\"").
          expect(textOf(r)).toMatch(
            /^refused (POST|PUT|DELETE) \S+: cluster "demo" is read-only \(--read-only\)/,
          );
        else expect(r.isError, `${tool}: ${textOf(r)}`).toBeFalsy();
      }
    }
    expect(nonGet(h.sims.demo!)).toEqual([]);
  });

  it('per-cluster read_only: every tool is listed, but nothing other than GET reaches that cluster, and refusals name the setting', async () => {
    const source = 'read_only: true for cluster "ro" in /etc/pmcp/clusters.json';
    h = await startHarness({
      clusters: [{ name: 'ro', config: { readOnly: true, readOnlySource: source } }, { name: 'rw' }],
    });
    const names = (await h.client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('guest_action');
    const upid = await finishedTask(h, 'ro');
    const refusals: string[] = [];
    for (const [tool, calls] of Object.entries(CALLS)) {
      for (const args of calls) {
        const r = await h.call(tool, {
          ...(tool === 'list_clusters' ? {} : { cluster: 'ro' }),
          ...withUpid(args, upid),
        });
        if (r.isError) refusals.push(textOf(r));
      }
    }
    expect(nonGet(h.sims.ro!)).toEqual([]);
    // 6 guest actions, 4 raw writes, a guest command and a guest file write were refused, each naming the setting.
    expect(refusals).toHaveLength(12);
    for (const text of refusals) {
      expect(text).toMatch(/^refused (POST|PUT|DELETE) \/nodes\/\S+: cluster "ro" is read-only/);
      expect(text).toContain(source);
    }
    // The other cluster is not affected.
    const ok = await h.call('guest_action', { cluster: 'rw', vmid: 102, action: 'start' });
    expect(ok.isError, textOf(ok)).toBeFalsy();
    expect(nonGet(h.sims.rw!).map((q) => q.path)).toEqual(['/api2/json/nodes/pve2/qemu/102/status/start']);
  });
});

describe('PROXMOX_MCP_READ_ONLY=1 in the built binary', () => {
  let sim: Simulator;
  beforeAll(async () => {
    assertBuilt();
    sim = await startSimulator({ taskDurationMs: 50 });
  });
  afterAll(async () => sim?.close());

  it('lists no write tool and sends nothing but GET', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [binPath],
      env: {
        PATH: process.env.PATH ?? '',
        ...envFor(sim),
        PROXMOX_MCP_READ_ONLY: '1',
      },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'ro-test', version: '1' });
    await client.connect(transport);
    try {
      const tools = (await client.listTools()).tools;
      expect(tools.map((t) => t.name)).not.toContain('guest_action');
      const raw = tools.find((t) => t.name === 'proxmox_api_call')!;
      expect(raw.annotations?.readOnlyHint).toBe(true);
      const post = await client.callTool({
        name: 'proxmox_api_call',
        arguments: { method: 'POST', path: '/nodes/pve1/qemu/100/status/stop', wait: 5 },
      });
      expect(post.isError).toBe(true);
      expect((post.content as Array<{ text: string }>)[0]!.text).toContain('PROXMOX_MCP_READ_ONLY=1');
      const action = await client.callTool({
        name: 'guest_action',
        arguments: { vmid: 100, action: 'stop' },
      });
      expect(action.isError).toBe(true);
      const g = await client.callTool({ name: 'get_guest', arguments: { vmid: 100 } });
      expect(g.isError).toBeFalsy();
      expect(sim.requests.filter((q) => q.method !== 'GET')).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
