import { isIP } from 'node:net';
import { connect, createSecureContext, type TLSSocket } from 'node:tls';
import type { Dispatcher } from 'undici';
// The pool alone, not undici's index: that would also load fetch, WebSocket, the cache stores and the
// mocks, none of which the client uses (measured: the index is ~4x the code to parse).
import Pool from 'undici/lib/dispatcher/pool.js';
import type { TlsSettings } from '../config/types.js';
import { checkSocket } from './tls.js';

/** Connections per cluster, as a browser keeps per host; pveproxy serves each on one worker. */
export const MAX_CONNECTIONS = 8;
/** Idle keep-alive connections close after this (sooner if PVE's Keep-Alive header asks). */
const IDLE_SOCKET_MS = 30_000;

export interface ClusterPoolOptions {
  /** `https://host:port`, as in ClusterConfig.origin. */
  origin: string;
  tls: TlsSettings;
  /** A TCP + TLS set-up that takes longer than this fails as ETIMEDOUT. */
  connectTimeoutMs: number;
  /** Bytes of a raw (still compressed) answer above which it is cut (undici's maxResponseSize). */
  maxResponseBytes: number;
}

/** One cluster's connections: undici's pool, and the way to end it (handshakes in progress included). */
export interface ClusterPool {
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

/**
 * One cluster's keep-alive pool with that cluster's TLS decision. undici bounds the connections
 * (`connections`: at most MAX_CONNECTIONS, attempts in their handshake included, since each of undici's
 * clients connects once at a time) and queues the requests beyond them; a request abandoned by its
 * caller while queued is dropped by undici before a byte of it is written (http-request.ts).
 *
 * TLS is decided in our connector, during connect: the handshake runs with Node's verification
 * reporting but not enforcing (`rejectUnauthorized: false`), then checkSocket() judges the socket
 * before undici gets it, so no request byte (and no token) is ever written to a server that fails the
 * check, and the error can carry the presented fingerprint. No TLS session is ever offered for
 * resumption (tls.connect without `session`): a resumed session skips the certificate, and every
 * connection must show its certificate. Never process-wide: the settings live in this closure.
 */
export function createClusterPool(o: ClusterPoolOptions): ClusterPool {
  /** Handshakes in progress, each with the way to end it (undici waits for them on destroy). */
  const connecting = new Map<TLSSocket, (err: Error) => void>();
  let closed = false;
  // One context for every connection of the pool. Pinned and unchecked clusters judge the certificate
  // themselves (tls.ts), so they trust nothing here: an empty list spares loading Node's ~140 root
  // certificates, ~50 ms of CPU on the first connection (measured with a clean environment).
  const secureContext = createSecureContext(
    o.tls.mode === 'verify' ? (o.tls.ca ? { ca: o.tls.ca } : {}) : { ca: [] },
  );

  const connector = (
    target: { hostname: string; port: string },
    callback: (...args: [null, TLSSocket] | [Error, null]) => void,
  ): void => {
    if (closed) return callback(new Error('the connection pool is closed'), null);
    const socket = connect({
      host: target.hostname,
      port: Number(target.port),
      // Node refuses an IP address as SNI; the certificate is then checked against the address.
      servername: isIP(target.hostname) ? undefined : target.hostname,
      rejectUnauthorized: false,
      secureContext,
      ALPNProtocols: ['http/1.1'],
    });
    let done = false;
    const settle = (err: Error | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.off('error', settle);
      connecting.delete(socket);
      if (!err) {
        socket.setNoDelay(true);
        return callback(null, socket);
      }
      socket.destroy();
      callback(err, null);
    };
    connecting.set(socket, settle);
    const timer = setTimeout(
      () =>
        settle(
          Object.assign(new Error(`connect timed out after ${o.connectTimeoutMs} ms`), { code: 'ETIMEDOUT' }),
        ),
      o.connectTimeoutMs,
    );
    socket.once('secureConnect', () => settle(checkSocket(socket, o.tls) ?? null));
    socket.on('error', settle);
  };

  const pool = new Pool(o.origin, {
    connections: MAX_CONNECTIONS,
    pipelining: 1,
    keepAliveTimeout: IDLE_SOCKET_MS,
    keepAliveMaxTimeout: IDLE_SOCKET_MS,
    maxResponseSize: o.maxResponseBytes,
    connect: connector as never,
  });

  return {
    dispatcher: pool,
    async close() {
      closed = true;
      const ended = new Error('the connection pool is closed');
      for (const end of [...connecting.values()]) end(ended);
      // Idle connections close now; one still answering is cut (the caller is shutting down).
      await pool.destroy().catch(() => undefined);
    },
  };
}
