import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startInProcess, type InProcessServer } from './helpers.js';

/**
 * /healthz (issue 12, observation 7): every Host gets the state, so container probes keep working
 * whatever address they use; version and session counts go only to the Hosts and Origins /mcp
 * accepts. Before, any Host (a page reaching the server by DNS rebinding) read both.
 */
let srv: InProcessServer;
let named: InProcessServer;
beforeAll(async () => {
  srv = await startInProcess();
  named = await startInProcess({ env: { MCP_ALLOWED_HOSTS: 'mcp.example.com' } });
});
afterAll(async () => {
  await srv?.close();
  await named?.close();
});

const port = (s: InProcessServer) => new URL(s.url).port;

describe('/healthz', () => {
  it('an allowed Host (loopback, or MCP_ALLOWED_HOSTS) sees version, mode and counts, without a token', async () => {
    for (const [s, host] of [
      [srv, `127.0.0.1:${port(srv)}`],
      [srv, `localhost:${port(srv)}`],
      [named, 'mcp.example.com'],
    ] as const) {
      const r = await rawRequest(s.url, '/healthz', { headers: { host } });
      expect(r.status, host).toBe(200);
      expect(r.json, host).toMatchObject({ status: 'ok', mode: 'stateful', sessions: 0, inflight: 0 });
      expect(r.json?.version, host).toMatch(/^\d+\.\d+\.\d+/);
    }
  });

  it('any other Host (a DNS-rebinding page, a probe by IP) gets 200 and the state only', async () => {
    for (const host of ['evil.example', `rebind.attacker.test:${port(srv)}`, '172.17.0.2:8000', '10.0.0.5']) {
      const r = await rawRequest(srv.url, '/healthz', { headers: { host } });
      expect(r.status, host).toBe(200);
      expect(r.json, host).toEqual({ status: 'ok' });
      expect(r.text, host).not.toMatch(/version|sessions|inflight/);
    }
    // HEAD, as some probes send it, also answers 200.
    expect(
      (await rawRequest(srv.url, '/healthz', { method: 'HEAD', headers: { host: '10.0.0.5' } })).status,
    ).toBe(200);
  });

  it('an allowed Host with a foreign Origin (a browser page) gets the state only', async () => {
    const r = await rawRequest(srv.url, '/healthz', {
      headers: { host: `127.0.0.1:${port(srv)}`, origin: 'https://evil.example' },
    });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'ok' });
  });
});
