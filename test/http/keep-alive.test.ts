import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startInProcess, type InProcessServer } from './helpers.js';

/**
 * A reverse proxy keeps an idle connection to the server for up to 60 s (ingress-nginx's upstream
 * keepalive, cloud load balancers) and sends the next request on it. If the server closed it at
 * Node's default 5 s, a POST racing that close fails with a 502 (the replica test saw exactly this
 * under load). The server keeps idle connections longer than the proxies do.
 */

let srv: InProcessServer;
beforeAll(async () => {
  srv = await startInProcess({ env: { MCP_AUTH_TOKEN: '' } });
});
afterAll(() => srv?.close());

function get(agent: http.Agent): Promise<{ status: number; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL('/healthz', srv.url), { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
    });
    req.on('error', reject);
  });
}

it('an idle kept-alive connection is still open and reused after the 5 s Node default', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    expect(await get(agent)).toEqual({ status: 200, reused: false });
    await new Promise((r) => setTimeout(r, 6_500));
    expect(srv.handle.stats().connections).toBe(1);
    expect(await get(agent)).toEqual({ status: 200, reused: true });
  } finally {
    agent.destroy();
  }
}, 15_000);
