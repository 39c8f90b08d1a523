import { expect } from 'vitest';
import { auth } from './helpers.js';

/** One SSE event as a raw client sees it. */
export interface SseEvent {
  id?: string;
  retry?: number;
  event?: string;
  data: string;
  /** `data` parsed, when it is a JSON-RPC message. */
  message?: { id?: string | number; method?: string; [k: string]: unknown };
}

export interface OpenResponse {
  status: number;
  headers: Headers;
  body: ReadableStream<Uint8Array> | null;
  controller: AbortController;
}

export interface RawSession {
  id: string;
  post(message: unknown): Promise<OpenResponse>;
  get(headers?: Record<string, string>): Promise<OpenResponse>;
  /** DELETE: ends the session. */
  close(): Promise<void>;
}

/**
 * A Streamable HTTP client made of plain fetch calls, so a test decides exactly when a stream is read,
 * dropped or resumed. Initializes with the given protocol version (the SDK primes streams only from
 * 2025-11-25).
 */
export async function openSession(
  base: string,
  protocolVersion: string,
  headers: Record<string, string> = auth,
): Promise<RawSession> {
  const url = new URL('/mcp', base);
  const common = (sessionId?: string): Record<string, string> => ({
    ...headers,
    ...(sessionId ? { 'mcp-session-id': sessionId, 'mcp-protocol-version': protocolVersion } : {}),
  });
  const send = async (method: string, h: Record<string, string>, body?: unknown) => {
    const controller = new AbortController();
    const r = await fetch(url, {
      method,
      headers: h,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: controller.signal,
    });
    return { status: r.status, headers: r.headers, body: r.body, controller };
  };
  const post = (sessionId: string | undefined, message: unknown) =>
    send(
      'POST',
      {
        ...common(sessionId),
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      message,
    );
  const init = await post(undefined, {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw-resume', version: '1' } },
  });
  expect(init.status).toBe(200);
  const id = init.headers.get('mcp-session-id');
  if (!id) throw new Error('no Mcp-Session-Id on the initialize answer');
  const answer = await readEvents(init, (e) => e.some((x) => x.message?.id === 1));
  answer.abort();
  const initialized = await post(id, { jsonrpc: '2.0', method: 'notifications/initialized' });
  expect(initialized.status).toBe(202);
  return {
    id,
    post: (message) => post(id, message),
    get: (extra = {}) => send('GET', { ...common(id), accept: 'text/event-stream', ...extra }),
    close: async () => {
      const r = await send('DELETE', common(id));
      await r.body?.cancel();
    },
  };
}

export interface ReadResult {
  events: SseEvent[];
  /** Drops the connection (as a network failure would, from the client's side). */
  abort(): void;
  /** Whether the server ended the stream within 3 s after the wanted events (read on demand). */
  ended: Promise<boolean>;
}

/**
 * Reads SSE events from a response until `until` holds (a count, or a test over the events so far),
 * then stops reading without closing, so the caller can drop or keep the connection.
 */
export async function readEvents(
  response: OpenResponse,
  until: number | ((events: SseEvent[]) => boolean),
  timeoutMs = 10_000,
): Promise<ReadResult> {
  if (!response.body) throw new Error(`no body (status ${response.status})`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const events: SseEvent[] = [];
  const done = typeof until === 'number' ? () => events.length >= until : () => until(events);
  let buffer = '';
  let finished = false;
  const deadline = Date.now() + timeoutMs;
  const readOnce = async (ms: number) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)));
    const next = await Promise.race([reader.read(), timeout]);
    clearTimeout(timer);
    if (next === 'timeout') return 'timeout';
    if (next.done) {
      finished = true;
      return 'done';
    }
    buffer += next.value;
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = parseEvent(block);
      if (event) events.push(event);
    }
    return 'data';
  };
  while (!done()) {
    const left = deadline - Date.now();
    const r = left > 0 ? await readOnce(left) : 'timeout';
    if (r === 'timeout')
      throw new Error(`timed out after ${timeoutMs} ms; events so far: ${JSON.stringify(events)}`);
    if (r === 'done') throw new Error(`the stream ended early; events: ${JSON.stringify(events)}`);
  }
  let ended: Promise<boolean> | undefined;
  return {
    events,
    abort: () => response.controller.abort(),
    get ended() {
      ended ??= (async () => {
        const until = Date.now() + 3_000;
        while (!finished && Date.now() < until) if ((await readOnce(until - Date.now())) === 'timeout') break;
        return finished;
      })();
      return ended;
    },
  };
}

function parseEvent(block: string): SseEvent | undefined {
  const event: SseEvent = { data: '' };
  let data: string[] | undefined;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue; // a comment (keepalive)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') event.id = value;
    else if (field === 'retry') event.retry = Number(value);
    else if (field === 'event') event.event = value;
    else if (field === 'data') (data ??= []).push(value);
  }
  if (data === undefined && event.id === undefined) return undefined;
  event.data = (data ?? []).join('\n');
  if (event.data) {
    try {
      event.message = JSON.parse(event.data) as SseEvent['message'];
    } catch {
      // not JSON: left as data
    }
  }
  return event;
}
