import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN_SECRET } from '../../src/simulator/index.js';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { toolCatalog } from '../../src/tools/catalog.js';
import { clientIp, roundRobin, startBalancer, type Balancer } from '../bench/lib/balancer.mjs';
import { assertBuilt, envFor } from '../helpers/cli.js';
import { scrape, sumOf, type Sample } from '../helpers/prometheus.js';
import { TOKEN, spawnSse, sseClient, streamableClient, type SpawnedServer } from './helpers.js';

/**
 * The scale-out claim behind deploy/kubernetes: three `proxmox-mcp sse --stateless` processes (the
 * built binary, as the Deployment runs it) behind a load balancer with no session affinity serve many
 * Streamable HTTP clients at once with no error, each replica taking a share. Legacy SSE, which keeps
 * its session in the replica holding the stream, breaks behind that balancer and works behind a
 * ClientIP-sticky one: the reason the manifests route /sse and /messages through a sticky Service.
 *
 * The balancer is a few lines of node:http (test/bench/lib/balancer.mjs, a kube-proxy/Ingress
 * stand-in, shared with the bench's 1-vs-3-replica figure): it forwards each request, headers and
 * body, to the replica its policy picks and streams the answer back.
 *
 * Each replica serves /metrics on a port of its own (--metrics-port, as the Deployment does): scraped
 * during and after the run, the replicas' tool-call counters add up to the calls made, and no label
 * carries a secret or anyone's identity.
 */

const REPLICAS = 3;
const CLIENTS = 50;
const CALLS_PER_CLIENT = Number(process.env.REPLICA_TEST_CALLS ?? 100);

let sim: Simulator;
let replicas: SpawnedServer[] = [];
/** Each replica's /metrics listener, by index. */
let metricsUrls: string[] = [];
const balancers: Balancer[] = [];

beforeAll(async () => {
  assertBuilt();
  sim = await startSimulator({ taskDurationMs: 50 });
  const env = { ...envFor(sim), MCP_AUTH_TOKEN: TOKEN };
  replicas = await Promise.all(
    Array.from({ length: REPLICAS }, () =>
      spawnSse(['--port', '0', '--stateless', '--metrics-port', '0'], env),
    ),
  );
  metricsUrls = replicas.map((r) => {
    const m = /metrics served at (http:\/\/\S+)\/metrics/.exec(r.stderr());
    if (!m?.[1]) throw new Error(`no metrics listener in:\n${r.stderr()}`);
    return m[1];
  });
}, 30_000);

afterAll(async () => {
  await Promise.all(balancers.map((b) => b.close()));
  for (const r of replicas) r.child.kill('SIGKILL');
  await sim?.close();
});

const nodesOf = (r: CallToolResult) =>
  (r.structuredContent as { nodes: Array<{ node: string }> }).nodes.map((n) => n.node).sort();

describe('replicas: proxmox-mcp sse --stateless behind a load balancer', () => {
  it(`${CLIENTS} Streamable HTTP clients x ${CALLS_PER_CLIENT} list_nodes through a round-robin balancer over ${REPLICAS} replicas: 0 errors, every answer right, every replica serves`, async () => {
    const lb = await startBalancer(
      replicas.map((r) => r.url),
      roundRobin(REPLICAS),
    );
    balancers.push(lb);
    // The right answer, asked of one replica directly.
    const ref = streamableClient(replicas[0]!.url);
    await ref.client.connect(ref.transport);
    const expected = nodesOf(
      (await ref.client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult,
    );
    await ref.client.close();
    expect(expected).toContain('pve1');

    const before = await Promise.all(metricsUrls.map(scrape));
    // Scraped while the calls run, as Prometheus would: each replica answers with a parseable page.
    const during: Sample[][] = [];
    const scraper = setInterval(() => {
      void Promise.all(metricsUrls.map(scrape)).then((pages) => during.push(...pages));
    }, 500);

    const started = performance.now();
    const latencies: number[] = [];
    const errors: string[] = [];
    let right = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        const { client, transport } = streamableClient(lb.url);
        try {
          await client.connect(transport);
          for (let k = 0; k < CALLS_PER_CLIENT; k++) {
            const t0 = performance.now();
            const r = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
            latencies.push(performance.now() - t0);
            if (r.isError) errors.push(`client ${c} call ${k}: ${JSON.stringify(r.content)}`);
            else if (JSON.stringify(nodesOf(r)) === JSON.stringify(expected)) right++;
            else errors.push(`client ${c} call ${k}: nodes ${nodesOf(r).join(',')}`);
          }
        } catch (err) {
          errors.push(`client ${c}: ${(err as Error).message}`);
        } finally {
          await client.close();
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    clearInterval(scraper);
    latencies.sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    // The figures the README quotes ("Run on Kubernetes"); stderr so they show in the test output.
    process.stderr.write(
      `replicas: ${CLIENTS} clients x ${CALLS_PER_CLIENT} calls over ${REPLICAS} replicas in ${seconds.toFixed(1)} s ` +
        `(${((CLIENTS * CALLS_PER_CLIENT) / seconds).toFixed(0)} calls/s, p50 ${p(0.5).toFixed(0)} ms, ` +
        `p99 ${p(0.99).toFixed(0)} ms); requests per replica ${lb.served.join(' / ')} ` +
        `(sent again after a closed keep-alive connection: ${lb.retried.join(' / ')})\n`,
    );

    expect(errors.slice(0, 5)).toEqual([]);
    expect(right).toBe(CLIENTS * CALLS_PER_CLIENT);
    // Every POST (initialize, initialized, each call) went round the replicas: each took a third.
    for (const n of lb.served) expect(n).toBeGreaterThan((CLIENTS * CALLS_PER_CLIENT) / REPLICAS / 2);
    // And each replica answered tool calls itself (its own access log), not just handshakes.
    for (const r of replicas) expect(r.stderr()).toMatch(/POST \/mcp 200/);

    // /metrics: the replicas' counters add up to the calls made, each replica counted its own share.
    const after = await Promise.all(metricsUrls.map(scrape));
    const ok = { tool: 'list_nodes', cluster: 'default', outcome: 'ok' };
    const moved = (name: string, labels: Record<string, string> = {}) =>
      after.map((page, i) => sumOf(page, name, labels) - sumOf(before[i]!, name, labels));
    const calls = moved('proxmox_mcp_tool_calls_total', ok);
    process.stderr.write(`replicas: tool calls counted per replica ${calls.join(' / ')}\n`);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(CLIENTS * CALLS_PER_CLIENT);
    expect(moved('proxmox_mcp_tool_calls_total').reduce((a, b) => a + b, 0)).toBe(CLIENTS * CALLS_PER_CLIENT);
    for (const n of calls) expect(n).toBeGreaterThan(0);
    // Every call asked the simulator (2xx); the histogram counts each exchange.
    const upstream = moved('proxmox_mcp_upstream_request_duration_seconds_count', {
      cluster: 'default',
      status_class: '2xx',
    });
    expect(upstream.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(CLIENTS * CALLS_PER_CLIENT);
    expect(
      moved('proxmox_mcp_tool_call_duration_seconds_count', { tool: 'list_nodes', outcome: 'ok' }),
    ).toEqual(calls);
    // --stateless keeps no session: the gauge stays at 0.
    for (const page of after) expect(sumOf(page, 'proxmox_mcp_open_sessions')).toBe(0);
    expect(during.length).toBeGreaterThan(0);
    for (const page of [...before, ...during, ...after]) expect(suspiciousLabels(page)).toEqual([]);
  }, 120_000);

  it('legacy SSE fails through the round-robin balancer (its session lives in one replica) and works with ClientIP affinity', async () => {
    const rr = await startBalancer(
      replicas.map((r) => r.url),
      roundRobin(REPLICAS),
    );
    const sticky = await startBalancer(
      replicas.map((r) => r.url),
      clientIp(REPLICAS),
    );
    balancers.push(rr, sticky);

    // GET /sse lands on one replica; the POST /messages that carries initialize lands on the next,
    // which has no such session: 404, and the client cannot connect.
    const broken = sseClient(rr.url);
    await expect(broken.client.connect(broken.transport)).rejects.toThrow(/404|session/i);
    await broken.client.close();
    expect(rr.served.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);

    const { client, transport } = sseClient(sticky.url);
    await client.connect(transport);
    for (let k = 0; k < 5; k++) {
      const r = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
      expect(r.isError ?? false).toBe(false);
      expect(nodesOf(r).length).toBeGreaterThan(0);
    }
    await client.close();
    // Every request of that client reached one replica.
    expect(sticky.served.filter((n) => n > 0)).toHaveLength(1);
  });
});

/**
 * Label values that could be a secret or a person: the bearer token, the PVE token secret, a user or
 * e-mail (@), a path or URL, a long hex id (a session id). The clusters and tools must be the configured
 * ones.
 */
function suspiciousLabels(page: Sample[]): string[] {
  const tools = new Set([...toolCatalog.map((t) => t.name), 'unknown']);
  return page.flatMap((s) =>
    Object.entries(s.labels)
      .filter(
        ([k, v]) =>
          v.includes(TOKEN) ||
          v.includes(DEMO_TOKEN_SECRET) ||
          /@|\/|https?:|Bearer|PVEAPIToken/i.test(v) ||
          /^[0-9a-f-]{20,}$/i.test(v) ||
          (k === 'cluster' && !['default', 'none', '*', 'unknown'].includes(v)) ||
          (k === 'tool' && !tools.has(v)),
      )
      .map(([k, v]) => `${s.name} ${k}=${v}`),
  );
}
