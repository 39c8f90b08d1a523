import { performance } from 'node:perf_hooks';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auth,
  initializeBody,
  rawRequest,
  startInProcess,
  streamableClient,
  waitFor,
  type InProcessServer,
} from './helpers.js';
import { head, rawClient, sleep } from './raw-socket.js';

// Small limits so each abuse shows within a second or two; the defaults (HTTP_DEFAULTS) are the same
// mechanisms with production-sized numbers.
let srv: InProcessServer;
beforeAll(async () => {
  srv = await startInProcess({
    // The stall timer is long here so the byte cap is what cuts; the next server tests the timer alone.
    settings: {
      maxUnreadBytes: 256 * 1024,
      writeStallMs: 10_000,
      headersTimeoutMs: 500,
      requestTimeoutMs: 1_000,
    },
  });
});
afterAll(async () => srv?.close());

const toolsList = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/list' });

/** A well-behaved client's list_nodes round trip, to show abuse elsewhere does not slow it. */
async function probe(): Promise<number> {
  const { client, transport } = streamableClient(srv.url);
  await client.connect(transport);
  const started = performance.now();
  const r = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
  const ms = performance.now() - started;
  expect(r.isError).toBeFalsy();
  await transport.terminateSession();
  await client.close();
  return ms;
}

describe('clients that stop reading', () => {
  it('legacy SSE: a stream never read is cut once its unread output passes the cap, and its session released', async () => {
    const before = srv.handle.stats();
    const stream = await rawClient(srv.url);
    await stream.write(head('GET', '/sse', ['Accept: text/event-stream']));
    const sessionId = (await stream.waitFor(/sessionId=([0-9a-f-]{36})/))[1]!;
    stream.socket.pause(); // stop reading: the kernel buffers fill, then the server's
    expect(srv.handle.stats().sessions).toBe(before.sessions + 1);

    // Every answer goes to the unread stream. Post until the server gives up on it.
    let posted = 0;
    while (srv.handle.stats().cut === before.cut && posted < 2_000) {
      await Promise.all(
        Array.from({ length: 20 }, () =>
          rawRequest(srv.url, `/messages?sessionId=${sessionId}`, {
            method: 'POST',
            headers: auth,
            body: toolsList(++posted),
          }),
        ),
      );
    }
    expect(srv.handle.stats().cut).toBe(before.cut + 1);
    // A paused socket notices nothing; reading again drains what the kernel held, then the close.
    stream.socket.resume();
    await stream.closed;
    await waitFor(() => srv.handle.stats().sessions === before.sessions, 2_000, 'the session to be released');
    const unread =
      /warn: cut GET \/sse \(session [0-9a-f]{8}\): the client stopped reading \((\d+) bytes unread\)/.exec(
        srv.logs.join(''),
      );
    // What the server held for it: the cap plus at most the one message that crossed it.
    expect(Number(unread?.[1])).toBeGreaterThan(256 * 1024);
    expect(Number(unread?.[1])).toBeLessThan(256 * 1024 + 64 * 1024);
    // The session is gone for good: later messages are told to reconnect.
    const late = await rawRequest(srv.url, `/messages?sessionId=${sessionId}`, {
      method: 'POST',
      headers: auth,
      body: toolsList(1),
    });
    expect(late.status).toBe(404);
    expect(await probe()).toBeLessThan(1_000);
  });

  it('legacy SSE: a stream that stops draining is cut after writeStallMs, however little it holds', async () => {
    // No byte cap here, so only the stall timer can act.
    const patient = await startInProcess({
      settings: { maxUnreadBytes: 1024 ** 3, writeStallMs: 1_000 },
    });
    try {
      const stream = await rawClient(patient.url);
      await stream.write(head('GET', '/sse', ['Accept: text/event-stream']));
      const sessionId = (await stream.waitFor(/sessionId=([0-9a-f-]{36})/))[1]!;
      stream.socket.pause();
      // ~6 MB of answers: more than loopback's kernel buffers (~4 MB), so the server's writes block.
      for (let id = 1; id <= 300; id += 30)
        await Promise.all(
          Array.from({ length: 30 }, (_, k) =>
            rawRequest(patient.url, `/messages?sessionId=${sessionId}`, {
              method: 'POST',
              headers: auth,
              body: toolsList(id + k),
            }),
          ),
        );
      const stalled = Date.now();
      await waitFor(() => patient.handle.stats().cut === 1, 5_000, 'the stalled stream to be cut');
      expect(Date.now() - stalled).toBeLessThan(3_000);
      expect(patient.logs.join('')).toMatch(
        /cut GET \/sse \(session [0-9a-f]{8}\): the client stopped reading \(nothing drained for 1000 ms\)/,
      );
      stream.socket.resume();
      await stream.closed;
      await waitFor(() => patient.handle.stats().sessions === 0, 2_000, 'the session to be released');
    } finally {
      await patient.close();
    }
  });

  it('Streamable HTTP: a GET stream never read holds no more than its socket, and is released with it', async () => {
    const init = await rawRequest(srv.url, '/mcp', { method: 'POST', headers: auth, body: initializeBody });
    const sid = String(init.headers['mcp-session-id']);
    const before = srv.handle.stats();
    const stream = await rawClient(srv.url);
    await stream.write(
      head('GET', '/mcp', [
        'Accept: text/event-stream',
        `Mcp-Session-Id: ${sid}`,
        'Mcp-Protocol-Version: 2025-06-18',
      ]),
    );
    await stream.waitFor(/^HTTP\/1\.1 200 /);
    stream.socket.pause();
    expect(srv.handle.stats().streams).toBe(before.streams + 1);
    // Answers to the session's calls travel on their own POST responses, never on the idle GET stream.
    const list = await rawRequest(srv.url, '/mcp', {
      method: 'POST',
      headers: { ...auth, 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' },
      body: toolsList(2),
    });
    expect(list.text).toMatch(/"list_nodes"/);
    expect(await probe()).toBeLessThan(1_000);
    stream.socket.destroy();
    await waitFor(
      () => srv.handle.stats().streams === before.streams,
      2_000,
      'the GET stream to be released',
    );
    expect(srv.handle.stats().sessions).toBe(before.sessions);
    await rawRequest(srv.url, '/mcp', { method: 'DELETE', headers: { ...auth, 'mcp-session-id': sid } });
    expect(srv.handle.stats().sessions).toBe(before.sessions - 1);
  });
});

describe('clients that send slowly (Node request timeouts)', () => {
  it('headers dribbled a line at a time get 408 and the connection closed', async () => {
    const c = await rawClient(srv.url);
    const started = Date.now();
    await c.write('POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    for (let i = 0; i < 40 && !c.socket.destroyed; i++) {
      await c.write(`X-Slow-${i}: ${'a'.repeat(10)}\r\n`).catch(() => {});
      await sleep(100);
    }
    await c.closed;
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
  });

  it('a connection that never sends a byte is closed', async () => {
    const c = await rawClient(srv.url);
    const started = Date.now();
    await c.closed;
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('a body dribbled forever gets 408; others are served meanwhile', async () => {
    const c = await rawClient(srv.url);
    await c.write(head('POST', '/mcp', ['Content-Type: application/json', 'Content-Length: 100000']));
    const started = Date.now();
    const dribble = (async () => {
      while (!c.socket.destroyed) {
        await c.write(' ').catch(() => {});
        await sleep(50);
      }
    })();
    expect(await probe()).toBeLessThan(1_000);
    await c.closed;
    await dribble;
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
  });
});
