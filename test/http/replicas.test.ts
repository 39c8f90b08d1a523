import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { assertBuilt, envFor } from '../helpers/cli.js';
import { TOKEN, spawnSse, sseClient, streamableClient, type SpawnedServer } from './helpers.js';

/**
 * The scale-out claim behind deploy/kubernetes: three `proxmox-mcp sse --stateless` processes (the
 * built binary, as the Deployment runs it) behind a load balancer with no session affinity serve many
 * Streamable HTTP clients at once with no error, each replica taking a share. Legacy SSE, which keeps
 * its session in the replica holding the stream, breaks behind that balancer and works behind a
 * ClientIP-sticky one: the reason the manifests route /sse and /messages through a sticky Service.
 *
 * The balancer is a few lines of node:http written here (a kube-proxy/Ingress stand-in): it forwards
 * each request, headers and body, to the replica its policy picks and streams the answer back.
 */

const REPLICAS = 3;
const CLIENTS = 50;
const CALLS_PER_CLIENT = Number(process.env.REPLICA_TEST_CALLS ?? 100);

interface Balancer {
  url: string;
  /** Requests forwarded to each replica, by index. */
  served: number[];
  close(): Promise<void>;
}

/** `pick` chooses the replica for a request: round-robin, or by client address (ClientIP affinity). */
async function startBalancer(
  replicas: SpawnedServer[],
  pick: (req: http.IncomingMessage) => number,
): Promise<Balancer> {
  const served = replicas.map(() => 0);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer((req, res) => {
    const i = pick(req);
    served[i]!++;
    const upstream = http.request(
      new URL(req.url ?? '/', replicas[i]!.url),
      { method: req.method, headers: req.headers, agent },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    close: () =>
      new Promise<void>((r) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const roundRobin = () => {
  let n = 0;
  return () => n++ % REPLICAS;
};
/** kube-proxy's ClientIP affinity: the same client address always reaches the same replica. */
const clientIp = (req: http.IncomingMessage) =>
  [...(req.socket.remoteAddress ?? '')].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7) % REPLICAS;

let sim: Simulator;
let replicas: SpawnedServer[] = [];
const balancers: Balancer[] = [];

beforeAll(async () => {
  assertBuilt();
  sim = await startSimulator({ taskDurationMs: 50 });
  const env = { ...envFor(sim), MCP_AUTH_TOKEN: TOKEN };
  replicas = await Promise.all(
    Array.from({ length: REPLICAS }, () => spawnSse(['--port', '0', '--stateless'], env)),
  );
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
    const lb = await startBalancer(replicas, roundRobin());
    balancers.push(lb);
    // The right answer, asked of one replica directly.
    const ref = streamableClient(replicas[0]!.url);
    await ref.client.connect(ref.transport);
    const expected = nodesOf(
      (await ref.client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult,
    );
    await ref.client.close();
    expect(expected).toContain('pve1');

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
    latencies.sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    // The figures the README quotes ("Run on Kubernetes"); stderr so they show in the test output.
    process.stderr.write(
      `replicas: ${CLIENTS} clients x ${CALLS_PER_CLIENT} calls over ${REPLICAS} replicas in ${seconds.toFixed(1)} s ` +
        `(${((CLIENTS * CALLS_PER_CLIENT) / seconds).toFixed(0)} calls/s, p50 ${p(0.5).toFixed(0)} ms, ` +
        `p99 ${p(0.99).toFixed(0)} ms); requests per replica ${lb.served.join(' / ')}\n`,
    );

    expect(errors.slice(0, 5)).toEqual([]);
    expect(right).toBe(CLIENTS * CALLS_PER_CLIENT);
    // Every POST (initialize, initialized, each call) went round the replicas: each took a third.
    for (const n of lb.served) expect(n).toBeGreaterThan((CLIENTS * CALLS_PER_CLIENT) / REPLICAS / 2);
    // And each replica answered tool calls itself (its own access log), not just handshakes.
    for (const r of replicas) expect(r.stderr()).toMatch(/POST \/mcp 200/);
  }, 120_000);

  it('legacy SSE fails through the round-robin balancer (its session lives in one replica) and works with ClientIP affinity', async () => {
    const rr = await startBalancer(replicas, roundRobin());
    const sticky = await startBalancer(replicas, clientIp);
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
