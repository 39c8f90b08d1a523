import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETRY_MS } from '../../src/transports/http/resume.js';
import { textOf } from '../helpers/harness.js';
import { startCutProxy } from './cut-proxy.js';
import { auth, healthz, rawRequest, startInProcess, waitFor, type InProcessServer } from './helpers.js';
import { openSession, readEvents } from './resume-client.js';

// A long call: the simulator answers every request after LATENCY_MS, so `guest_action start` with a
// wait (the POST, then status polls until the task stops) takes a few seconds, during which the
// connection is cut.
const LATENCY_MS = 700;

let srv: InProcessServer;
beforeAll(async () => {
  srv = await startInProcess();
});
afterAll(async () => srv?.close());

describe('resumable streams (stateful Streamable HTTP)', () => {
  it('the SDK client resumes a long call by itself after its connection drops, from the last event id', async () => {
    const proxy = await startCutProxy(srv.url, /"tools\/call"/);
    const transport = new StreamableHTTPClientTransport(new URL('/mcp', proxy.url), {
      requestInit: { headers: auth },
      reconnectionOptions: {
        initialReconnectionDelay: 100,
        maxReconnectionDelay: 1000,
        reconnectionDelayGrowFactor: 1.5,
        maxRetries: 3,
      },
    });
    const client = new Client({ name: 'resume-test', version: '1' });
    const errors: string[] = [];
    client.onerror = (e) => errors.push(e.message);
    try {
      await client.connect(transport);
      expect(transport.protocolVersion).toBe(LATEST_PROTOCOL_VERSION);
      srv.sim.setLatency(LATENCY_MS);
      const started = Date.now();
      const r = (await client.callTool(
        { name: 'guest_action', arguments: { vmid: 102, action: 'start', wait: 30 } },
        undefined,
        { timeout: 20_000 },
      )) as CallToolResult;
      srv.sim.setLatency(0);
      expect(r.isError, textOf(r)).toBeFalsy();
      expect(textOf(r)).toMatch(/qmstart 102 .*finished: OK/);
      // The connection really was cut, and the answer came over a GET that resumed from the priming
      // event's id (the only event the client saw before the cut).
      expect(proxy.cuts).toBe(1);
      const resumed = proxy.seen.filter((s) => s.method === 'GET' && s.lastEventId);
      expect(resumed.length).toBeGreaterThanOrEqual(1);
      expect(errors.join('\n')).toMatch(/SSE stream disconnected/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2 * LATENCY_MS);
    } finally {
      srv.sim.setLatency(0);
      await transport.terminateSession().catch(() => {});
      await client.close();
      await proxy.close();
    }
  });

  it('guest_exec waiting on a command: its progress and result reach the SDK client across a dropped connection', async () => {
    const proxy = await startCutProxy(srv.url, /"guest_exec"/);
    const transport = new StreamableHTTPClientTransport(new URL('/mcp', proxy.url), {
      requestInit: { headers: auth },
      reconnectionOptions: {
        initialReconnectionDelay: 100,
        maxReconnectionDelay: 1000,
        reconnectionDelayGrowFactor: 1.5,
        maxRetries: 3,
      },
    });
    const client = new Client({ name: 'resume-test', version: '1' });
    try {
      await client.connect(transport);
      const progress: number[] = [];
      const r = (await client.callTool(
        { name: 'guest_exec', arguments: { vmid: 100, command: ['sleep', '3'], timeout_seconds: 20 } },
        undefined,
        { timeout: 20_000, onprogress: (p) => void progress.push(p.progress) },
      )) as CallToolResult;
      expect(r.isError, textOf(r)).toBeFalsy();
      expect(r.structuredContent).toMatchObject({ exitcode: 0 });
      expect(proxy.cuts).toBe(1);
      expect(proxy.seen.some((s) => s.method === 'GET' && s.lastEventId)).toBe(true);
      // Progress sent after the cut arrived too (replayed or live on the resumed stream).
      expect(progress.length).toBeGreaterThan(0);
    } finally {
      await transport.terminateSession().catch(() => {});
      await client.close();
      await proxy.close();
    }
  });

  it('a raw client: POST a long call, keep the priming event id, drop the stream, GET with Last-Event-ID and receive the result', async () => {
    const session = await openSession(srv.url, LATEST_PROTOCOL_VERSION);
    srv.sim.setLatency(LATENCY_MS);
    try {
      const call = await session.post({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'guest_action', arguments: { vmid: 100, action: 'reboot', wait: 30 } },
      });
      expect(call.status).toBe(200);
      expect(call.headers.get('content-type')).toMatch(/text\/event-stream/);
      // SEP-1699: the first event primes the stream: an id, the reconnect delay, no data.
      const first = await readEvents(call, 1);
      expect(first.events[0]).toEqual({ id: expect.any(String), retry: RETRY_MS, data: '' });
      const lastEventId = first.events[0]!.id!;
      first.abort(); // the connection drops while the call is still running

      const resumed = await session.get({ 'last-event-id': lastEventId });
      expect(resumed.status).toBe(200);
      const replay = await readEvents(resumed, (e) => e.some((x) => x.message?.id === 7), 20_000);
      const answer = replay.events.find((x) => x.message?.id === 7)!.message as {
        result: CallToolResult;
      };
      expect(answer.result.isError, JSON.stringify(answer.result)).toBeFalsy();
      expect(JSON.stringify(answer.result.content)).toMatch(/qmreboot 100 .*finished: OK/);
      // Every replayed event carries an id, and the stream ends once it has carried the answer.
      expect(replay.events.every((x) => x.id)).toBe(true);
      expect(await replay.ended).toBe(true);
      // The call was counted in flight once and settled once, although its answer went to a replay.
      expect((await healthz(srv.url)).inflight).toBe(0);
    } finally {
      srv.sim.setLatency(0);
      await session.close();
    }
  });

  it('a 2025-06-18 client gets no priming event (the SDK primes 2025-11-25 only), but resumes from any event id it got', async () => {
    const session = await openSession(srv.url, '2025-06-18');
    try {
      const call = await session.post({
        jsonrpc: '2.0',
        id: 9,
        method: 'tools/call',
        params: {
          name: 'guest_exec',
          arguments: { vmid: 100, command: ['sleep', '2'], timeout_seconds: 20 },
          _meta: { progressToken: 'p9' },
        },
      });
      // The first event is a progress notification, with an id; no empty priming event, no retry.
      const first = await readEvents(call, 1, 15_000);
      expect(first.events[0]).toMatchObject({
        id: expect.any(String),
        message: { method: 'notifications/progress' },
      });
      expect(first.events[0]!.retry).toBeUndefined();
      first.abort();
      const resumed = await session.get({ 'last-event-id': first.events[0]!.id! });
      expect(resumed.status).toBe(200);
      const replay = await readEvents(resumed, (e) => e.some((x) => x.message?.id === 9), 20_000);
      expect(replay.events.at(-1)!.message).toMatchObject({ result: { structuredContent: { exitcode: 0 } } });
    } finally {
      await session.close();
    }
  });

  it('a resumed stream whose answer was stored while the client was away delivers it and ends', async () => {
    const session = await openSession(srv.url, LATEST_PROTOCOL_VERSION);
    try {
      srv.sim.setLatency(300);
      const call = await session.post({
        jsonrpc: '2.0',
        id: 8,
        method: 'tools/call',
        params: { name: 'list_nodes', arguments: {} },
      });
      const first = await readEvents(call, 1);
      first.abort();
      // The answer is produced while nobody listens (the SDK keeps it only in the store).
      await waitFor(async () => (await healthz(srv.url)).inflight === 0, 10_000, 'the call to settle');
      const before = srv.handle.stats().streams;
      const resumed = await session.get({ 'last-event-id': first.events[0]!.id! });
      const replay = await readEvents(resumed, (e) => e.some((x) => x.message?.id === 8), 5_000);
      expect(replay.events.find((x) => x.message?.id === 8)?.message).toHaveProperty('result');
      expect(await replay.ended).toBe(true);
      // The server ended it: it no longer counts as a stream the session holds open.
      await new Promise((r) => setTimeout(r, 100));
      expect(srv.handle.stats().streams).toBeLessThanOrEqual(before);
    } finally {
      srv.sim.setLatency(0);
      await session.close();
    }
  });

  it('stateless mode cannot resume: GET /mcp is refused, so clients are not led to expect it', async () => {
    const stateless = await startInProcess({ settings: { stateless: true } });
    try {
      const r = await rawRequest(stateless.url, '/mcp', {
        headers: { ...auth, accept: 'text/event-stream', 'last-event-id': 'anything' },
      });
      expect(r.status).toBe(405);
    } finally {
      await stateless.close();
    }
  });
});
