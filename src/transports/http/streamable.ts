import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { HttpContext } from './context.js';
import { TrackedTransport } from './inflight.js';
import { INVALID_REQUEST, SERVER_ERROR, SESSION_NOT_FOUND, sendError } from './respond.js';
import { bindSessionOwner, notSessionOwner } from './session-owner.js';
import { prepareResume, registerStore, resumableOptions } from './resume.js';
import { shortId } from './sessions.js';
import { endStreamAtTokenExpiry } from './token-expiry.js';

/**
 * Streamable HTTP at /mcp. Stateful: `initialize` creates a session (its own server and transport),
 * later requests carry `Mcp-Session-Id`. Stateless: every POST gets a fresh server and transport, so
 * any replica can answer any request.
 */
export async function handleStreamable(
  ctx: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
): Promise<void> {
  if (ctx.settings.stateless) return handleStateless(ctx, req, res, body);
  const sessionId = req.headers['mcp-session-id'];
  if (typeof sessionId === 'string') {
    const session = ctx.sessions.get(sessionId);
    if (!session || session.kind !== 'streamable' || notSessionOwner(ctx, session.transport, req, sessionId))
      return sendError(res, 404, SESSION_NOT_FOUND, 'Session not found: initialize a new session');
    if (!prepareResume(session.transport, req, res, body)) return;
    ctx.sessions.hold(sessionId, res);
    if (req.method === 'GET') endGetStreamAtTokenExpiry(ctx, req, res, sessionId);
    return session.transport.handleRequest(req, res, body);
  }
  const initializing = Array.isArray(body) ? body.some(isInitializeRequest) : isInitializeRequest(body);
  if (req.method !== 'POST' || !initializing)
    return sendError(
      res,
      400,
      req.method === 'POST' ? INVALID_REQUEST : SERVER_ERROR,
      'Bad Request: Mcp-Session-Id header is required (start with an initialize request)',
    );
  if (ctx.sessions.full)
    return sendError(res, 503, SERVER_ERROR, tooManySessions(ctx), { 'retry-after': '5' });

  // The id is fixed up front so the session is counted before the first await: the cap holds
  // even when many clients initialize at once.
  const id = randomUUID();
  const resumable = resumableOptions();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => id, ...resumable });
  registerStore(transport, resumable.eventStore);
  const server = ctx.createServer({ stateless: false });
  const tracked = new TrackedTransport(transport, ctx.inflight);
  // The transport closes with the session, whoever ends it; its stored events go with it.
  tracked.onclose = () => {
    resumable.eventStore.clear();
    void ctx.sessions.close(id, 'closed');
  };
  ctx.sessions.add({ id, kind: 'streamable', transport, server });
  bindSessionOwner(transport, req);
  ctx.sessions.hold(id, res);
  await server.connect(tracked);
  await transport.handleRequest(req, res, body);
  if (transport.sessionId === undefined) await ctx.sessions.close(id, 'initialize failed');
}

async function handleStateless(
  ctx: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
): Promise<void> {
  if (ctx.ephemeral.size >= ctx.settings.maxSessions)
    return sendError(res, 503, SERVER_ERROR, tooManySessions(ctx), { 'retry-after': '1' });
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  const server = ctx.createServer({ stateless: true });
  ctx.ephemeral.add(server);
  res.once('close', () => {
    ctx.ephemeral.delete(server);
    void server.close().catch(() => {});
  });
  await server.connect(new TrackedTransport(transport, ctx.inflight));
  await transport.handleRequest(req, res, body);
}

/**
 * The session goes on (every POST brings its own token); only its GET stream ends, and the client opens
 * it again with a fresh token, resuming from the last event id it saw.
 */
function endGetStreamAtTokenExpiry(
  ctx: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  sessionId: string,
): void {
  endStreamAtTokenExpiry(req, res, ctx.settings.oauth?.clockSkewSeconds, (person) => {
    ctx.logger.info(
      `GET /mcp stream of session ${shortId(sessionId)} (${person}) ended: the access token that opened it ` +
        'expired; the client reopens it with a fresh token',
    );
    // The SDK may still write an event it has just stored before it sees the close; that write fails
    // (the client gets the event on resuming) and must not become an unhandled 'error'.
    res.on('error', () => {});
    res.end();
  });
}

function tooManySessions(ctx: HttpContext): string {
  return `Service Unavailable: ${ctx.settings.maxSessions} concurrent ${ctx.settings.stateless ? 'requests' : 'sessions'} (MCP_MAX_SESSIONS) already open; retry later`;
}
