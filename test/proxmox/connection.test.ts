import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { ProxmoxClient } from '../../src/proxmox/client.js';
import { ProxmoxError } from '../../src/proxmox/errors.js';
import { createSelfSignedCertificate } from '../../src/simulator/certificate.js';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { clusterConfigFor } from '../helpers/harness.js';

/**
 * The connection layer under the client (src/proxmox/cluster-agent.ts, http-request.ts, on undici's
 * pool): servers that accept a connection and then misbehave below HTTP, connection reuse, the bound
 * on connections per cluster, requests given up while waiting for a connection, and no TLS session
 * resumption.
 */
const logger = createLogger({ level: 'error', write: () => {} });

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

describe('below HTTP', () => {
  let sim: Simulator;
  const sockets = new Set<net.Socket>();
  // Accepts, never says a word; remembers each connection, and notices when the other side ends it.
  const silent = net.createServer((s) => {
    sockets.add(s);
    s.resume(); // read (and drop) what arrives, so the other side's close is seen
    s.on('end', () => s.end());
    s.on('error', () => undefined);
  });
  const plain = http.createServer((_req, res) => res.end('not tls'));
  let silentPort: number;
  let plainPort: number;
  const clientOn = (port: number, timeoutMs = 1_000) =>
    new ProxmoxClient(
      clusterConfigFor('odd', sim, { origin: `https://127.0.0.1:${port}`, port, timeoutMs }),
      {
        logger,
      },
    );

  beforeAll(async () => {
    sim = await startSimulator();
    silentPort = await listen(silent);
    plainPort = await listen(plain);
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
    await new Promise((r) => plain.close(r));
    await sim?.close();
  });

  it('a server that accepts and never completes the TLS handshake costs one timeout, not a hang', async () => {
    const client = clientOn(silentPort);
    const started = Date.now();
    const err = await client.request('GET', '/version').catch((e: unknown) => e);
    const ms = Date.now() - started;
    expect(err).toBeInstanceOf(ProxmoxError);
    expect((err as ProxmoxError).message).toMatch(/1000 ms|timed out|did not answer/i);
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(ms).toBeLessThan(2_000);
    await client.close();
  });

  it('plain HTTP on the port is named as such', async () => {
    const client = clientOn(plainPort);
    const err = await client.request('GET', '/version').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProxmoxError);
    expect((err as ProxmoxError).message).toMatch(/does not speak TLS/);
    await client.close();
  });

  it('attempts left by timed-out calls stay bounded (8 per cluster), and close() ends them', async () => {
    const client = clientOn(silentPort, 2_000);
    const accepted = sockets.size;
    const errors = await Promise.all(
      Array.from({ length: 24 }, () =>
        client.request('GET', '/version', {}, { timeoutMs: 100 }).catch((e: unknown) => e),
      ),
    );
    expect(errors.every((e) => e instanceof ProxmoxError)).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    const opened = [...sockets].slice(accepted);
    expect(opened.length).toBeGreaterThan(0);
    expect(opened.length).toBeLessThanOrEqual(8);
    await client.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(opened.filter((s) => !s.destroyed && !s.readableEnded)).toEqual([]);
  });

  it('a client that sent nothing keeps nothing open: close() before any request is fine', async () => {
    await expect(clientOn(silentPort).close()).resolves.toBeUndefined();
  });
});

describe('connection reuse', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => sim?.close());

  it('sequential calls reuse their connections; concurrent ones open at most the pool size (8)', async () => {
    const client = new ProxmoxClient(clusterConfigFor('demo', sim), { logger });
    const before = sim.tlsConnections;
    // Back-to-back requests alternate between two pooled connections (http-request.ts says why).
    for (let i = 0; i < 50; i++) await client.request('GET', '/version');
    expect(sim.tlsConnections - before).toBeLessThanOrEqual(2);
    await Promise.all(Array.from({ length: 40 }, () => client.request('GET', '/nodes')));
    expect(sim.tlsConnections - before).toBeLessThanOrEqual(8);
    await client.close();
  });

  it('calls with a pause between them (as MCP tool calls come) all use one connection', async () => {
    const client = new ProxmoxClient(clusterConfigFor('demo', sim), { logger });
    const before = sim.tlsConnections;
    for (let i = 0; i < 10; i++) {
      await client.request('GET', '/version');
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(sim.tlsConnections - before).toBe(1);
    await client.close();
  });
});

describe('what the pool does for the client', () => {
  const cert = createSelfSignedCertificate();
  let server: https.Server;
  let port: number;
  /** Whether each TLS connection the server accepted resumed an earlier session. */
  const handshakes: boolean[] = [];
  let received: string[] = [];
  let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_q, r) => r.end('{"data":1}');
  beforeAll(async () => {
    server = https.createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
      received.push(req.url ?? '');
      handler(req, res);
    });
    server.on('secureConnection', (s: TLSSocket) => handshakes.push(s.isSessionReused()));
    port = await listen(server);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const client = () =>
    new ProxmoxClient(
      {
        name: 'bare',
        origin: `https://127.0.0.1:${port}`,
        host: '127.0.0.1',
        port,
        user: 'root@pam',
        tokenId: 'mcp',
        tokenSecret: 'secret',
        tls: { mode: 'fingerprint', fingerprint: cert.fingerprint },
        readOnly: false,
        timeoutMs: 2_000,
      },
      { logger },
    );

  it('never resumes a TLS session: every new connection shows its certificate', async () => {
    // Each answer closes its connection, so each request needs a new one from the same pool.
    handler = (_q, res) => {
      res.setHeader('Connection', 'close');
      res.end('{"data":1}');
    };
    const c = client();
    const before = handshakes.length;
    for (let i = 0; i < 3; i++) await c.request('GET', '/version');
    const made = handshakes.slice(before);
    expect(made).toHaveLength(3);
    expect(made).toEqual([false, false, false]);
    await c.close();
  });

  it('a request given up while all connections are busy never reaches the server', async () => {
    const held: http.ServerResponse[] = [];
    handler = (req, res) => (req.url?.includes('slow') ? held.push(res) : res.end('{"data":1}'));
    received = [];
    const c = client();
    const before = handshakes.length;
    const slow = Array.from({ length: 8 }, (_, i) => c.request('GET', `/slow/${i}`));
    while (held.length < 8) await new Promise((r) => setTimeout(r, 10));
    const waited = await c.request('GET', '/queued', {}, { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(waited).toBeInstanceOf(ProxmoxError);
    expect((waited as ProxmoxError).code).toBe('TIMEOUT');
    // The bound: 8 connections for 9 requests.
    expect(handshakes.length - before).toBe(8);
    for (const res of held) res.end('{"data":1}');
    await Promise.all(slow);
    await c.request('GET', '/after');
    expect(received.filter((u) => u.includes('queued'))).toEqual([]);
    expect(received.filter((u) => u.includes('after'))).toHaveLength(1);
    // undici drops the given-up request when a connection frees up, by closing that connection before
    // writing: at most one more handshake, never a request.
    expect(handshakes.length - before).toBeLessThanOrEqual(9);
    await c.close();
  });
});
