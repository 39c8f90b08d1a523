// Event streams end when the token that opened them expires (exp + MCP_OAUTH_CLOCK_SKEW): GET /mcp (the
// session goes on; the SDK client reopens the stream with its fresh token) and GET /sse (the session ends).
import http from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initializeBody, rawRequest, waitFor, type InProcessServer } from '../http/helpers.js';
import { registerSecret } from '../helpers/recording.js';
import { startLocalIssuer, type LocalIssuer } from './local-issuer.js';
import { legacySse, startOAuthServer } from './oauth-server.js';
import { nodesOf, now } from './resource-server-fixture.js';

let issuer: LocalIssuer;
let srv: InProcessServer;
beforeAll(async () => {
  issuer = await startLocalIssuer({ introspection: true });
  srv = await startOAuthServer(issuer, {
    MCP_OAUTH_CLOCK_SKEW: '0',
    MCP_OAUTH_CLIENT_ID: issuer.client.id,
    MCP_OAUTH_CLIENT_SECRET: issuer.client.secret,
  });
});
afterAll(async () => {
  await srv?.close();
  await issuer?.close();
});

/** Opens an event stream; `ended` resolves with how long it stayed open (ms). */
function openStream(path: string, headers: Record<string, string>) {
  return new Promise<{
    status: number;
    headers: http.IncomingHttpHeaders;
    ended: Promise<number>;
    close(): void;
  }>((resolve, reject) => {
    const started = Date.now();
    const req = http.get(
      new URL(path, srv.url),
      { headers: { accept: 'text/event-stream', ...headers }, agent: false },
      (res) => {
        res.resume();
        const ended = new Promise<number>((r) => res.once('close', () => r(Date.now() - started)));
        resolve({ status: res.statusCode ?? 0, headers: res.headers, ended, close: () => req.destroy() });
      },
    );
    req.on('error', reject);
  });
}

async function rawSession(token: string): Promise<string> {
  const r = await rawRequest(srv.url, '/mcp', {
    method: 'POST',
    body: initializeBody,
    headers: { authorization: `Bearer ${token}` },
  });
  expect(r.status).toBe(200);
  return String(r.headers['mcp-session-id']);
}

const within = (ms: Promise<number>, limit: number) =>
  Promise.race([ms, new Promise<'still open'>((r) => setTimeout(() => r('still open'), limit))]);

describe('GET /mcp (stateful Streamable HTTP)', () => {
  it('a raw stream ends at its token expiry, the session goes on, and one opened with a longer token stays', async () => {
    const short = await issuer.sign({ aud: `${srv.url}/mcp`, email: 'alice@example.com', exp: now() + 2 });
    const long = await issuer.sign({ aud: `${srv.url}/mcp`, sub: 'bob' });
    const aliceSession = await rawSession(short);
    const bobSession = await rawSession(long);
    const headers = (token: string, session: string) => ({
      authorization: `Bearer ${token}`,
      'mcp-session-id': session,
      'mcp-protocol-version': '2025-06-18',
    });
    const alice = await openStream('/mcp', headers(short, aliceSession));
    const bob = await openStream('/mcp', headers(long, bobSession));
    expect([alice.status, bob.status]).toEqual([200, 200]);
    const lasted = await within(alice.ended, 6_000);
    expect(lasted).not.toBe('still open');
    expect(lasted).toBeGreaterThan(700);
    expect(await within(bob.ended, 300)).toBe('still open');
    bob.close();
    const log = srv.logs.join('\n');
    expect(log).toMatch(
      /proxmox-mcp info: GET \/mcp stream of session \w+ \(alice@example\.com \(alice\)\) ended: the access token that opened it expired/,
    );
    expect(log).not.toContain(short.split('.')[2]);
    // Only the stream ended: the session takes a request with a fresh token.
    const fresh = await issuer.sign({ aud: `${srv.url}/mcp`, email: 'alice@example.com' });
    const list = await rawRequest(srv.url, '/mcp', {
      method: 'POST',
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
      headers: {
        ...headers(fresh, aliceSession),
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
    });
    expect(list.status).toBe(200);
  });

  it('an introspected token ends the stream at the exp the issuer gave', async () => {
    const opaque = 'opaque-stream-token-7c6b5a4d3e2f';
    registerSecret(opaque);
    issuer.opaque.set(opaque, {
      active: true,
      sub: 'carol',
      aud: `${srv.url}/mcp`,
      iss: issuer.issuer,
      exp: now() + 2,
    });
    const session = await rawSession(opaque);
    const s = await openStream('/mcp', {
      authorization: `Bearer ${opaque}`,
      'mcp-session-id': session,
      'mcp-protocol-version': '2025-06-18',
    });
    expect(s.status).toBe(200);
    expect(await within(s.ended, 6_000)).not.toBe('still open');
    expect(srv.logs.join('\n')).toMatch(/stream of session \w+ \(carol\) ended/);
  });

  it('the SDK client reopens its GET stream with the fresh token, and its session goes on', async () => {
    let token = await issuer.sign({ aud: `${srv.url}/mcp`, sub: 'erin', exp: now() + 2 });
    const first = token;
    const gets: Array<{ status: number; token: string }> = [];
    const headers: Record<string, string> = {};
    Object.defineProperty(headers, 'Authorization', { get: () => `Bearer ${token}`, enumerable: true });
    const transport = new StreamableHTTPClientTransport(new URL('/mcp', srv.url), {
      requestInit: { headers },
      fetch: async (url, init) => {
        const res = await fetch(url, init);
        if (init?.method === 'GET')
          gets.push({ status: res.status, token: new Headers(init.headers).get('authorization') ?? '' });
        return res;
      },
    });
    const client = new Client({ name: 'expiry-test', version: '1' });
    await client.connect(transport);
    await waitFor(() => gets.length === 1, 3_000, 'the GET stream to open');
    token = await issuer.sign({ aud: `${srv.url}/mcp`, sub: 'erin' });
    await waitFor(() => gets.length >= 2, 8_000, 'the SDK client to reopen its GET stream');
    expect(gets[0]).toEqual({ status: 200, token: `Bearer ${first}` });
    expect(gets[1]).toEqual({ status: 200, token: `Bearer ${token}` });
    expect(srv.logs.join('\n')).toMatch(/GET \/mcp stream of session \w+ \(erin\) ended/);
    const r = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
    expect(nodesOf(r)).toContain('pve1');
    await client.close();
  });
});

describe('GET /sse (legacy SSE)', () => {
  it('a raw stream ends at its token expiry and its session with it; the log names the person, not the token', async () => {
    const short = await issuer.sign({ aud: `${srv.url}/sse`, email: 'frank@example.com', exp: now() + 2 });
    const before = srv.handle.sessions();
    const s = await openStream('/sse', { authorization: `Bearer ${short}` });
    expect(s.status).toBe(200);
    expect(srv.handle.sessions()).toBe(before + 1);
    expect(await within(s.ended, 6_000)).not.toBe('still open');
    await waitFor(() => srv.handle.sessions() === before, 2_000, 'the session to close');
    const log = srv.logs.join('\n');
    expect(log).toMatch(
      /proxmox-mcp info: legacy SSE session \w+ of frank@example\.com \(alice\) ended: the access token that opened it expired/,
    );
    expect(log).not.toContain(short.split('.')[2]);
  });

  it('the SDK SSE client: its EventSource reconnects with the fresh token into a new session, where calls go on', async () => {
    let token = await issuer.sign({ aud: `${srv.url}/sse`, sub: 'gina', exp: now() + 2 });
    const headers: Record<string, string> = {};
    Object.defineProperty(headers, 'Authorization', { get: () => `Bearer ${token}`, enumerable: true });
    const { client, transport } = legacySse(srv.url, headers);
    const sessionOf = () =>
      (transport as unknown as { _endpoint?: URL })._endpoint?.searchParams.get('sessionId');
    const errors: string[] = [];
    await client.connect(transport);
    transport.onerror = (e) => errors.push(e.message);
    const first = sessionOf();
    token = await issuer.sign({ aud: `${srv.url}/sse`, sub: 'gina' });
    await waitFor(() => sessionOf() !== first, 10_000, 'the SSE client to reconnect');
    expect(srv.logs.join('\n')).toMatch(new RegExp(`legacy SSE session ${first!.slice(0, 8)} of gina ended`));
    // The stream's end reaches the client as an error event before the EventSource reconnects.
    expect(errors.length).toBeGreaterThan(0);
    const r = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
    expect(nodesOf(r)).toContain('pve1');
    await client.close();
  });
});
