import { gunzipSync } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { ResponseTooLargeError } from './response-too-large.js';
import { RequestAborted, RequestTimedOut } from './request-errors.js';

export interface RawRequest {
  /** Path and query, e.g. `/api2/json/nodes?type=vm`. */
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface RawResponse {
  status: number;
  /** The HTTP reason phrase: where PVE puts its error text. */
  statusText: string;
  body: string;
}

export interface SendOptions {
  /** The whole request (queue, connect, headers, body) must be done within this. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Cap on the answer after gzip inflation (the raw bytes are capped by the pool's maxResponseSize). */
  maxBytes: number;
}

type Controller = Dispatcher.DispatchController;

/** undici's codes for its own timers (headersTimeout, bodyTimeout): both are our deadline. */
const UNDICI_TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * One request on a cluster's undici pool: status, reason phrase and a size-capped UTF-8 body.
 *
 * Through dispatch() with our own handler rather than undici's request(): the handler collects the
 * body's chunks directly (no Readable stream per answer), and onResponseStart() receives the reason
 * phrase, which undici decodes as UTF-8, as PVE writes it. Redirects are not followed (no redirect
 * interceptor on the pool).
 *
 * The deadline is one timer for queue, connect, headers and body together (undici's headersTimeout and
 * bodyTimeout are set to it too, but they are inactivity timers: a body trickling a byte a second
 * would never trip them). On expiry or cancellation the request is aborted, which discards its socket
 * (a half-read answer cannot poison the next request); one still waiting for a connection is dropped
 * by undici before any byte of it is written.
 */
export function sendRequest(
  dispatcher: Dispatcher,
  req: RawRequest,
  opts: SendOptions,
): Promise<RawResponse> {
  // Cancelled before it started: nothing is queued, nothing is sent.
  if (opts.signal?.aborted) return Promise.reject(new RequestAborted());
  return new Promise<RawResponse>((resolve, reject) => {
    let settled = false;
    let controller: Controller | undefined;
    let stopped: Error | undefined;
    const finish = (err: Error | undefined, value?: RawResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) {
        stopped = err;
        controller?.abort(err);
        reject(err);
      } else resolve(value!);
    };
    const onAbort = () => finish(new RequestAborted());
    const timer = setTimeout(() => finish(new RequestTimedOut(opts.timeoutMs)), opts.timeoutMs);
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    let status = 0;
    let statusText = '';
    let gzipped = false;
    const chunks: Buffer[] = [];

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        // Given up while waiting for a connection: undici writes nothing of an aborted request.
        if (stopped) c.abort(stopped);
      },
      onResponseStart(_c, statusCode, headers, statusMessage) {
        status = statusCode;
        statusText = statusMessage ?? '';
        const declared = Number(headers['content-length']);
        if (Number.isFinite(declared) && declared > opts.maxBytes)
          return finish(new ResponseTooLargeError(opts.maxBytes));
        // pveproxy gzips answers over 1 KiB for clients that accept it: a 10,000-guest inventory is
        // ~0.7 MB on the wire instead of 3.4 MB.
        gzipped = /^\s*gzip\s*$/i.test(String(headers['content-encoding'] ?? ''));
      },
      onResponseData(_c, chunk) {
        chunks.push(chunk);
      },
      onResponseEnd() {
        const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        chunks.length = 0;
        const answer = (body: Buffer) =>
          finish(undefined, { status, statusText, body: body.toString('utf8') });
        // Answered at once, although undici hands the connection back to the pool only one event-loop
        // turn later (against servers that close despite keep-alive): a request sent back-to-back
        // then takes a second pooled connection, which stays and is reused. Waiting for undici
        // instead kept one connection but cost every call ~0.05 ms (~5%, measured side by side).
        if (!gzipped) return answer(raw);
        // Capped: a small gzip can inflate to gigabytes. On the main thread (it costs less than the
        // JSON.parse that follows): zlib's asynchronous inflate allocates in the threadpool's malloc
        // arenas, which kept their pages; five 10,000-guest inventories ended at 147 MB RSS instead of
        // 126 MB on Node 24 (97 vs 93 MB on Node 20), measured side by side.
        let body: Buffer;
        try {
          body = gunzipSync(raw, { maxOutputLength: opts.maxBytes });
        } catch (err) {
          return finish(
            (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
              ? new ResponseTooLargeError(opts.maxBytes)
              : Object.assign(new Error(`the gzip-compressed answer is corrupt: ${(err as Error).message}`), {
                  code: 'EBADGZIP',
                }),
          );
        }
        answer(body);
      },
      onResponseError(_c, err) {
        const code = (err as { code?: string }).code ?? '';
        if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return finish(new ResponseTooLargeError(opts.maxBytes));
        if (UNDICI_TIMEOUTS.has(code)) return finish(new RequestTimedOut(opts.timeoutMs));
        finish(err);
      },
    };

    const headers: Record<string, string> = { 'accept-encoding': 'gzip', ...req.headers };
    try {
      dispatcher.dispatch(
        {
          path: req.path,
          method: req.method as Dispatcher.HttpMethod,
          headers,
          body: req.body,
          headersTimeout: opts.timeoutMs,
          bodyTimeout: opts.timeoutMs,
        },
        handler,
      );
    } catch (err) {
      finish(err as Error);
    }
  });
}
