import { LATEST_PROTOCOL_VERSION, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EVENT_STORE_DEFAULTS,
  SessionEventStore,
  storedEventTotals,
} from '../../src/transports/http/event-store.js';
import { HTTP_DEFAULTS } from '../../src/transports/http/settings.js';
import { auth, startInProcess, streamableClient, waitFor, type InProcessServer } from './helpers.js';
import { openSession, readEvents } from './resume-client.js';

let srv: InProcessServer;
beforeAll(async () => {
  srv = await startInProcess();
});
afterAll(async () => srv?.close());

/** A connected SDK client that reports every event id it sees (its resumption tokens). */
async function connect() {
  const { client, transport } = streamableClient(srv.url);
  await client.connect(transport);
  const ids: string[] = [];
  const ping = () => client.ping({ onresumptiontoken: (id) => ids.push(id) });
  return { client, transport, ids, ping };
}

describe('event store bounds (per session)', () => {
  it('a session that sends far more events than the cap keeps at most the cap, oldest dropped; an evicted id is refused clearly', async () => {
    const base = storedEventTotals();
    const a = await connect();
    try {
      // Each ping is a request stream: its priming event and its answer.
      for (let i = 0; i < 700; i++) {
        await a.ping();
        const now = storedEventTotals();
        if (i % 50 === 0 || i === 699) {
          expect(now.events - base.events).toBeLessThanOrEqual(EVENT_STORE_DEFAULTS.maxEvents);
          expect(now.bytes - base.bytes).toBeLessThanOrEqual(EVENT_STORE_DEFAULTS.maxBytes);
        }
      }
      expect(a.ids.length).toBeGreaterThanOrEqual(1400);
      expect(storedEventTotals().events - base.events).toBe(EVENT_STORE_DEFAULTS.maxEvents);

      const get = (lastEventId: string) =>
        fetch(new URL('/mcp', srv.url), {
          headers: {
            ...auth,
            accept: 'text/event-stream',
            'mcp-session-id': a.transport.sessionId!,
            'mcp-protocol-version': LATEST_PROTOCOL_VERSION,
            'last-event-id': lastEventId,
          },
        });
      // The first ping's priming event is long gone: refused at once with a reason, not left hanging.
      const evicted = await get(a.ids[0]!);
      expect(evicted.status).toBe(400);
      expect(await evicted.text()).toMatch(
        /Last-Event-ID .* is not an event this session still holds\. A session keeps its newest 1000 events/,
      );
      // The newest priming event is still there: its stream (already answered) replays and ends.
      const recent = await get(a.ids.at(-2)!);
      expect(recent.status).toBe(200);
      expect(await recent.text()).toMatch(/"result":\{\}/);
    } finally {
      await a.transport.terminateSession().catch(() => {});
      await a.client.close();
    }
  });

  it('large answers: the bytes a session keeps stay under its byte cap', async () => {
    const a = await connect();
    try {
      const base = storedEventTotals();
      // tools/list is the largest answer there is (every tool's schema): enough of them pass 1 MiB.
      const one = JSON.stringify(await a.client.listTools()).length;
      const calls = Math.ceil((1.5 * EVENT_STORE_DEFAULTS.maxBytes) / one);
      for (let i = 0; i < calls; i++) await a.client.listTools();
      const held = storedEventTotals().bytes - base.bytes;
      expect(held).toBeGreaterThan(EVENT_STORE_DEFAULTS.maxBytes * 0.9);
      expect(held).toBeLessThanOrEqual(EVENT_STORE_DEFAULTS.maxBytes);
      // A replay of a whole store is never mistaken for a client that stopped reading.
      expect(EVENT_STORE_DEFAULTS.maxBytes).toBeLessThan(HTTP_DEFAULTS.maxUnreadBytes);
    } finally {
      await a.transport.terminateSession().catch(() => {});
      await a.client.close();
    }
  });

  it("a session's events go when it closes: by DELETE, and by the idle sweep", async () => {
    const base = storedEventTotals();
    const a = await connect();
    for (let i = 0; i < 20; i++) await a.ping();
    expect(storedEventTotals().events).toBeGreaterThan(base.events);
    expect(storedEventTotals().stores).toBe(base.stores + 1);
    await a.transport.terminateSession();
    await a.client.close();
    expect(storedEventTotals()).toEqual(base);

    const idle = await startInProcess({ settings: { sessionIdleMs: 300 } });
    try {
      const session = await openSession(idle.url, LATEST_PROTOCOL_VERSION);
      const r = await session.post({ jsonrpc: '2.0', id: 2, method: 'ping' });
      await readEvents(r, (e) => e.some((x) => x.message?.id === 2));
      expect(storedEventTotals().stores).toBe(base.stores + 1);
      // No request and no open stream: the sweep closes the session, and its store with it.
      await waitFor(() => idle.handle.sessions() === 0, 5_000, 'the idle session to be swept');
      expect(storedEventTotals()).toEqual(base);
    } finally {
      await idle.close();
    }
  });
});

describe('event ids do not cross sessions', () => {
  it("another session's event id is refused, and nothing of that session is replayed", async () => {
    const a = await openSession(srv.url, LATEST_PROTOCOL_VERSION);
    const b = await openSession(srv.url, LATEST_PROTOCOL_VERSION);
    try {
      const call = await b.post({
        jsonrpc: '2.0',
        id: 'b-secret-call',
        method: 'tools/call',
        params: { name: 'list_nodes', arguments: {} },
      });
      const bEvents = await readEvents(call, (e) => e.some((x) => x.message?.id === 'b-secret-call'));
      const bPriming = bEvents.events[0]!.id!;

      // B's own session replays B's answer from that id: the id is real.
      const own = await b.get({ 'last-event-id': bPriming });
      expect(own.status).toBe(200);
      const replayed = await readEvents(own, (e) => e.some((x) => x.message?.id === 'b-secret-call'));
      expect(replayed.events.length).toBeGreaterThan(0);

      // The same id presented on A's session is unknown there.
      const cross = await a.get({ 'last-event-id': bPriming });
      expect(cross.status).toBe(400);
      const text = await new Response(cross.body).text();
      expect(text).toMatch(/not an event this session still holds/);
      expect(text).not.toMatch(/b-secret-call|pve1/);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('SessionEventStore', () => {
  const msg = (id: number, size = 10): JSONRPCMessage => ({
    jsonrpc: '2.0',
    id,
    result: { content: [{ type: 'text', text: 'x'.repeat(size) }] },
  });
  const note = (size: number): JSONRPCMessage => ({
    jsonrpc: '2.0',
    method: 'notifications/message',
    params: { level: 'info', data: 'y'.repeat(size) },
  });

  it('never holds more than its caps, whatever the mix of sizes, and drops the oldest first', async () => {
    const store = new SessionEventStore({ maxEvents: 50, maxBytes: 20_000 });
    const ids: string[] = [];
    for (let i = 0; i < 5_000; i++) {
      ids.push(
        await store.storeEvent(`s${i % 7}`, i % 3 ? note((i * 37) % 3_000) : msg(i, (i * 91) % 5_000)),
      );
      expect(store.size).toBeLessThanOrEqual(50);
      expect(store.byteSize).toBeLessThanOrEqual(20_000);
    }
    // What is left is a suffix: the newest events, none of the old ones.
    const kept = ids.filter((id) => store.has(id));
    expect(kept).toEqual(ids.slice(ids.length - kept.length));
    store.clear();
    expect(store.size).toBe(0);
    expect(store.byteSize).toBe(0);
  });

  it('replays only the stream of the given id, skips priming events, and tells an answer too big to keep', async () => {
    const store = new SessionEventStore({ maxEvents: 100, maxBytes: 4_000 });
    const priming = await store.storeEvent('s1', {} as JSONRPCMessage);
    await store.storeEvent('s2', msg(2));
    await store.storeEvent('s1', note(10));
    const big = await store.storeEvent('s1', msg(1, 10_000));
    const sent: Array<[string, JSONRPCMessage]> = [];
    const stream = await store.replayEventsAfter(priming, {
      send: (id, m) => Promise.resolve(void sent.push([id, m])),
    });
    expect(stream).toBe('s1');
    expect(sent.map(([, m]) => ('method' in m ? m.method : 'id' in m ? m.id : '?'))).toEqual([
      'notifications/message',
      1,
    ]);
    expect(sent.at(-1)![0]).toBe(big);
    expect(JSON.stringify(sent.at(-1)![1])).toMatch(/larger than the 4000 bytes a session keeps for replay/);
    expect(store.endsStream(big)).toBe(true);
    store.batches = true;
    expect(store.endsStream(big)).toBe(false);
    await expect(store.replayEventsAfter('nope', { send: () => Promise.resolve() })).rejects.toThrow(
      /no longer stored/,
    );
  });
});
