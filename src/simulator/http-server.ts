import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { firstLine, handleApi, type ApiAnswer } from './api.js';
import type { TokenStore } from './auth.js';
import { ApiError } from './errors.js';
import type { Answer, Exchange, Interceptor } from './exchange.js';
import { uriUnescape } from './request-params.js';
import type { Router } from './routes.js';
import type { SimState } from './state.js';

/**
 * The HTTPS front end, modelled on pve-http-server's AnyEvent.pm: transport checks before anything else
 * (method, chunked, size, body on GET), unauthenticated /pve-docs, the /api2/json envelope, PVE's headers,
 * and the error text in the reason phrase. Interceptors (exchange.ts) may stand before the engine's answer.
 */
const MAX_BODY = 512 * 1024; // $limit_max_post
const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);
const APIDOC_PATH = '/pve-docs/api-viewer/apidoc.js';
export interface HttpServerOptions {
  host: string;
  port: number;
  key: string;
  cert: string;
  state: SimState;
  tokens: TokenStore;
  router: Router;
  apidoc: () => string;
  authDelayMs: number;
  /** Run in order before the engine's answer, each wrapping the rest (see exchange.ts). */
  interceptors: readonly Interceptor[];
}

export interface RunningServer {
  port: number;
  /** Presents another certificate from now on and drops open connections, as a restarted pveproxy does. */
  setCertificate(key: string, cert: string): void;
  /** TLS handshakes completed so far: one per connection a client opened. */
  tlsConnections(): number;
  close(): Promise<void>;
}

/** A reason phrase Node accepts: one line, Latin-1 bytes (UTF-8 passes through as PVE's would). */
function reasonPhrase(message: string): string {
  return Buffer.from(firstLine(message), 'utf8')
    .toString('latin1')
    .replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new ApiError(501, 'for data too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * pve-http-server's split_abs_uri on the once-unescaped path: /api2, then one or more slashes and a
 * lower-case format ([1]; absent means "no such uri"), then the path the router gets ([2]).
 */
export function splitAbsUri(path: string): RegExpExecArray | null {
  return /^\/api2(?:\/+([a-z][a-z0-9]+))?(\/.*)?$/s.exec(path);
}

export function startHttpsServer(o: HttpServerOptions): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const version = o.state.version;

  const sleep = (ms: number): Promise<void> =>
    ms <= 0
      ? Promise.resolve()
      : new Promise((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, ms);
          timers.add(timer);
        });

  /** Transport-level refusals carry their message as a plain-text body since PVE 8.3. */
  const transportError = (status: number, message: string): Answer => ({
    status,
    reason: message,
    body: version.errorMessageInBody ? message : '',
    contentType: 'text/plain;charset=UTF-8',
  });

  const fromApi = (a: ApiAnswer, started: number): Answer => ({
    status: a.status,
    reason: a.reason,
    body: a.payload === undefined ? '' : JSON.stringify(a.payload),
    contentType: a.payload === undefined ? undefined : 'application/json;charset=UTF-8',
    notBefore: a.authFailure ? started + o.authDelayMs : undefined,
  });

  async function produce(req: IncomingMessage, ex: Exchange): Promise<Answer> {
    const { method, path, query } = ex;
    if (!METHODS.has(method)) return transportError(501, `method '${method}' not available`);
    if (/chunked/i.test(String(req.headers['transfer-encoding'] ?? ''))) {
      return transportError(501, 'chunked transfer encoding not supported');
    }
    const length = Number(req.headers['content-length'] ?? 0) || 0;
    if (length > MAX_BODY) return transportError(501, 'for data too large');
    if ((method === 'GET' || method === 'DELETE') && length > 0) {
      return transportError(501, `Unexpected content for method '${method}'`);
    }
    let text: string;
    try {
      text = await ex.body();
    } catch (err) {
      return transportError(501, err instanceof ApiError ? err.message : 'for data too large');
    }

    if (path === APIDOC_PATH && method === 'GET') {
      return {
        status: 200,
        reason: 'OK',
        body: o.apidoc(),
        contentType: 'application/javascript; charset=utf-8',
      };
    }
    const api = splitAbsUri(path);
    if (!api) return transportError(404, `no such file '${path}'`);
    const answer = handleApi(
      {
        method,
        format: api[1] ?? '',
        relPath: api[2] ?? '/',
        query,
        body: text,
        contentType: req.headers['content-type'],
        authorization: req.headers.authorization,
        cookie: req.headers.cookie,
      },
      o.state,
      o.tokens,
      o.router,
    );
    return fromApi(answer, ex.arrived);
  }

  function write(res: ServerResponse, a: Answer, acceptEncoding: string): void {
    if (res.destroyed || res.headersSent) return;
    res.statusCode = a.status;
    res.statusMessage = reasonPhrase(a.reason);
    res.setHeader('Server', 'pve-api-daemon/3.0');
    res.setHeader('Cache-Control', 'max-age=0');
    res.setHeader('Pragma', 'no-cache');
    res.setHeader('Expires', new Date().toUTCString());
    if (a.contentType && a.body !== '') res.setHeader('Content-Type', a.contentType);
    let body: string | Buffer = a.body;
    // Like pve-http-server: gzip when the client accepts it and the body is over 1 KiB.
    if (Buffer.byteLength(body) > 1024 && /\bgzip\b/i.test(acceptEncoding)) {
      // Fastest level: same format, and a 10,000-guest /cluster/resources (3.4 MB) costs ~25 ms, not ~110.
      body = gzipSync(body, { level: 1 });
      res.setHeader('Content-Encoding', 'gzip');
    }
    res.setHeader('Content-Length', Buffer.byteLength(body));
    // pve-http-server closes the connection after every error.
    if (a.status >= 400) res.setHeader('Connection', 'close');
    res.end(body);
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const acceptEncoding = String(req.headers['accept-encoding'] ?? '');
    let body: Promise<string> | undefined;
    let bodyText: string | undefined;
    const ex: Exchange = {
      method: req.method ?? '',
      path: uriUnescape(q < 0 ? url : url.slice(0, q)),
      query: q < 0 ? '' : url.slice(q + 1),
      headers: req.headers,
      arrived: Date.now(),
      version,
      res,
      body: () => (body ??= readBody(req).then((text) => (bodyText = text))),
      get bodyText() {
        return bodyText;
      },
      send: (a) => write(res, a, acceptEncoding),
      track: (t) => timers.add(t),
      sleep,
    };
    const engine = async (): Promise<Answer> => {
      try {
        return await produce(req, ex);
      } catch (err) {
        return transportError(500, `internal error - ${String(err)}`);
      }
    };
    const run = (i: number): Promise<Answer | undefined> => {
      const interceptor = o.interceptors[i];
      return interceptor ? interceptor(ex, () => run(i + 1)) : engine();
    };
    const answer = await run(0);
    if (!answer) return;
    if (answer.notBefore !== undefined) await sleep(answer.notBefore - Date.now());
    if (!closed) write(res, answer, acceptEncoding);
  }

  const server: Server = createServer({ key: o.key, cert: o.cert }, (req, res) => {
    onRequest(req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  let handshakes = 0;
  server.on('secureConnection', () => handshakes++);
  server.on('tlsClientError', () => undefined);
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const status =
      err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : o.port;
      resolve({
        port,
        setCertificate: (key, cert) => {
          server.setSecureContext({ key, cert });
          for (const s of sockets) s.destroy();
        },
        tlsConnections: () => handshakes,
        close: () =>
          new Promise<void>((done) => {
            closed = true;
            for (const t of timers) clearTimeout(t);
            timers.clear();
            server.close(() => done());
            for (const s of sockets) s.destroy();
          }),
      });
    });
  });
}
