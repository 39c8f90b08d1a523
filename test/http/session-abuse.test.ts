import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { auth, healthz, initializeBody, rawRequest, startInProcess, waitFor } from './helpers.js';
import { retainedHeapMiB } from './raw-socket.js';

const rpc = (sid: string, body: object) =>
  ({
    method: 'POST',
    headers: { ...auth, 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' },
    body: JSON.stringify({ jsonrpc: '2.0', ...body }),
  }) as const;

/** initialize, initialized, one list_nodes: a session that did real work, then left without DELETE. */
async function openAndAbandon(url: string): Promise<string> {
  const init = await rawRequest(url, '/mcp', { method: 'POST', headers: auth, body: initializeBody });
  expect(init.status).toBe(200);
  const sid = String(init.headers['mcp-session-id']);
  await rawRequest(url, '/mcp', rpc(sid, { method: 'notifications/initialized' }));
  const call = await rawRequest(
    url,
    '/mcp',
    rpc(sid, { id: 2, method: 'tools/call', params: { name: 'list_nodes', arguments: {} } }),
  );
  expect(call.text).toMatch(/"pve1"/);
  return sid;
}

describe('sessions opened and never closed', () => {
  it('200 abandoned sessions expire after MCP_SESSION_IDLE_MS (2 s here) and give their memory back', async () => {
    const srv = await startInProcess({ env: { MCP_SESSION_IDLE_MS: '2000', MCP_MAX_SESSIONS: '250' } });
    try {
      // Warm-up, so first-use allocations do not count as growth.
      const warm = await openAndAbandon(srv.url);
      await rawRequest(srv.url, '/mcp', { method: 'DELETE', headers: { ...auth, 'mcp-session-id': warm } });
      const baseline = retainedHeapMiB();
      // Two rounds of 200: what a round leaves behind after its sessions expired must not add up. The
      // first round also pays one-time costs (JIT, log and request-record growth), so the second one
      // is the measure; a leak would keep most of what the live sessions held, round after round.
      const round = async () => {
        for (let i = 0; i < 200; i += 20)
          await Promise.all(Array.from({ length: 20 }, () => openAndAbandon(srv.url)));
        expect(srv.handle.sessions()).toBeGreaterThan(100); // the first ones may already be expiring
        const held = retainedHeapMiB() - baseline;
        await waitFor(() => srv.handle.sessions() === 0, 8_000, 'the abandoned sessions to expire');
        expect(srv.handle.stats()).toMatchObject({ sessions: 0, streams: 0 });
        return { held, left: retainedHeapMiB() - baseline };
      };
      const first = await round();
      const second = await round();
      // Live, 200 sessions hold a few MB (each has its own server instance; the tool listings are
      // shared); expired, they are collectable.
      expect(first.held).toBeGreaterThan(2);
      expect(second.left - first.left).toBeLessThan(first.held / 2);
      expect(second.left).toBeLessThan(8);
      expect(srv.logs.join('')).toMatch(
        /debug: session closed session=[0-9a-f]{8} kind=streamable reason=idle/,
      );
    } finally {
      await srv.close();
    }
  });

  it('300 clients initializing at once: exactly MCP_MAX_SESSIONS get in, the rest a 503 that says why', async () => {
    const srv = await startInProcess({ env: { MCP_MAX_SESSIONS: '100' } });
    try {
      const storm = Array.from({ length: 300 }, () =>
        rawRequest(srv.url, '/mcp', { method: 'POST', headers: auth, body: initializeBody }),
      );
      // /healthz stays quick while the storm is being handled.
      const started = performance.now();
      expect((await healthz(srv.url)).status).toBe('ok');
      expect(performance.now() - started).toBeLessThan(1_000);

      const answers = await Promise.all(storm);
      const ok = answers.filter((r) => r.status === 200);
      const refused = answers.filter((r) => r.status === 503);
      expect([ok.length, refused.length]).toEqual([100, 200]);
      for (const r of refused) {
        expect(r.headers['retry-after']).toBe('5');
        expect(r.json?.error?.message).toMatch(
          /100 concurrent sessions \(MCP_MAX_SESSIONS\) already open; retry later/,
        );
      }
      expect(srv.handle.sessions()).toBe(100);

      await Promise.all(
        ok.map((r) =>
          rawRequest(srv.url, '/mcp', {
            method: 'DELETE',
            headers: { ...auth, 'mcp-session-id': String(r.headers['mcp-session-id']) },
          }),
        ),
      );
      expect(srv.handle.sessions()).toBe(0);
      const again = await rawRequest(srv.url, '/mcp', {
        method: 'POST',
        headers: auth,
        body: initializeBody,
      });
      expect(again.status).toBe(200);
    } finally {
      await srv.close();
    }
  });
});
