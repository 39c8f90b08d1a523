import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { DEMO_TOKEN_SECRET, startSimulator, type Simulator } from '../../../src/simulator/testing/index.js';
import { ACCESS } from '../../auth-e2e/stack.js';
import { roundRobin, startBalancer, type Balancer } from '../../bench/lib/balancer.mjs';
import { assertBuilt } from '../../helpers/cli.js';
import { startOAuthProvider, type TestOAuthProvider } from '../../helpers/oauth-provider.js';
import { registerSecret } from '../../helpers/recording.js';
import { spawnSse, type SpawnedServer } from '../helpers.js';

/**
 * What replicas-oauth.test.ts runs against: the authorization server (its requests counted), the
 * simulator, and REPLICAS `proxmox-mcp sse --stateless` processes of the built binary behind a
 * round-robin balancer whose URL is their MCP_PUBLIC_URL. The bindings below are filled by
 * useReplicaStack's beforeAll.
 */

export const REPLICAS = 3;

export let as: TestOAuthProvider;
/** Every request the authorization server received, as `METHOD /path`. */
export let providerRequests: string[] = [];
export let sim: Simulator;
export let dir: string;
export let lb: Balancer;
/** The balancer's upstreams: filled once the replicas listen (they need its URL first). */
export const upstreams: string[] = Array.from({ length: REPLICAS }, () => '');
export let replicas: SpawnedServer[] = [];
export let metricsUrls: string[] = [];
export const extra: Array<{ close(): Promise<void> } | SpawnedServer> = [];

/**
 * The test provider keeps its server to itself; its requests are seen by wrapping http.createServer
 * while it starts (the listener is added before the provider's own, so it sees every request).
 */
async function startCountedProvider(): Promise<{ as: TestOAuthProvider; requests: string[] }> {
  const requests: string[] = [];
  const create = http.createServer;
  http.createServer = ((...args: Parameters<typeof http.createServer>) => {
    const server = create(...args);
    server.on('request', (req: http.IncomingMessage) => requests.push(`${req.method} ${req.url}`));
    return server;
  }) as typeof http.createServer;
  try {
    return { as: await startOAuthProvider(), requests };
  } finally {
    http.createServer = create;
  }
}

/** One replica: its own clusters.json (roles, audit file) and the OAuth environment. */
export async function startReplica(name: string, env: Record<string, string>): Promise<SpawnedServer> {
  const config = {
    audit_log: path.join(dir, `audit-${name}.log`),
    access: ACCESS,
    clusters: {
      demo: {
        url: sim.url,
        user: 'root@pam',
        token_id: 'mcp',
        token_secret: DEMO_TOKEN_SECRET,
        fingerprint: sim.fingerprint,
      },
    },
  };
  const file = path.join(dir, `clusters-${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  return spawnSse(['--port', '0', '--stateless', '--metrics-port', '0', '--config', file], {
    MCP_OAUTH_ISSUER: as.issuer,
    ...env,
  });
}

/** Starts the whole stack before the file's tests and stops every process of it (and `extra`) after. */
export function useReplicaStack(): void {
  beforeAll(async () => {
    assertBuilt();
    ({ as, requests: providerRequests } = await startCountedProvider());
    sim = await startSimulator({ taskDurationMs: 50 });
    registerSecret(DEMO_TOKEN_SECRET);
    dir = mkdtempSync(path.join(tmpdir(), 'pmcp-replicas-oauth-'));
    lb = await startBalancer(upstreams, roundRobin(REPLICAS));
    replicas = await Promise.all(
      Array.from({ length: REPLICAS }, (_, i) => startReplica(String(i), { MCP_PUBLIC_URL: lb.url })),
    );
    replicas.forEach((r, i) => (upstreams[i] = r.url));
    metricsUrls = replicas.map((r) => {
      const m = /metrics served at (http:\/\/\S+)\/metrics/.exec(r.stderr());
      if (!m?.[1]) throw new Error(`no metrics listener in:\n${r.stderr()}`);
      return m[1];
    });
  }, 30_000);

  afterAll(async () => {
    await lb?.close();
    for (const r of [...replicas, ...extra]) if ('child' in r) r.child.kill('SIGKILL');
    for (const e of extra) if (!('child' in e)) await e.close();
    await sim?.close();
    await as?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
}
