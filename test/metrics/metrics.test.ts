import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { createLogger } from '../../src/logger.js';
import { startMetricsServer, type MetricsServerHandle } from '../../src/metrics/listener.js';
import { resolveMetricsSettings } from '../../src/metrics/settings.js';
import { resolvePolicy } from '../../src/safety/policy.js';
import { DEMO_TOKEN_SECRET } from '../../src/simulator/index.js';
import { toolCatalog } from '../../src/tools/catalog.js';
import { assertBuilt, envFor, runCli } from '../helpers/cli.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';
import { authInfoFor, person, sendAs, TEAM_ACCESS } from '../roles/people.js';
import { scrape, sumOf, type Sample } from '../helpers/prometheus.js';
import {
  TOKEN,
  rawRequest,
  spawnSse,
  sseClient,
  startInProcess,
  streamableClient,
  waitFor,
} from '../http/helpers.js';
import { startSimulator } from '../../src/simulator/testing/index.js';

/**
 * /metrics (issue 16 §3): each event the code reports moves its series, and nothing a client or a
 * person chose (a tool or cluster name that is not configured, a path, a token) ever becomes a label.
 * The listener and the harness's server share this process, so every call below is counted by the
 * sink the listener installed; each check compares a scrape before and after (deltas).
 */

const CALLS = 'proxmox_mcp_tool_calls_total';
const CALL_SECONDS = 'proxmox_mcp_tool_call_duration_seconds_count';
const UPSTREAM = 'proxmox_mcp_upstream_request_duration_seconds_count';
const SESSIONS = 'proxmox_mcp_open_sessions';
const REFUSALS = 'proxmox_mcp_refusals_total';

let metricsServer: MetricsServerHandle;
let h: Harness;
const logs: string[] = [];

/** A port nothing listens on: a cluster there is "down" (connection refused). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

beforeAll(async () => {
  metricsServer = await startMetricsServer(
    { host: '127.0.0.1', port: 0 },
    {
      logger: createLogger({ level: 'debug', write: (l) => logs.push(l) }),
      clusters: ['demo', 'lab', 'down'],
      tools: toolCatalog.map((t) => t.name),
    },
  );
  const down = await closedPort();
  h = await startHarness({
    clusters: [
      {
        name: 'demo',
        config: { policy: resolvePolicy(undefined, { deny: ['DELETE /**'] }, 'demo', 'clusters.json') },
      },
      { name: 'lab', config: { readOnly: true, readOnlySource: 'clusters.json read_only' } },
      { name: 'down', config: { origin: `https://127.0.0.1:${down}`, port: down } },
    ],
    // Asked to confirm, the person declines: a not-confirmed refusal.
    clientCapabilities: { capabilities: { elicitation: {} } },
  });
  h.client.setRequestHandler(ElicitRequestSchema, () => ({ action: 'decline' }));
}, 30_000);

afterAll(async () => {
  await h?.close();
  await metricsServer?.close();
});

/** Runs `fn` and returns how much each series moved meanwhile. */
async function delta(fn: () => Promise<unknown>) {
  const before = await scrape(metricsServer.url);
  await fn();
  const after = await scrape(metricsServer.url);
  return (name: string, labels: Record<string, string> = {}) =>
    sumOf(after, name, labels) - sumOf(before, name, labels);
}

describe('tool calls and upstream exchanges', () => {
  it('an answered call: ok, timed, and its PVE exchange counted as 2xx', async () => {
    const moved = await delta(async () => {
      const r = await h.call('list_nodes', {});
      expect(r.isError, textOf(r)).toBeFalsy();
    });
    expect(moved(CALLS, { tool: 'list_nodes', cluster: 'demo', outcome: 'ok' })).toBe(1);
    expect(moved(CALLS)).toBe(1);
    expect(moved(CALL_SECONDS, { tool: 'list_nodes', outcome: 'ok' })).toBe(1);
    expect(moved(UPSTREAM, { cluster: 'demo', status_class: '2xx' })).toBeGreaterThanOrEqual(1);
  });

  it('a call PVE fails: error, with the 5xx and 4xx status classes of its exchanges', async () => {
    const sim = h.sims.demo!;
    const fault = sim.faults.add({ kind: 'status', status: 500, match: 'GET /nodes' });
    const moved500 = await delta(async () => {
      expect((await h.call('list_nodes', {})).isError).toBe(true);
    });
    fault.remove();
    expect(moved500(CALLS, { tool: 'list_nodes', cluster: 'demo', outcome: 'error' })).toBe(1);
    expect(moved500(UPSTREAM, { cluster: 'demo', status_class: '5xx' })).toBe(1);

    const f403 = sim.faults.add({ kind: 'status', status: 403, match: 'GET /nodes' });
    const moved403 = await delta(async () => {
      expect((await h.call('list_nodes', {})).isError).toBe(true);
    });
    f403.remove();
    expect(moved403(UPSTREAM, { cluster: 'demo', status_class: '4xx' })).toBe(1);
  });

  it('a cluster that cannot be reached: the exchange counts with status class none', async () => {
    const moved = await delta(async () => {
      const r = await h.call('list_nodes', { cluster: 'down' });
      expect(textOf(r)).toMatch(/ECONNREFUSED|refused|reach/i);
    });
    expect(moved(UPSTREAM, { cluster: 'down', status_class: 'none' })).toBeGreaterThanOrEqual(1);
    expect(moved(CALLS, { tool: 'list_nodes', cluster: 'down', outcome: 'error' })).toBe(1);
  });

  it('refused by policy, read-only or a declined confirmation: outcome refused, and the refusal by reason', async () => {
    const moved = await delta(async () => {
      const denied = await h.call('proxmox_api_call', { method: 'DELETE', path: '/nodes/pve2/qemu/102' });
      expect(textOf(denied)).toMatch(/denied by policy/);
      const readOnly = await h.call('proxmox_api_call', {
        cluster: 'lab',
        method: 'POST',
        path: '/nodes/pve1/qemu/100/status/start',
      });
      expect(textOf(readOnly)).toMatch(/read-only/);
      const declined = await h.call('guest_action', { vmid: 100, action: 'stop' });
      expect(textOf(declined)).toMatch(/confirmation/);
    });
    expect(moved(CALLS, { tool: 'proxmox_api_call', cluster: 'demo', outcome: 'refused' })).toBe(1);
    expect(moved(CALLS, { tool: 'proxmox_api_call', cluster: 'lab', outcome: 'refused' })).toBe(1);
    expect(moved(CALLS, { tool: 'guest_action', cluster: 'demo', outcome: 'refused' })).toBe(1);
    expect(moved(REFUSALS, { reason: 'policy', cluster: 'demo' })).toBe(1);
    expect(moved(REFUSALS, { reason: 'read-only', cluster: 'lab' })).toBe(1);
    expect(moved(REFUSALS, { reason: 'not-confirmed', cluster: 'demo' })).toBe(1);
  });

  it("refused by a person's role: counted as a role refusal, and the person appears in no label", async () => {
    const team = await startHarness({ clusters: [{ name: 'demo', config: { access: TEAM_ACCESS } }] });
    try {
      const as = sendAs(team);
      const rita = person('u-rita-4821', { name: 'rita.k@example.com', groups: ['pve-readers'] });
      const moved = await delta(async () => {
        const r = await as.call(authInfoFor(rita), 'guest_action', { vmid: 102, action: 'start' });
        expect(textOf(r)).toMatch(/reader/);
      });
      expect(moved(REFUSALS, { reason: 'role', cluster: 'demo' })).toBe(1);
      expect(moved(CALLS, { tool: 'guest_action', cluster: 'demo', outcome: 'refused' })).toBe(1);
      const text = await (await fetch(`${metricsServer.url}/metrics`)).text();
      for (const who of ['u-rita-4821', 'rita.k@example.com', 'pve-readers', 'opaque-test-access-token'])
        expect(text).not.toContain(who);
    } finally {
      await team.close();
    }
  });

  it('a tool or cluster that does not exist is counted under one label, never under its own name', async () => {
    const names = ['drop_everything_7f3a', 'no_such_tool_c0ffee'];
    const moved = await delta(async () => {
      for (const name of names) {
        const r = await h.client.callTool({ name, arguments: {} });
        expect(r.isError).toBe(true);
      }
      const r = await h.call('list_nodes', { cluster: 'cluster-nobody-configured' });
      expect(textOf(r)).toMatch(/Unknown cluster/);
    });
    expect(moved(CALLS, { tool: 'unknown', cluster: 'none', outcome: 'error' })).toBe(2);
    expect(moved(CALLS, { tool: 'list_nodes', cluster: 'none', outcome: 'error' })).toBe(1);
    const text = await (await fetch(`${metricsServer.url}/metrics`)).text();
    for (const n of [...names, 'cluster-nobody-configured']) expect(text).not.toContain(n);
  });
});

describe('label hygiene', () => {
  it('every label value comes from a closed set: configured clusters, the tool catalog, fixed words', async () => {
    const samples = await scrape(metricsServer.url);
    const ours = samples.filter((s) => s.name.startsWith('proxmox_mcp_'));
    expect(ours.length).toBeGreaterThan(10);
    const values = (label: string) =>
      new Set(ours.flatMap((s) => (label in s.labels ? [s.labels[label]!] : [])));
    expect(
      [...values('cluster')].every((c) => ['demo', 'lab', 'down', 'none', '*', 'unknown'].includes(c)),
    ).toBe(true);
    const tools = new Set([...toolCatalog.map((t) => t.name), 'unknown']);
    expect([...values('tool')].every((t) => tools.has(t))).toBe(true);
    expect([...values('outcome')].every((o) => ['ok', 'error', 'refused'].includes(o))).toBe(true);
    expect([...values('status_class')].every((c) => /^([2-5]xx|none)$/.test(c))).toBe(true);
    expect(noSecretOrIdentity(samples)).toEqual([]);
  });
});

/** Label values that look like a secret, a person, a path or a URL. */
function noSecretOrIdentity(samples: Sample[]): string[] {
  return samples.flatMap((s) =>
    Object.values(s.labels).filter(
      (v) =>
        v.includes(DEMO_TOKEN_SECRET) ||
        v.includes(TOKEN) ||
        /@|\/|https?:|PVEAPIToken|Bearer/i.test(v) ||
        /^[0-9a-f-]{20,}$/i.test(v),
    ),
  );
}

describe('the listener', () => {
  it('serves GET /metrics in the Prometheus text format, 405 for other methods, 404 for anything else', async () => {
    const ok = await rawRequest(metricsServer.url, '/metrics');
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    // Node's own figures, from collectDefaultMetrics on our registry.
    expect(ok.text).toMatch(/^process_resident_memory_bytes /m);
    const post = await rawRequest(metricsServer.url, '/metrics', { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    for (const path of ['/', '/mcp', '/healthz', '/metrics/extra', '/metricsx'])
      expect((await rawRequest(metricsServer.url, path)).status, path).toBe(404);
  });
});

describe('sessions and auth over HTTP', () => {
  it('the open-sessions gauge goes up and down with Streamable HTTP and legacy SSE sessions', async () => {
    const server = await startInProcess();
    const gauge = async (transport: string) =>
      sumOf(await scrape(metricsServer.url), SESSIONS, { transport });
    try {
      const [s0, e0] = [await gauge('streamable'), await gauge('sse')];
      const a = streamableClient(server.url);
      const b = streamableClient(server.url);
      await a.client.connect(a.transport);
      await b.client.connect(b.transport);
      expect(await gauge('streamable')).toBe(s0 + 2);
      const legacy = sseClient(server.url);
      await legacy.client.connect(legacy.transport);
      expect(await gauge('sse')).toBe(e0 + 1);

      await a.transport.terminateSession();
      await a.client.close();
      expect(await gauge('streamable')).toBe(s0 + 1);
      await legacy.client.close();
      await waitFor(async () => (await gauge('sse')) === e0, 5_000, 'the SSE session to close');
      await b.client.close();
      await server.handle.close();
      expect(await gauge('streamable')).toBe(s0);
    } finally {
      await server.close().catch(() => {});
    }
  });

  it('a request with a wrong bearer token is counted as an auth refusal, with no cluster', async () => {
    const server = await startInProcess();
    try {
      const moved = await delta(async () => {
        const r = await rawRequest(server.url, '/mcp', {
          method: 'POST',
          headers: { authorization: 'Bearer wrong-token-0123456789abcdef' },
          body: '{}',
        });
        expect(r.status).toBe(401);
      });
      expect(moved(REFUSALS, { reason: 'auth', cluster: 'none' })).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe('settings: off unless a port is given', () => {
  it("no port, no listener; the host defaults to the MCP listener's; a bad port is a configuration error", () => {
    expect(resolveMetricsSettings({}, {}, '0.0.0.0')).toBeUndefined();
    expect(resolveMetricsSettings({}, { MCP_METRICS_HOST: '10.0.0.1' }, '0.0.0.0')).toBeUndefined();
    expect(resolveMetricsSettings({}, { MCP_METRICS_PORT: '9464' }, '0.0.0.0')).toEqual({
      host: '0.0.0.0',
      port: 9464,
    });
    expect(
      resolveMetricsSettings(
        { metricsPort: 9100 },
        { MCP_METRICS_PORT: '9464', MCP_METRICS_HOST: '10.0.0.1' },
        'x',
      ),
    ).toEqual({ host: '10.0.0.1', port: 9100 });
    for (const bad of ['abc', '70000', '-1', '9464x'])
      expect(() => resolveMetricsSettings({}, { MCP_METRICS_PORT: bad }, 'h'), bad).toThrow(ConfigError);
  });
});

/** The TCP ports process `pid` listens on (Linux: its socket inodes matched against /proc/net/tcp*). */
function listeningPorts(pid: number): number[] {
  const inodes = new Set(
    readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        return m ? [m[1]!] : [];
      } catch {
        return [];
      }
    }),
  );
  return ['tcp', 'tcp6'].flatMap((f) =>
    readFileSync(`/proc/${pid}/net/${f}`, 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c[3] === '0A' && inodes.has(c[9]!))
      .map((c) => parseInt(c[1]!.split(':')[1]!, 16)),
  );
}

describe.runIf(process.platform === 'linux')('the built binary', () => {
  it('listens on one port without a metrics port, and serves /metrics on a second one with --metrics-port', async () => {
    assertBuilt();
    const sim = await startSimulator({});
    try {
      const env = { ...envFor(sim), MCP_AUTH_TOKEN: TOKEN };
      const off = await spawnSse(['--port', '0'], env);
      try {
        expect(listeningPorts(off.child.pid!)).toEqual([Number(new URL(off.url).port)]);
        expect(off.stderr()).not.toMatch(/metrics/);
      } finally {
        off.child.kill('SIGTERM');
        await off.exit;
      }
      const on = await spawnSse(['--port', '0', '--metrics-port', '0'], env);
      try {
        const m = /metrics served at (http:\/\/\S+)\/metrics/.exec(on.stderr());
        expect(m, on.stderr()).not.toBeNull();
        const ports = listeningPorts(on.child.pid!).sort();
        expect(ports).toEqual([Number(new URL(on.url).port), Number(new URL(m![1]!).port)].sort());
        const samples = await scrape(m![1]!);
        expect(sumOf(samples, SESSIONS)).toBe(0);
      } finally {
        on.child.kill('SIGTERM');
        expect(await on.exit).toBe(0);
      }
      const bad = await runCli(['sse', '--port', '0'], { env: { ...env, MCP_METRICS_PORT: 'nine' } });
      expect(bad.code).toBe(78);
      expect(bad.stderr).toMatch(/MCP_METRICS_PORT/);
    } finally {
      await sim.close();
    }
  }, 30_000);
});
