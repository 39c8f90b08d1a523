import type { ServerResponse } from 'node:http';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Logger } from '../../logger.js';
import { metrics } from '../../metrics/events.js';

export type Session =
  | { id: string; kind: 'streamable'; transport: StreamableHTTPServerTransport; server: Server }
  | { id: string; kind: 'sse'; transport: SSEServerTransport; server: Server };

interface Entry {
  session: Session;
  lastActive: number;
  /** HTTP responses currently open for this session (an SSE stream counts while connected). */
  open: number;
}

export interface SessionRegistryOptions {
  maxSessions: number;
  idleMs: number;
  logger: Logger;
  now?: () => number;
}

/**
 * Live MCP sessions (Streamable HTTP and legacy SSE), each with its own server instance. Bounded in
 * number; a session with no open connection and no request for `idleMs` is closed, which is how
 * clients that vanish without a DELETE are cleaned up. Closing is idempotent and always releases the
 * server, whoever starts it (client disconnect, DELETE, expiry, shutdown).
 */
export class SessionRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly byResponse = new WeakMap<ServerResponse, string>();
  private readonly now: () => number;
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly opts: SessionRegistryOptions) {
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Responses open across all sessions (event streams, calls being answered). */
  get openResponses(): number {
    let n = 0;
    for (const entry of this.entries.values()) n += entry.open;
    return n;
  }

  get full(): boolean {
    return this.entries.size >= this.opts.maxSessions;
  }

  add(session: Session): void {
    this.entries.set(session.id, { session, lastActive: this.now(), open: 0 });
    metrics.sessionOpened(session.kind);
    this.opts.logger.debug('session opened', { session: shortId(session.id), kind: session.kind });
  }

  get(id: string): Session | undefined {
    const entry = this.entries.get(id);
    if (entry) entry.lastActive = this.now();
    return entry?.session;
  }

  /** Counts `res` as an open connection of the session until it closes. */
  hold(id: string, res: ServerResponse): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.byResponse.set(res, id);
    entry.open++;
    entry.lastActive = this.now();
    res.once('close', () => {
      entry.open--;
      entry.lastActive = this.now();
    });
  }

  /** The session a response belongs to (for the access log). */
  idFor(res: ServerResponse): string | undefined {
    return this.byResponse.get(res);
  }

  async close(id: string, reason: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    metrics.sessionClosed(entry.session.kind);
    this.opts.logger.debug('session closed', { session: shortId(id), kind: entry.session.kind, reason });
    await entry.session.server.close().catch(() => {});
  }

  async closeAll(reason: string): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.close(id, reason)));
  }

  /** Closes idle sessions; runs on a timer that does not keep the process alive. */
  sweep(): void {
    const cutoff = this.now() - this.opts.idleMs;
    for (const [id, entry] of this.entries) {
      if (entry.open === 0 && entry.lastActive < cutoff) void this.close(id, 'idle');
    }
  }

  startSweeper(): void {
    const every = Math.min(Math.max(Math.floor(this.opts.idleMs / 4), 50), 60_000);
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
  }

  stopSweeper(): void {
    clearInterval(this.sweeper);
  }
}

/** Enough of a session id to correlate log lines without logging the whole capability. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}
