import { randomBytes } from 'node:crypto';
import type { EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  isJSONRPCErrorResponse,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
} from '@modelcontextprotocol/sdk/types.js';

export interface EventStoreLimits {
  /** Events kept per session; the oldest go first. */
  maxEvents: number;
  /** Bytes of serialized events kept per session; the oldest go first. */
  maxBytes: number;
}

/**
 * Per session, so with the default session cap (100) the worst case is 100 MiB. The byte cap stays
 * below the slow-client guard's unread limit (4 MiB): a whole replay written at once is never mistaken
 * for a client that stopped reading.
 */
export const EVENT_STORE_DEFAULTS: Readonly<EventStoreLimits> = Object.freeze({
  maxEvents: 1000,
  maxBytes: 1024 * 1024,
});

/** What an entry costs besides its data: its id, its stream id and the map slot, roughly. */
const ENTRY_OVERHEAD = 128;

interface StoredEvent {
  streamId: string;
  /** The message as JSON; undefined for a priming event (SEP-1699), which is a cursor, not a message. */
  data?: string;
  bytes: number;
  /** A JSON-RPC response: the last event its request stream carries. */
  answer: boolean;
}

/** Totals over every live store in this process, for the bounds tests (a metrics gauge could read it too). */
const totals = { stores: 0, events: 0, bytes: 0 };
export function storedEventTotals(): Readonly<typeof totals> {
  return { ...totals };
}

/**
 * The SDK's EventStore for one Streamable HTTP session: every SSE event the session's transport sends
 * is kept here (bounded) so that a client whose connection dropped can reconnect with `Last-Event-ID`
 * and receive what it missed, typically the result of a long call. Dropped with the session.
 *
 * Event ids start with a random per-store prefix, so an id from another session (or a guessed one) is
 * simply unknown here: a session's events can only be replayed into that session.
 *
 * No `getStreamIdForEventId`: with it the SDK refuses (409) a resume while the old connection still looks
 * open, and a connection lost to a dead network or a NAT timeout looks open for minutes. Without it, the
 * resume takes the stream over and the SDK closes the old one. Both need the session's id, so a
 * takeover gives nobody anything the session did not already have.
 */
export class SessionEventStore implements EventStore {
  private readonly prefix = randomBytes(12).toString('base64url');
  private seq = 0;
  /** Insertion order is age order: the first entry is the one evicted next. */
  private readonly events = new Map<string, StoredEvent>();
  private bytes = 0;
  private closed = false;
  /**
   * Set once the session sends a JSON-RPC batch (protocols before 2025-06-18 allow them): a request
   * stream may then carry several answers, so the first one does not end it.
   */
  batches = false;

  constructor(private readonly limits: Readonly<EventStoreLimits> = EVENT_STORE_DEFAULTS) {
    totals.stores++;
  }

  get size(): number {
    return this.events.size;
  }

  get byteSize(): number {
    return this.bytes;
  }

  storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const id = `${this.prefix}.${++this.seq}`;
    if (this.closed) return Promise.resolve(id);
    const answer = isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message);
    // The SDK stores its priming event as `{}`: it marks a position and is never replayed.
    let data = 'jsonrpc' in message ? JSON.stringify(message) : undefined;
    if (data !== undefined && cost(id, streamId, data) > this.limits.maxBytes) {
      // Too big to keep. An answer is replaced by an error saying so, so a client that resumes is told
      // rather than left waiting; a notification is dropped (the client just misses it).
      data =
        answer && 'id' in message && message.id !== undefined
          ? JSON.stringify(tooLargeToReplay(message.id, Buffer.byteLength(data), this.limits.maxBytes))
          : undefined;
    }
    const event: StoredEvent = { streamId, data, bytes: cost(id, streamId, data), answer };
    if (event.bytes > this.limits.maxBytes || ('jsonrpc' in message && data === undefined))
      return Promise.resolve(id);
    while (
      this.events.size > 0 &&
      (this.events.size >= this.limits.maxEvents || this.bytes + event.bytes > this.limits.maxBytes)
    )
      this.evictOldest();
    this.events.set(id, event);
    this.bytes += event.bytes;
    totals.events++;
    totals.bytes += event.bytes;
    return Promise.resolve(id);
  }

  has(eventId: string): boolean {
    return this.events.has(eventId);
  }

  /**
   * True when `eventId` is the answer that completes its request stream: after writing it, a resumed
   * stream has nothing more to say and can end (the SDK only ends streams whose answer it sends live).
   */
  endsStream(eventId: string): boolean {
    return !this.batches && this.events.get(eventId)?.answer === true;
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const last = this.events.get(lastEventId);
    // Normally answered before the SDK gets here (streamable.ts checks first); this is the race where
    // the id was evicted in between.
    if (!last) throw new Error(`event ${lastEventId} is no longer stored`);
    let after = false;
    // Iterates the live map: an event stored while the replay is under way is still sent.
    for (const [id, event] of this.events) {
      if (id === lastEventId) after = true;
      else if (after && event.streamId === last.streamId && event.data !== undefined)
        await send(id, JSON.parse(event.data) as JSONRPCMessage);
    }
    return last.streamId;
  }

  /** Drops everything; later events are not kept (the session is gone). */
  clear(): void {
    if (this.closed) return;
    this.closed = true;
    totals.stores--;
    totals.events -= this.events.size;
    totals.bytes -= this.bytes;
    this.events.clear();
    this.bytes = 0;
  }

  private evictOldest(): void {
    const oldest = this.events.keys().next();
    if (oldest.done) return;
    const event = this.events.get(oldest.value);
    this.events.delete(oldest.value);
    if (!event) return;
    this.bytes -= event.bytes;
    totals.events--;
    totals.bytes -= event.bytes;
  }
}

function cost(id: string, streamId: string, data: string | undefined): number {
  return ENTRY_OVERHEAD + id.length + streamId.length + (data ? Buffer.byteLength(data) : 0);
}

function tooLargeToReplay(id: string | number, bytes: number, limit: number): JSONRPCMessage {
  return {
    jsonrpc: '2.0',
    id,
    error: {
      code: -32603,
      message: `The answer to this request (${bytes} bytes) is larger than the ${limit} bytes a session keeps for replay, so it cannot be resent after the connection dropped; send the request again (for a task, get_task with its UPID reports the outcome).`,
    },
  };
}
