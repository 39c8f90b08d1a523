import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { assertBuilt, runCli } from '../helpers/cli.js';
import {
  TRANSPORTS,
  readAudit,
  requestsOf,
  startPves,
  startStation,
  type Pves,
  type Station,
  type TransportKind,
} from './helpers/transports.js';

/**
 * Read-only mode through real transports and the built binary (issue 12: read-only, deny and confirm
 * are verdicts of one policy evaluation): `--read-only` for stdio, --stateless HTTP and legacy SSE,
 * PROXMOX_MCP_READ_ONLY=1 for stateful Streamable HTTP. Every tool the server has is called with
 * valid arguments, and every write it can make is tried (each guest action, each method of the raw
 * call; guest_action is not listed in read-only mode, and is called by name all the same),
 * on a cluster whose API schema cannot be loaded and one whose can. The simulators' request logs must
 * hold no request other than GET from these servers, and the audit file one "refused" record per
 * write and no "sent" record at all.
 */

const CLUSTERS = ['nodoc', 'doc'] as const;
const HOW: Record<TransportKind, 'flag' | 'env'> = {
  stdio: 'flag',
  'streamable-http': 'env',
  'stateless-http': 'flag',
  'legacy-sse': 'flag',
};

let pves: Pves;
/** Every tool the server has (`proxmox-mcp tools --json`), listed in read-only mode or not. */
let registry: Tool[];
const stations = new Map<TransportKind, Station>();

beforeAll(async () => {
  assertBuilt();
  pves = await startPves();
  registry = JSON.parse((await runCli(['tools', '--json'])).stdout) as Tool[];
  const started = await Promise.all(
    TRANSPORTS.map((kind) => startStation(kind, `ro-${kind}`, pves, { readOnly: HOW[kind] })),
  );
  for (const s of started) stations.set(s.kind, s);
}, 30_000);

afterAll(async () => {
  await Promise.all([...stations.values()].map((s) => s.close()));
  await pves?.close();
});

/** Writes the raw call is tried with, per method; a method the tool lists and this lacks fails the test. */
const RAW_WRITES: Record<string, Array<{ path: string; data?: Record<string, unknown> }>> = {
  POST: [
    { path: '/nodes/pve2/qemu/102/status/start' },
    { path: '/nodes/pve1/qemu/100/snapshot', data: { snapname: 'ro' } },
    { path: '/nodes/pve1/qemu/100/status/stop%2F' },
    { path: '/api2/json//nodes/pve1/qemu/100/status/stop' },
  ],
  PUT: [{ path: '/nodes/pve1/qemu/100/config', data: { description: 'read-only?' } }],
  DELETE: [{ path: '/nodes/pve1/qemu/100/snapshot/pre-upgrade' }, { path: '/nodes/pve1/qemu/104' }],
};

/** Valid arguments for every tool that only reads (a new tool without an entry fails the test). */
const READS: Record<string, (cluster: string) => Record<string, unknown>> = {
  list_clusters: () => ({}),
  list_nodes: (cluster) => ({ cluster }),
  get_cluster_resources: (cluster) => ({ cluster }),
  get_guest: (cluster) => ({ cluster, vmid: 100 }),
  get_task: (cluster) => ({
    cluster,
    upid: 'UPID:pve1:0003A1CB:062EAAE4:6B133D99:qmstop:100:root@pam!mcp:',
    wait_seconds: 0,
  }),
  proxmox_api_describe: (cluster) => ({ cluster, path: '/nodes/{node}/qemu/{vmid}/status/stop' }),
  guest_file_read: (cluster) => ({ cluster, vmid: 100, path: '/etc/os-release' }),
};

/** Guest agent writes: a command (no read_only_allow rule here) and a file write. */
const GUEST_WRITES: Record<string, Record<string, unknown>> = {
  guest_exec: { vmid: 100, command: ['df', '-h'] },
  guest_file_write: { vmid: 100, path: '/etc/motd', content: 'read-only?' },
};

/** The values an enum property of a tool's input schema allows. */
function enumOf(tool: Tool, property: string): string[] {
  const prop = tool.inputSchema.properties?.[property] as { enum?: unknown[] } | undefined;
  return (prop?.enum ?? []).map(String);
}

describe('read-only: no tool gets anything but GET out, through any transport', () => {
  for (const kind of TRANSPORTS) {
    it.concurrent(
      `${kind} (${HOW[kind] === 'flag' ? '--read-only' : 'PROXMOX_MCP_READ_ONLY=1'})`,
      async ({ expect }) => {
        const s = stations.get(kind)!;
        const listed = new Set((await s.listTools()).map((t) => t.name));
        // Write-only tools are not listed in read-only mode; a client may still call them by name.
        expect(listed.has('guest_action')).toBe(false);
        expect(registry.map((t) => t.name)).toContain('guest_action');
        const tools = registry;
        let writes = 0;
        const refusedWrite = (what: string, r: { isError: boolean; text: string }, listedTool = true) => {
          // Soft: what reached the simulators (below) is the verdict, and it is checked either way.
          expect.soft(r.isError, `${what}: ${r.text}`).toBe(true);
          // Refused by read-only mode, or by the path module before it (an escaped "/"); a tool that
          // is not listed may instead be unknown to the server.
          expect
            .soft(r.text, what)
            .toMatch(listedTool ? /read-only|escaped "\/"/ : /read-only|not found|[Uu]nknown tool/);
          // Each refused request is one audit record; an unknown tool makes no request.
          if (/read-only|escaped "\/"/.test(r.text)) writes++;
        };
        await Promise.all(
          CLUSTERS.map(async (cluster) => {
            for (const tool of tools) {
              if (tool.name === 'guest_action') {
                const actions = enumOf(tool, 'action');
                expect(actions.length, 'guest_action lists its actions').toBeGreaterThanOrEqual(6);
                for (const action of actions) {
                  const r = await s.call(tool.name, { cluster, vmid: 102, action, wait: false });
                  refusedWrite(`${cluster} guest_action ${action}`, r, listed.has(tool.name));
                }
              } else if (GUEST_WRITES[tool.name]) {
                const r = await s.call(tool.name, { cluster, ...GUEST_WRITES[tool.name] });
                refusedWrite(`${cluster} ${tool.name}`, r, listed.has(tool.name));
              } else if (tool.name === 'proxmox_api_call') {
                const methods = enumOf(tool, 'method');
                expect(methods).toContain('GET');
                for (const method of methods.filter((m) => m !== 'GET')) {
                  expect(RAW_WRITES[method], `a write to try for ${method}`).toBeDefined();
                  for (const { path, data } of RAW_WRITES[method]!) {
                    const r = await s.call(tool.name, { cluster, method, path, ...(data ? { data } : {}) });
                    refusedWrite(`${cluster} ${method} ${path}`, r);
                  }
                }
                const read = await s.call(tool.name, {
                  cluster,
                  path: '/nodes/pve1/qemu/100/status/current',
                });
                expect(read.isError, read.text).toBe(false);
              } else {
                expect(READS[tool.name], `arguments for ${tool.name}`).toBeDefined();
                expect(tool.annotations?.readOnlyHint, `${tool.name} says it only reads`).toBe(true);
                await s.call(tool.name, READS[tool.name]!(cluster));
              }
            }
          }),
        );
        for (const sim of [pves.nodoc, pves.doc]) {
          const reached = requestsOf(sim, s.label);
          expect(reached.filter((q) => q.method === 'GET').length, 'the reads went out').toBeGreaterThan(5);
          expect(reached.filter((q) => q.method !== 'GET').map((q) => `${q.method} ${q.path}`)).toEqual([]);
        }

        expect(writes).toBeGreaterThanOrEqual(2 * 7);
        // Nothing needed asking: read-only refuses first.
        expect(s.asked).toEqual([]);

        const audit = readAudit(s.auditFile);
        expect(audit.filter((a) => a.phase === 'sent')).toEqual([]);
        const refused = audit.filter((a) => a.outcome === 'refused');
        expect(refused).toHaveLength(writes);
        for (const r of refused) expect(r.method).not.toBe('GET');
      },
    );
  }
});
