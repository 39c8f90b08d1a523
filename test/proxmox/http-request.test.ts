import https from 'node:https';
import type net from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterPool, type ClusterPool } from '../../src/proxmox/cluster-agent.js';
import { sendRequest } from '../../src/proxmox/http-request.js';
import { RequestAborted, RequestTimedOut } from '../../src/proxmox/request-errors.js';
import { ResponseTooLargeError } from '../../src/proxmox/response-too-large.js';
import { createSelfSignedCertificate } from '../../src/simulator/certificate.js';

/**
 * sendRequest() on its own, on a cluster pool (undici), against a bare HTTPS server whose answers each
 * test picks: reason phrases, gzip (and gzip that lies), size caps, deadlines and cancellation,
 * connection reuse, redirects.
 */
type Handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;
let handler: Handler = (_req, res) => res.end('{}');
let server: https.Server;
let port: number;
let connections = 0;
/** One pool per size cap (undici's maxResponseSize is a pool setting), made on first use. */
const pools = new Map<number, ClusterPool>();
const poolFor = (maxBytes: number) => {
  let pool = pools.get(maxBytes);
  if (!pool) {
    pool = createClusterPool({
      origin: `https://127.0.0.1:${port}`,
      tls: { mode: 'insecure' },
      connectTimeoutMs: 5_000,
      maxResponseBytes: maxBytes,
    });
    pools.set(maxBytes, pool);
  }
  return pool;
};
const send = (opts: { timeoutMs?: number; maxBytes?: number; signal?: AbortSignal } = {}) => {
  const maxBytes = opts.maxBytes ?? 1024 * 1024;
  return sendRequest(
    poolFor(maxBytes).dispatcher,
    { path: '/api2/json/x', method: 'GET', headers: {} },
    { timeoutMs: opts.timeoutMs ?? 2_000, maxBytes, signal: opts.signal },
  );
};

beforeAll(async () => {
  const cert = createSelfSignedCertificate();
  server = https.createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => handler(req, res));
  server.on('secureConnection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  for (const p of pools.values()) await p.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('sendRequest', () => {
  it('keeps the reason phrase, where PVE puts its error text', async () => {
    handler = (_req, res) => {
      res.statusCode = 403;
      res.statusMessage = 'Permission check failed (/vms/100, VM.PowerMgmt)';
      res.end();
    };
    await expect(send()).resolves.toEqual({
      status: 403,
      statusText: 'Permission check failed (/vms/100, VM.PowerMgmt)',
      body: '',
    });
  });

  it('asks for gzip and inflates it', async () => {
    const body = JSON.stringify({ data: 'x'.repeat(50_000) });
    let asked = '';
    handler = (req, res) => {
      asked = String(req.headers['accept-encoding']);
      res.setHeader('Content-Encoding', 'gzip');
      res.end(gzipSync(body));
    };
    expect((await send()).body).toBe(body);
    expect(asked).toMatch(/gzip/);
  });

  it('refuses a gzip bomb by its inflated size, and corrupt gzip by name', async () => {
    handler = (_req, res) => {
      res.setHeader('Content-Encoding', 'gzip');
      res.end(gzipSync(Buffer.alloc(5 * 1024 * 1024)));
    };
    await expect(send({ maxBytes: 1024 * 1024 })).rejects.toBeInstanceOf(ResponseTooLargeError);
    handler = (_req, res) => {
      res.setHeader('Content-Encoding', 'gzip');
      res.end('this is not gzip');
    };
    await expect(send()).rejects.toMatchObject({ code: 'EBADGZIP' });
  });

  it('caps a plain body too, declared or streamed', async () => {
    handler = (_req, res) => res.end('y'.repeat(4096));
    await expect(send({ maxBytes: 1000 })).rejects.toBeInstanceOf(ResponseTooLargeError);
    handler = (_req, res) => {
      res.write('z'.repeat(800));
      res.end('z'.repeat(800));
    };
    await expect(send({ maxBytes: 1000 })).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it('one deadline for headers and body: a body that stalls times out', async () => {
    handler = (_req, res) => res.write('{"data":'); // never ends
    const started = Date.now();
    await expect(send({ timeoutMs: 300 })).rejects.toBeInstanceOf(RequestTimedOut);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('cancellation stops it at once, and an already-cancelled call sends nothing', async () => {
    let seen = 0;
    handler = () => void seen++; // never answers
    const controller = new AbortController();
    const pending = send({ signal: controller.signal });
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(RequestAborted);
    const before = seen;
    await expect(send({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(RequestAborted);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toBe(before);
  });

  it('does not follow a redirect: the 3xx itself is the answer', async () => {
    let followed = 0;
    handler = (req, res) => {
      if (req.url === '/elsewhere') {
        followed++;
        return res.end('{"data":"elsewhere"}');
      }
      res.statusCode = 302;
      res.setHeader('Location', '/elsewhere');
      res.end();
    };
    await expect(send()).resolves.toMatchObject({ status: 302 });
    expect(followed).toBe(0);
  });

  it('reuses one connection for sequential requests', async () => {
    handler = (_req, res) => res.end('{"data":1}');
    await send();
    const before = connections;
    for (let i = 0; i < 50; i++) await send();
    expect(connections - before).toBe(0);
  });
});

describe('reason phrases', () => {
  it('decodes a UTF-8 reason phrase (PVE writes its messages in UTF-8)', async () => {
    handler = (_req, res) => {
      res.statusCode = 500;
      // Node's server writes the status line as Latin-1: these are the UTF-8 bytes of the message.
      res.statusMessage = Buffer.from('Fehler: Gerät belegt', 'utf8').toString('latin1');
      res.end();
    };
    expect((await send()).statusText).toBe('Fehler: Gerät belegt');
  });

  it('a reason phrase that is not UTF-8 still arrives, its odd bytes replaced (undici decodes UTF-8)', async () => {
    handler = (_req, res) => {
      res.statusCode = 500;
      res.statusMessage = 'caf\xe9 ferm\xe9';
      res.end();
    };
    expect((await send()).statusText).toBe('caf\uFFFD ferm\uFFFD');
  });
});
