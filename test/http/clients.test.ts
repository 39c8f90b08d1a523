import http from 'node:http';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TOKEN,
  auth,
  healthz,
  initializeBody,
  rawRequest,
  sseClient,
  startInProcess,
  streamableClient,
  waitFor,
  type InProcessServer,
} from './helpers.js';

let srv: InProcessServer;

beforeAll(async () => {
  srv = await startInProcess();
});
afterAll(async () => srv?.close());

const nodesOf = (r: CallToolResult) =>
  (r.structuredContent as { nodes: Array<{ node: string }> }).nodes.map((n) => n.node);

describe('real MCP clients against the in-process HTTP server', () => {
  it('Streamable HTTP (/mcp): lists tools, calls list_nodes, and DELETE releases the session', async () => {
    const { client, transport } = streamableClient(srv.url);
    await client.connect(transport);
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(['list_nodes', 'proxmox_api_call']),
    );
    const r = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
    expect(r.isError).toBeFalsy();
    expect(nodesOf(r)).toContain('pve1');
    expect((await healthz(srv.url)).sessions).toBe(1);
    await transport.terminateSession();
    await client.close();
    expect(srv.handle.sessions()).toBe(0);
  });

  it('legacy SSE (/sse + /messages): lists tools and calls list_nodes; closing the stream ends the session', async () => {
    const { client, transport } = sseClient(srv.url);
    await client.connect(transport);
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain('list_nodes');
    const r = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
    expect(nodesOf(r)).toContain('pve1');
    expect(srv.handle.sessions()).toBe(1);
    await client.close();
    await waitFor(() => srv.handle.sessions() === 0, 2_000, 'the SSE session to be released');
  });

  it('/healthz needs no token and reports version, mode and session count (to an allowed Host)', async () => {
    const r = await rawRequest(srv.url, '/healthz');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: 'ok', mode: 'stateful', sessions: 0 });
    expect(r.json?.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('writes one access log line per request, and never the bearer token', () => {
    const lines = srv.logs.join('');
    expect(lines).toMatch(/info: POST \/mcp 200 ms=\d+/);
    expect(lines).toMatch(/info: GET \/sse 200 ms=\d+ session=[0-9a-f]{8} /);
    expect(lines).toMatch(/info: POST \/messages 202 /);
    expect(lines).not.toContain(TOKEN);
  });

  it('a disconnect storm (300 SSE connect/disconnect cycles) leaves no session behind', async () => {
    let peak = 0;
    const cycle = (i: number) =>
      new Promise<void>((resolve) => {
        const req = http.get(new URL('/sse', srv.url), { headers: auth, agent: false }, (res) => {
          res.once('data', () => {
            peak = Math.max(peak, srv.handle.sessions());
            req.destroy();
          });
        });
        req.on('close', resolve).on('error', () => {});
        // Every fifth client hangs up before the server has answered.
        if (i % 5 === 0) setImmediate(() => req.destroy());
      });
    const started = Date.now();
    for (let batch = 0; batch < 300; batch += 30)
      await Promise.all(Array.from({ length: 30 }, (_, k) => cycle(batch + k)));
    await waitFor(async () => (await healthz(srv.url)).sessions === 0, 5_000, 'sessions to drain');
    expect(peak).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a stateful session that goes quiet expires (MCP_SESSION_IDLE_MS) and then answers 404', async () => {
    const quick = await startInProcess({ env: { MCP_SESSION_IDLE_MS: '1000' } });
    try {
      const init = await rawRequest(quick.url, '/mcp', {
        method: 'POST',
        headers: auth,
        body: initializeBody,
      });
      expect(init.status).toBe(200);
      const sid = String(init.headers['mcp-session-id']);
      expect(quick.handle.sessions()).toBe(1);
      await waitFor(() => quick.handle.sessions() === 0, 3_000, 'the idle session to expire');
      const after = await rawRequest(quick.url, '/mcp', {
        method: 'POST',
        headers: { ...auth, 'mcp-session-id': sid },
        body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
      });
      expect(after.status).toBe(404);
      expect(after.json?.error).toMatchObject({
        code: -32001,
        message: expect.stringMatching(/Session not found/),
      });
    } finally {
      await quick.close();
    }
  });

  it('caps concurrent sessions (MCP_MAX_SESSIONS): the next one gets 503 with a JSON-RPC error', async () => {
    const capped = await startInProcess({ env: { MCP_MAX_SESSIONS: '2' } });
    const streams: http.ClientRequest[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        await new Promise<void>((resolve) => {
          const req = http.get(new URL('/sse', capped.url), { headers: auth, agent: false }, (res) =>
            res.once('data', () => resolve()),
          );
          req.on('error', () => {});
          streams.push(req);
        });
      }
      expect(capped.handle.sessions()).toBe(2);
      for (const r of [
        await rawRequest(capped.url, '/sse', { headers: auth }),
        await rawRequest(capped.url, '/mcp', { method: 'POST', headers: auth, body: initializeBody }),
      ]) {
        expect(r.status).toBe(503);
        expect(r.json?.error?.message).toMatch(/2 concurrent sessions \(MCP_MAX_SESSIONS\) already open/);
      }
      streams[0]!.destroy();
      await waitFor(() => capped.handle.sessions() === 1, 2_000, 'a slot to free up');
      const init = await rawRequest(capped.url, '/mcp', {
        method: 'POST',
        headers: auth,
        body: initializeBody,
      });
      expect(init.status).toBe(200);
    } finally {
      for (const s of streams) s.destroy();
      await capped.close();
    }
  });

  it('shutdown lets a legacy SSE tool call in flight finish before closing the session', async () => {
    const slow = await startInProcess();
    const { client, transport } = sseClient(slow.url);
    await client.connect(transport);
    slow.sim.setLatency(800);
    const call = client.callTool({ name: 'list_nodes', arguments: {} });
    await waitFor(async () => (await healthz(slow.url)).inflight === 1, 2_000, 'the call to be in flight');
    const started = Date.now();
    await slow.close();
    const r = (await call) as CallToolResult;
    expect(nodesOf(r)).toContain('pve1');
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(slow.handle.sessions()).toBe(0);
    expect(slow.logs.join('')).toMatch(/waiting for 1 call\(s\) in flight/);
    await client.close();
  });
});
