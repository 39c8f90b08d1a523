import { ElicitRequestSchema, type ElicitRequest } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, resolvePolicy, type PolicyEntry } from '../../src/safety/policy.js';
import type { PolicyRule } from '../../src/safety/rules.js';
import type { Simulator } from '../../src/simulator/testing/index.js';
import { ROUTES, Router, routingFragments } from '../../src/simulator/routes.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/**
 * Policies through a real MCP client against the simulator, which decodes and routes like pveproxy.
 * Every spelling of a denied or confirm-listed request is either refused or judged as the route PVE
 * takes, with the cluster's API schema unavailable (so the schema pre-flight cannot help) and
 * available. What counts is what reached the simulator: its request log.
 */

const FILE = '/etc/pmcp/clusters.json';
const STOP = '/nodes/{node}/qemu/{vmid}/status/stop';
const router = new Router(ROUTES);

type SchemaMode = 'schema unavailable (404)' | 'schema unavailable (garbage)' | 'schema available';
const MODES: SchemaMode[] = ['schema unavailable (404)', 'schema unavailable (garbage)', 'schema available'];

async function harness(own: PolicyEntry, mode: SchemaMode) {
  const asked: ElicitRequest['params'][] = [];
  const h = await startHarness({
    clusters: [{ name: 'prod', config: { policy: resolvePolicy(undefined, own, 'prod', FILE) } }],
    clientCapabilities: { capabilities: { elicitation: {} } },
  });
  // The person at the client says no to every question.
  h.client.setRequestHandler(ElicitRequestSchema, async (req) => {
    asked.push(req.params);
    return { action: 'decline' };
  });
  const sim = h.sims.prod!;
  if (mode === 'schema unavailable (404)')
    sim.faults.add({ kind: 'status', status: 404, match: 'GET /pve-docs' });
  if (mode === 'schema unavailable (garbage)') sim.setGarbage('/pve-docs');
  return { h, sim, asked };
}

/** Requests that reached the simulator, other than GET, as "METHOD template" of the route it took. */
function writesReached(sim: Simulator): string[] {
  return sim.requests
    .filter((q) => q.method !== 'GET')
    .map((q) => {
      const rel = /^\/api2\/json(\/.*)?$/s.exec(q.path)?.[1] ?? q.path;
      return `${q.method} ${router.match(q.method, rel)?.route.path ?? `(no route) ${routingFragments(rel).join('/')}`}`;
    });
}

/** Ways of writing POST /nodes/pve1/qemu/100/status/stop that PVE routes to the stop handler. */
const STOP_SPELLINGS = [
  '/nodes/pve1/qemu/100/status/stop',
  '/nodes/pve1/qemu/100/status/stop%2F',
  '/nodes/pve1/qemu/100/status/stop%2f',
  '/nodes/pve1/qemu/100/status%2Fstop',
  '/nodes/pve1/qemu/100%2F%2Fstatus/stop',
  '/nodes//pve1/qemu/100/status/stop/',
  '%2Fnodes%2Fpve1%2Fqemu%2F100%2Fstatus%2Fstop',
  '/api2/json/nodes/pve1/qemu/100/status//stop//',
  'nodes/pve1/qemu/100/status/%73%74%6F%70',
  '/nodes/pve1/qemu/%31%30%30/status/stop',
  '/nodes/pve1/qemu/100/status/stop%C0%AF',
  '/nodes/pve1/qemu/100/status/stop/%2E',
  '/nodes/pve1/qemu/100/status/%2e%2e/status/stop',
];

describe.each(MODES)('policies hold on the route PVE takes, %s', (mode) => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a deny rule cannot be walked around by any spelling, raw or curated', async () => {
    const t = await harness({ deny: ['POST /nodes/*/qemu/*/status/stop'], confirm: [] }, mode);
    h = t.h;
    for (const path of STOP_SPELLINGS) {
      const r = await h.call('proxmox_api_call', { method: 'POST', path });
      expect(r.isError, `${path}: ${textOf(r)}`).toBe(true);
      expect(textOf(r), path).toMatch(/denied by policy rule|escaped "\/"|traversal|percent-encoding/);
    }
    const action = await h.call('guest_action', { vmid: 100, action: 'stop' });
    expect(textOf(action)).toMatch(/denied by policy rule "POST \/nodes\/\*\/qemu\/\*\/status\/stop"/);
    expect(writesReached(t.sim)).toEqual([]);
    // "%252F" is the literal text "%2F" to PVE: not the stop handler, and so not denied either.
    await h.call('proxmox_api_call', { method: 'POST', path: '/nodes/pve1/qemu/100/status/stop%252F' });
    expect(writesReached(t.sim).filter((w) => w.includes(STOP))).toEqual([]);
  });

  it('the default confirm list asks for every spelling, and a declined request is never sent', async () => {
    const t = await harness({}, mode);
    h = t.h;
    const asks: Array<{ path: string; data?: Record<string, unknown> }> = [
      ...STOP_SPELLINGS.map((path) => ({ path })),
      { path: '/nodes/pve1/qemu/100/status//reset/' },
      { path: '/nodes/pve1/qemu/100/status%2Freset' },
      { path: '/nodes/pve1/lxc/200/status/stop%2F' },
      { path: '/nodes/pve1//stopall' },
      { path: '/nodes/pve1/status', data: { command: 'shutdown' } },
      { path: '/nodes/pve1/status/', data: { command: 'reboot' } },
      { path: '/nodes/pve1/status', data: { command: 'Reboot' } },
      { path: '/nodes/pve1/qemu/100/status/shutdown', data: { forceStop: true } },
      { path: '/nodes/pve1/qemu/100/status/shutdown', data: { forceStop: '1' } },
      { path: '/nodes/pve1/qemu/100/status/shutdown', data: { forceStop: 1 } },
      { path: '/nodes/pve1/qemu/100/status//shutdown', data: { forceStop: 'true' } },
      { path: '/nodes/pve1/lxc/200/status/shutdown', data: { forceStop: [1] } },
      { path: '/nodes/pve1/qemu/100/agent/exec', data: { command: ['rm', '-rf', '/'] } },
      { path: '/nodes/pve1/qemu/100/agent%2Fexec', data: { command: 'id' } },
      { path: '/nodes/pve1/qemu/100/agent/file-write', data: { file: '/etc/passwd', content: 'x' } },
      { path: '/nodes/pve1/qemu/100/move_disk', data: { disk: 'scsi0', storage: 'local', delete: true } },
      { path: '/nodes/pve1/qemu/100/snapshot/s1/rollback' },
      { path: '/nodes/pve1/qemu/100/status/suspend', data: { todisk: 1 } },
    ];
    for (const { path, data } of asks) {
      const before = t.asked.length;
      const r = await h.call('proxmox_api_call', { method: 'POST', path, ...(data ? { data } : {}) });
      expect(r.isError, `${path}: ${textOf(r)}`).toBe(true);
      const text = textOf(r);
      if (/needs the user's confirmation/.test(text)) expect(t.asked.length, path).toBe(before + 1);
      // Refused before any question: by the path module, or (schema available only) by the pre-flight
      // for an endpoint the simulator's own schema lacks.
      else
        expect(text, path).toMatch(
          mode === 'schema available'
            ? /escaped "\/"|traversal|percent-encoding|No API path matches|has no POST method|Parameter verification failed/
            : /escaped "\/"|traversal|percent-encoding/,
        );
    }
    const action = await h.call('guest_action', { vmid: 100, action: 'stop' });
    expect(textOf(action)).toMatch(/needs the user's confirmation/);
    expect(writesReached(t.sim)).toEqual([]);
    // Not asked for what the list does not name: a plain shutdown goes out.
    const clean = await h.call('proxmox_api_call', {
      method: 'POST',
      path: '/nodes/pve1/qemu/100/status/shutdown',
    });
    expect(clean.isError, textOf(clean)).toBeFalsy();
    expect(writesReached(t.sim)).toEqual(['POST /nodes/{node}/qemu/{vmid}/status/shutdown']);
  });
});

/** A concrete request for a default confirm rule: wildcards filled in, conditions met. */
function exampleOf(rule: PolicyRule): { method: string; path: string; data: Record<string, unknown> } {
  const fill: Record<string, string> = {
    nodes: 'pve1',
    qemu: '100',
    lxc: '200',
    snapshot: 's1',
    services: 'pveproxy',
    replication: '100-0',
  };
  const segments = rule.pattern.map((seg, i) => {
    if (seg === '**') return i === 0 ? 'cluster' : 'join';
    return seg === '*' ? (fill[rule.pattern[i - 1] ?? ''] ?? 'x') : seg;
  });
  const path =
    segments.length === 1 && segments[0] === 'cluster' ? '/nodes/pve1/qemu/100' : '/' + segments.join('/');
  const data = Object.fromEntries(rule.conditions.map((c) => [c.name, c.values?.[0] ?? 'x']));
  return { method: rule.method, path, data };
}

/** Spellings PVE routes to the same handler: doubled and trailing slashes, escaped letters, the prefix. */
function respell(path: string): string[] {
  const last = path.lastIndexOf('/');
  const escapedLetter =
    path.slice(0, last + 1) + '%' + path.charCodeAt(last + 1).toString(16) + path.slice(last + 2);
  return [
    path,
    path.replace(/^(\/[^/]+)\//, '$1//') + '/',
    escapedLetter,
    `/api2/json${path.replace(/\//g, '//')}`,
  ];
}

describe.each(MODES.filter((m) => m !== 'schema available'))(
  'every default confirm rule asks, %s',
  (mode) => {
    let h: Harness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it('for every spelling, and nothing declined is sent', async () => {
      const t = await harness({}, mode);
      h = t.h;
      for (const rule of DEFAULT_POLICY.confirm) {
        const { method, path, data } = exampleOf(rule);
        for (const spelled of respell(path)) {
          const before = t.asked.length;
          const r = await h.call('proxmox_api_call', { method, path: spelled, data });
          expect(textOf(r), `${rule.text}: ${spelled}`).toMatch(/needs the user's confirmation/);
          expect(t.asked.length, spelled).toBe(before + 1);
        }
      }
      expect(t.sim.requests.filter((q) => q.method !== 'GET')).toEqual([]);
    });
  },
);

describe.each(MODES)('every tool that sends requests passes the policy, %s', (mode) => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('with "* /**" denied, no tool gets a single API request out', async () => {
    const t = await harness({ deny: ['* /**'], confirm: [] }, mode);
    h = t.h;
    const calls: Array<[string, Record<string, unknown>]> = [
      ['list_clusters', {}],
      ['list_nodes', {}],
      ['get_cluster_resources', {}],
      ['get_guest', { vmid: 100 }],
      ['get_task', { upid: 'UPID:pve1:0003A1CB:062EAAE4:6B133D99:qmstop:100:root@pam!mcp:' }],
      ['guest_action', { vmid: 100, action: 'start' }],
      ['proxmox_api_call', { path: '/version' }],
      ['proxmox_api_call', { method: 'PUT', path: '/nodes/pve1/qemu/100/config', data: { memory: 1024 } }],
    ];
    for (const [tool, args] of calls) {
      const r = await h.call(tool, args);
      expect(textOf(r), tool).toMatch(/denied by policy rule "\* \/\*\*"/);
    }
    expect(t.sim.requests.filter((q) => q.path.startsWith('/api2/'))).toEqual([]);
  });
});

describe('volume ids keep working: PVE joins everything after …/content/ into {volume}', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('plain, escaped and doubled slashes in a volume id reach the same route, and rules see the whole id', async () => {
    const t = await harness(
      { deny: ['DELETE /nodes/*/storage/*/content/local:iso/*'], confirm: [] },
      'schema unavailable (404)',
    );
    h = t.h;
    for (const path of [
      '/nodes/pve1/storage/local/content/local:iso/debian.iso',
      '/nodes/pve1/storage/local/content/local:iso%2Fdebian.iso',
      '/nodes/pve1/storage/local/content/local:iso//debian.iso',
      '/nodes/pve1/storage/local/content/local%3Aiso%2f%2Fdebian.iso/',
    ]) {
      const r = await h.call('proxmox_api_call', { method: 'DELETE', path });
      expect(textOf(r), path).toMatch(
        /denied by policy rule "DELETE \/nodes\/\*\/storage\/\*\/content\/local:iso\/\*"/,
      );
    }
    expect(t.sim.requests.filter((q) => q.method === 'DELETE')).toEqual([]);
    // Not denied (another storage): sent once, with the id as one escaped segment.
    await h.call('proxmox_api_call', {
      method: 'DELETE',
      path: '/nodes/pve1/storage/local/content/local:vztmpl/x.tar.zst',
    });
    expect(t.sim.requests.filter((q) => q.method === 'DELETE').map((q) => q.path)).toEqual([
      '/api2/json/nodes/pve1/storage/local/content/local:vztmpl/x.tar.zst',
    ]);
  });
});
