import type { IncomingMessage, ServerResponse } from 'node:http';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import type { HttpContext } from './context.js';
import { TrackedTransport } from './inflight.js';
import { SERVER_ERROR, SESSION_NOT_FOUND, sendError } from './respond.js';
import { bindSessionOwner, notSessionOwner } from './session-owner.js';
import { shortId } from './sessions.js';
import { endStreamAtTokenExpiry } from './token-expiry.js';

/** Comment lines on an idle stream let proxies keep it open and reveal dead peers. */
const KEEPALIVE_MS = 25_000;

/**
 * Legacy HTTP+SSE (protocol 2024-11-05): `GET /sse` opens the event stream and names
 * `/messages?sessionId=…` as the place to POST messages. The session lives exactly as long as the
 * stream: when the client goes away its server is closed.
 */
export async function openSseStream(
  ctx: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (ctx.sessions.full)
    return sendError(
      res,
      503,
      SERVER_ERROR,
      `Service Unavailable: ${ctx.settings.maxSessions} concurrent sessions (MCP_MAX_SESSIONS) already open; retry later`,
      { 'retry-after': '5' },
    );
  if (req.socket.destroyed) return;
  res.setHeader('x-accel-buffering', 'no');
  const transport = new SSEServerTransport('/messages', res);
  const id = transport.sessionId;
  const server = ctx.createServer({ stateless: false });
  const tracked = new TrackedTransport(transport, ctx.inflight);
  const release = () => void ctx.sessions.close(id, 'client disconnected');
  tracked.onclose = release;
  ctx.sessions.add({ id, kind: 'sse', transport, server });
  bindSessionOwner(transport, req);
  ctx.sessions.hold(id, res);
  res.once('close', release);
  const keepalive = setInterval(() => {
    if (!res.writableEnded) res.write(': keepalive\n\n');
  }, KEEPALIVE_MS);
  keepalive.unref();
  res.once('close', () => clearInterval(keepalive));
  // A legacy session lives only as long as its stream, so the session ends with the token.
  endStreamAtTokenExpiry(req, res, ctx.settings.oauth?.clockSkewSeconds, (person) => {
    ctx.logger.info(
      `legacy SSE session ${shortId(id)} of ${person} ended: the access token that opened it expired; ` +
        'the client opens a new session (GET /sse) with a fresh token',
    );
    void ctx.sessions.close(id, 'access token expired');
  });
  await server.connect(tracked);
  // The client may have left while the server was connecting; 'close' has fired already then.
  if (res.destroyed) release();
}

export async function postSseMessage(
  ctx: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  sessionId: string | null,
  body: unknown,
): Promise<void> {
  const session = sessionId ? ctx.sessions.get(sessionId) : undefined;
  if (!session || session.kind !== 'sse' || notSessionOwner(ctx, session.transport, req, sessionId!))
    return sendError(res, 404, SESSION_NOT_FOUND, 'Session not found: open a new stream with GET /sse');
  await session.transport.handlePostMessage(req, res, body);
}
