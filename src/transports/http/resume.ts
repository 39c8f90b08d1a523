import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isJSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { EVENT_STORE_DEFAULTS, SessionEventStore } from './event-store.js';
import { SERVER_ERROR, sendError } from './respond.js';

/**
 * How long a client waits before reconnecting a dropped stream, announced in the `retry:` field of the
 * priming event (SEP-1699). Short: the client is usually waiting for the answer to a call.
 */
export const RETRY_MS = 1000;

const stores = new WeakMap<StreamableHTTPServerTransport, SessionEventStore>();

/**
 * Options that make a stateful session's streams resumable: every SSE event gets an id and is kept in
 * the session's store; a request stream opens with a priming event (an id and `retry:`, no data) so the
 * client holds a cursor before anything else is sent. The SDK primes only clients that negotiated
 * protocol 2025-11-25 or later (older clients cannot parse an event without data); their later events
 * still carry ids.
 */
export function resumableOptions(): { eventStore: SessionEventStore; retryInterval: number } {
  return { eventStore: new SessionEventStore(EVENT_STORE_DEFAULTS), retryInterval: RETRY_MS };
}

/** Remembers which store belongs to a session's transport. */
export function registerStore(transport: StreamableHTTPServerTransport, store: SessionEventStore): void {
  stores.set(transport, store);
}

/**
 * Runs before a request reaches the session's transport. Answers a `Last-Event-ID` the session does not
 * hold (evicted by the bounds, or from another session) with a clear 400, where the SDK would say
 * "Invalid event ID format"; arranges for a resumed stream to end once it has carried its answer.
 * Returns false when it has answered the request itself.
 */
export function prepareResume(
  transport: StreamableHTTPServerTransport,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
): boolean {
  const store = stores.get(transport);
  if (!store) return true;
  if (Array.isArray(body) && body.filter(isJSONRPCRequest).length > 1) store.batches = true;
  const lastEventId = req.headers['last-event-id'];
  if (req.method !== 'GET' || typeof lastEventId !== 'string' || !lastEventId) return true;
  if (!store.has(lastEventId)) {
    sendError(
      res,
      400,
      SERVER_ERROR,
      `Bad Request: Last-Event-ID ${JSON.stringify(lastEventId.slice(0, 80))} is not an event this session still holds. ` +
        `A session keeps its newest ${EVENT_STORE_DEFAULTS.maxEvents} events (at most ${EVENT_STORE_DEFAULTS.maxBytes / 1024 / 1024} MiB); ` +
        'older ones, and ids from other sessions, cannot be replayed. Send the request again (for a task, get_task with its UPID reports the outcome).',
    );
    return false;
  }
  endAfterAnswer(res, store);
  return true;
}

/**
 * A resumed stream whose answer was stored while the client was away is registered by the SDK under a
 * request that is already settled, so nothing would ever end it: the client's connection would stay open
 * (and count as the session's) until the client left. Each SSE event is written as one chunk, so the
 * chunk carrying the answer's id is the end of the stream.
 */
function endAfterAnswer(res: ServerResponse, store: SessionEventStore): void {
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    const ok = write(chunk, ...rest);
    const text =
      typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString() : '';
    const id = /^id: (\S+)$/m.exec(text)?.[1];
    if (id !== undefined && store.endsStream(id) && !res.writableEnded) res.end();
    return ok;
  }) as ServerResponse['write'];
}
