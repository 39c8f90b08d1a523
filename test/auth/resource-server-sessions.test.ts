// Tokens over a session's life: --stateless checks each request, a session belongs to the person who opened it
// (no hijack with another valid token), and a token expiring mid-session is refused until refreshed.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, type InProcessServer } from '../http/helpers.js';
import { bearer, legacySse, startOAuthServer, streamable } from './oauth-server.js';
import { aud, issuer, nodesOf, now, srv, useOAuthServer } from './resource-server-fixture.js';

useOAuthServer();

describe('--stateless with OAuth', () => {
  it('every request is checked on its own; a good token works, the same request without one is refused', async () => {
    const st = await startOAuthServer(issuer, { MCP_STATELESS: '1' });
    try {
      const t = await issuer.sign({ aud: `${st.url}/mcp`, sub: 'dave' });
      const { client, transport } = streamable(st.url, bearer(t));
      await client.connect(transport);
      expect(transport.sessionId).toBeUndefined();
      const r = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
      expect(nodesOf(r)).toContain('pve1');
      await client.close();
      const bare = await rawRequest(st.url, '/mcp', {
        method: 'POST',
        body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
      });
      expect(bare.status).toBe(401);
    } finally {
      await st.close();
    }
  });
});

describe('sessions belong to the person who opened them', () => {
  it('Streamable HTTP: another person with a valid token cannot use the session id (404), its owner can', async () => {
    const alice = await issuer.sign({ aud: aud(), sub: 'alice' });
    const bob = await issuer.sign({ aud: aud(), sub: 'bob' });
    const { client, transport } = streamable(srv.url, bearer(alice));
    await client.connect(transport);
    const sessionId = transport.sessionId!;
    expect(sessionId).toBeTruthy();
    const list = JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' });
    const hijack = await rawRequest(srv.url, '/mcp', {
      method: 'POST',
      body: list,
      headers: {
        authorization: `Bearer ${bob}`,
        'mcp-session-id': sessionId,
        'mcp-protocol-version': '2025-06-18',
      },
    });
    expect(hijack.status).toBe(404);
    expect(srv.logs.join('\n')).toMatch(/refused to bob: another person opened it/);
    // Nor can bob end it.
    const end = await rawRequest(srv.url, '/mcp', {
      method: 'DELETE',
      headers: {
        authorization: `Bearer ${bob}`,
        'mcp-session-id': sessionId,
        'mcp-protocol-version': '2025-06-18',
      },
    });
    expect(end.status).toBe(404);
    const own = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
    expect(nodesOf(own)).toContain('pve1');
    await client.close();
  });

  it('legacy SSE: another person cannot post to the stream of someone else', async () => {
    const alice = await issuer.sign({ aud: `${srv.url}/sse`, sub: 'alice' });
    const bob = await issuer.sign({ aud: `${srv.url}/sse`, sub: 'bob' });
    const { client, transport } = legacySse(srv.url, bearer(alice));
    await client.connect(transport);
    const sessionId = (transport as unknown as { _endpoint?: URL })._endpoint?.searchParams.get('sessionId');
    expect(sessionId).toBeTruthy();
    const hijack = await rawRequest(srv.url, `/messages?sessionId=${sessionId}`, {
      method: 'POST',
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
      headers: { authorization: `Bearer ${bob}` },
    });
    expect(hijack.status).toBe(404);
    const own = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
    expect(nodesOf(own)).toContain('pve1');
    await client.close();
  });
});

describe('a token that expires mid-session', () => {
  let strict: InProcessServer;
  beforeAll(async () => {
    strict = await startOAuthServer(issuer, { MCP_OAUTH_CLOCK_SKEW: '0' });
  });
  afterAll(() => strict?.close());

  it('the next request gets 401 invalid_token; with a fresh token the same session goes on', async () => {
    let token = await issuer.sign({ aud: `${strict.url}/mcp`, exp: now() + 2 });
    const headers: Record<string, string> = {};
    const { client, transport } = streamable(strict.url, headers);
    // The client reads its headers per request, as a client with a token provider would.
    Object.defineProperty(headers, 'Authorization', { get: () => `Bearer ${token}`, enumerable: true });
    await client.connect(transport);
    await client.callTool({ name: 'list_nodes', arguments: {} });
    await new Promise((r) => setTimeout(r, 2_600));
    await expect(client.callTool({ name: 'list_nodes', arguments: {} })).rejects.toThrow(/401|expired/);
    token = await issuer.sign({ aud: `${strict.url}/mcp` });
    const r = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
    expect(nodesOf(r)).toContain('pve1');
    await client.close();
  });
});
