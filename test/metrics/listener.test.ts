import { describe, expect, it } from 'vitest';
import { scrape, sumOf } from '../helpers/prometheus.js';
import { rawRequest, sseClient, startInProcess, streamableClient, waitFor } from '../http/helpers.js';
import { REFUSALS, SESSIONS, delta, metricsServer, useMetricsListener } from './helpers.js';

/**
 * The /metrics listener itself (methods, paths, format) and what HTTP sessions and bearer refusals of
 * an in-process server move on it (the listener's sink counts every server in this process).
 */
useMetricsListener();

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
