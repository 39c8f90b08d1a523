import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { callerOf } from '../../auth/caller.js';
import type { Logger } from '../../logger.js';
import { AuthGate } from './auth-gate.js';
import { serveResourceMetadata } from './resource-metadata.js';
import { formatBytes, readJsonBody } from './body.js';
import type { HttpContext, ServerMode } from './context.js';
import { InflightCounter } from './inflight.js';
import { openSseStream, postSseMessage } from './legacy-sse.js';
import { INTERNAL_ERROR, PARSE_ERROR, SERVER_ERROR, sendError, sendJson } from './respond.js';
import { checkHost, checkOrigin, corsHeaders, isLoopbackAddress } from './security.js';
import { SessionRegistry, shortId } from './sessions.js';
import { SlowClientGuard } from './slow-clients.js';
import { assertSafeBind, type HttpSettings } from './settings.js';
import { handleStreamable } from './streamable.js';

export interface HttpServerOptions {
  settings: HttpSettings;
  /** The shared server factory: `(mode) => createServer({ ...deps, ...mode })`. */
  createServer: (mode: ServerMode) => Server;
  logger: Logger;
  version: string;
}

export interface HttpServerHandle {
  /** Base URL actually bound, e.g. `http://127.0.0.1:8000` (the real port when 0 was asked for). */
  url: string;
  sessions(): number;
  /** What a client can hold open, for tests that prove abandoned clients are released. */
  stats(): HttpStats;
  /** Graceful: stop accepting, let calls in flight finish (bounded), close sessions and sockets. */
  close(): Promise<void>;
}

export interface HttpStats {
  sessions: number;
  /** Responses open on behalf of a session (event streams and calls being answered). */
  streams: number;
  /** TCP connections open, idle keep-alive ones included. */
  connections: number;
  /** Responses cut because their client stopped reading. */
  cut: number;
}

export class ListenError extends Error {
  constructor(host: string, port: number, cause: NodeJS.ErrnoException) {
    const why: Record<string, string> = {
      EADDRINUSE: 'the port is in use; choose another with --port or MCP_PORT',
      EADDRNOTAVAIL: 'no network interface of this machine has that address',
      EACCES: 'permission denied (ports below 1024 need privileges)',
      ENOTFOUND: 'the host name does not resolve',
    };
    super(
      `cannot listen on ${host}:${port}: ${cause.code ?? cause.message}${why[cause.code ?? ''] ? ` (${why[cause.code ?? '']})` : ''}`,
    );
    this.name = 'ListenError';
  }
}

/** Longer than the 60 s idle timeout of common reverse proxies and load balancers (see below). */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

const ENDPOINTS = ['/mcp', '/sse', '/messages'];
const ENDPOINT_LIST = '/mcp (Streamable HTTP), /sse and /messages (legacy SSE), /healthz';

export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServerHandle> {
  const { settings, logger } = opts;
  assertSafeBind(settings);
  announceSecurity(settings, logger);
  const ctx: HttpContext = {
    settings,
    createServer: opts.createServer,
    sessions: new SessionRegistry({
      maxSessions: settings.maxSessions,
      idleMs: settings.sessionIdleMs,
      logger,
    }),
    inflight: new InflightCounter(),
    ephemeral: new Set(),
    logger,
  };
  const gate = new AuthGate(settings, logger);
  let draining = false;

  const methodsOf = (path: string): string[] =>
    path === '/mcp'
      ? settings.stateless
        ? ['POST']
        : ['GET', 'POST', 'DELETE']
      : path === '/sse'
        ? ['GET']
        : ['POST'];

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path === '/healthz') {
      if (method !== 'GET' && method !== 'HEAD')
        return sendError(res, 405, SERVER_ERROR, 'Method Not Allowed', { allow: 'GET, HEAD' });
      const state = { status: draining ? 'shutting_down' : 'ok' };
      // Any Host gets the state, so container probes that use an IP or a service name keep working;
      // version and counts only go to the Hosts (and Origins) /mcp accepts, not to a page that
      // reaches us by DNS rebinding.
      const details =
        !checkHost(req.headers.host, settings.allowedHosts) &&
        !checkOrigin(req.headers.origin, settings.allowedOrigins);
      return sendJson(res, draining ? 503 : 200, {
        ...state,
        ...(details
          ? {
              version: opts.version,
              mode: settings.stateless ? 'stateless' : 'stateful',
              sessions: ctx.sessions.size,
              inflight: ctx.inflight.size,
            }
          : {}),
      });
    }
    if (gate.oauth && path.startsWith('/.well-known/'))
      return serveResourceMetadata(req, res, path, gate.oauth, opts.version);
    if (!ENDPOINTS.includes(path))
      return sendError(res, 404, SERVER_ERROR, `Not Found: ${path}. Endpoints: ${ENDPOINT_LIST}`);
    const refusal =
      checkHost(req.headers.host, settings.allowedHosts) ??
      checkOrigin(req.headers.origin, settings.allowedOrigins);
    if (refusal) return sendError(res, refusal.status, SERVER_ERROR, refusal.message);
    for (const [k, v] of Object.entries(corsHeaders(req.headers.origin))) res.setHeader(k, v);
    if (method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const allowed = methodsOf(path);
    if (!allowed.includes(method))
      return sendError(res, 405, SERVER_ERROR, `Method Not Allowed: ${path} accepts ${allowed.join(', ')}`, {
        allow: allowed.join(', '),
      });
    if (draining)
      return sendError(res, 503, SERVER_ERROR, 'Service Unavailable: the server is shutting down', {
        connection: 'close',
      });
    const checked = await gate.check(req, path, url);
    if ('refusal' in checked) {
      const { status, message, headers } = checked.refusal;
      return sendError(res, status, SERVER_ERROR, message, headers);
    }
    // The SDK transports hand this to request handlers as `extra.authInfo`.
    (req as IncomingMessage & { auth?: AuthInfo }).auth = checked.authInfo;

    let body: unknown;
    if (method === 'POST') {
      const read = await readJsonBody(req, settings.maxBodyBytes);
      if (read.kind === 'too-large')
        return sendError(
          res,
          413,
          SERVER_ERROR,
          `Payload Too Large: request bodies are limited to ${formatBytes(read.limit)} (MCP_MAX_BODY_BYTES)`,
          { connection: 'close' },
        );
      if (read.kind === 'invalid-json')
        return sendError(
          res,
          400,
          PARSE_ERROR,
          `Parse error: the request body is not valid JSON (${read.detail})`,
        );
      body = read.value;
    }
    if (path === '/mcp') return handleStreamable(ctx, req, res, body);
    if (path === '/sse') return openSseStream(ctx, req, res);
    return postSseMessage(ctx, req, res, url.searchParams.get('sessionId'), body);
  }

  const guard = new SlowClientGuard(
    { maxUnreadBytes: settings.maxUnreadBytes, stallMs: settings.writeStallMs },
    logger,
  );
  const headersTimeout = Math.min(settings.headersTimeoutMs, settings.requestTimeoutMs);
  const options: http.ServerOptions = {
    // Clients that send headers or a body slowly, or nothing at all, get 408 and are closed.
    headersTimeout,
    requestTimeout: settings.requestTimeoutMs,
    // Node enforces both timeouts on this tick; its 30 s default would let them overrun by that much.
    connectionsCheckingInterval: Math.min(Math.max(Math.floor(headersTimeout / 4), 50), 5_000),
    // TCP keepalive reveals peers that vanished without a FIN, so their event streams and sessions
    // are released instead of being held open forever.
    keepAlive: true,
    keepAliveInitialDelay: 60_000,
  };
  let connections = 0;
  const server = http.createServer(options, (req, res) => {
    const started = performance.now();
    let url: URL;
    try {
      url = new URL(`http://localhost${req.url ?? '/'}`);
    } catch {
      return sendError(res, 400, SERVER_ERROR, 'Bad Request: malformed URL');
    }
    guard.watch(res, () => {
      const id = ctx.sessions.idFor(res);
      return `${req.method} ${url.pathname}${id ? ` (session ${shortId(id)})` : ''}`;
    });
    // Read the address now: an SSE stream is logged when it closes, after its socket is gone.
    const remote = req.socket.remoteAddress;
    res.once('close', () => accessLog(logger, req, res, url, started, ctx.sessions.idFor(res), remote));
    route(req, res, url).catch((err: unknown) => {
      logger.error('request failed', {
        method: req.method,
        path: url.pathname,
        error: err instanceof Error ? err.message : String(err),
      });
      if (!res.headersSent) sendError(res, 500, INTERNAL_ERROR, 'Internal error');
      else res.end();
    });
  });
  // Proxies in front (ingress-nginx, cloud load balancers) keep idle upstream connections for 60 s and
  // reuse them for the next request; Node's 5 s default closes them first, and a POST sent on a
  // connection we are just closing fails as a 502 the proxy may not retry. Outlast the proxy instead.
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.on('connection', (socket: Socket) => {
    connections++;
    socket.once('close', () => connections--);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new ListenError(settings.host, settings.port, err)),
    );
    server.listen(settings.port, settings.host, () => resolve());
  });
  server.on('error', (err) => logger.error('http server error', { error: err.message }));
  ctx.sessions.startSweeper();
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  // Without MCP_PUBLIC_URL (loopback only), the resource is named by the address actually bound.
  gate.oauth?.listening(url);
  logger.info(`listening on ${url}: Streamable HTTP at ${url}/mcp, legacy SSE at ${url}/sse`, {
    mode: settings.stateless ? 'stateless' : 'stateful',
    auth: settings.authMode,
    ...(gate.oauth ? { issuer: gate.oauth.settings.issuer, resource: `${gate.oauth.resourceBase}/mcp` } : {}),
  });
  gate.oauth?.start();

  async function shutdown(): Promise<void> {
    draining = true;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    if (ctx.inflight.size) logger.info(`shutting down: waiting for ${ctx.inflight.size} call(s) in flight`);
    if (!(await ctx.inflight.whenIdle(settings.shutdownGraceMs)))
      logger.warn(
        `shutting down: ${ctx.inflight.size} call(s) still running after ${settings.shutdownGraceMs} ms`,
      );
    ctx.sessions.stopSweeper();
    await ctx.sessions.closeAll('server shutting down');
    await Promise.all([...ctx.ephemeral].map((s) => s.close().catch(() => {})));
    // Let responses that just ended reach the client, then cut whatever is left.
    const deadline = Date.now() + 1_000;
    let done = false;
    void stopped.then(() => (done = true));
    while (!done && Date.now() < deadline) {
      server.closeIdleConnections();
      await new Promise((r) => setTimeout(r, 20));
    }
    server.closeAllConnections();
    await stopped;
  }
  let closing: Promise<void> | undefined;
  return {
    url,
    sessions: () => ctx.sessions.size,
    stats: () => ({
      sessions: ctx.sessions.size,
      streams: ctx.sessions.openResponses,
      connections,
      cut: guard.cutCount,
    }),
    close: () => (closing ??= shutdown()),
  };
}

function announceSecurity(settings: HttpSettings, logger: Logger): void {
  const where = `${settings.host}:${settings.port}`;
  const loopback = isLoopbackAddress(settings.host);
  if ((settings.authToken || settings.oauth) && settings.noAuth)
    logger.warn(
      `--no-auth ignored: ${settings.oauth ? 'MCP_OAUTH_ISSUER' : 'MCP_AUTH_TOKEN'} is set, so every request still needs a token`,
    );
  if (settings.authMode === 'oauth' && settings.oauth)
    logger.info(
      `authentication: OAuth 2.1 access tokens from ${settings.oauth.issuer}` +
        (settings.oauth.requiredScopes.length
          ? `, scopes required: ${settings.oauth.requiredScopes.join(' ')}`
          : ''),
    );
  if (!settings.authToken && !settings.oauth && !loopback)
    logger.warn(
      `!!! AUTHENTICATION DISABLED (--no-auth): ${where} accepts MCP requests from anyone who can reach it, ` +
        'and every tool (including ones that stop, delete or reconfigure guests) runs with the configured Proxmox ' +
        'token(s). Only do this behind a reverse proxy or network that authenticates; set MCP_AUTH_TOKEN otherwise. !!!',
    );
  if (!loopback && settings.allowedHosts.length === 0)
    logger.warn(
      `listening on ${where}, but only requests with Host localhost, 127.0.0.1 or [::1] are accepted; ` +
        'set MCP_ALLOWED_HOSTS to the name(s) clients use to reach this server',
    );
}

function accessLog(
  logger: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  started: number,
  sessionId: string | undefined,
  remote: string | undefined,
): void {
  const session = sessionId ?? url.searchParams.get('sessionId');
  // The person an OAuth check established (auth-gate.ts), so every request line is attributable too.
  const caller = callerOf((req as IncomingMessage & { auth?: AuthInfo }).auth);
  const fields = {
    ms: Math.round(performance.now() - started),
    ...(session ? { session: shortId(session) } : {}),
    ...(caller ? { person: { sub: caller.subject, ...(caller.name ? { name: caller.name } : {}) } } : {}),
    ...(res.writableFinished ? {} : { aborted: true }),
    remote,
  };
  const line = `${req.method} ${url.pathname} ${res.statusCode}`;
  if (url.pathname === '/healthz') logger.debug(line, fields);
  else logger.info(line, fields);
}
