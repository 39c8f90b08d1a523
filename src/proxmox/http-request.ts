import type { Agent } from 'node:https';
import { request } from 'node:https';
import { gunzip } from 'node:zlib';
import { ResponseTooLargeError } from './response-too-large.js';
import { RequestAborted, RequestTimedOut } from './request-errors.js';

export interface RawRequest {
  host: string;
  port: number;
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
  /** The whole request (connect, headers, body) must be done within this. */
  timeoutMs: number;
  signal?: AbortSignal;
  maxBytes: number;
}

/**
 * One HTTPS request on a keep-alive agent: status, reason phrase and a size-capped UTF-8 body. The
 * deadline is one timer for connect, headers and body together; on expiry or cancellation the request
 * is destroyed, which also discards its socket (a half-read answer cannot poison the next request).
 */
export function sendRequest(agent: Agent, req: RawRequest, opts: SendOptions): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, value?: RawResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) {
        outgoing.destroy();
        reject(err);
      } else resolve(value!);
    };
    // Cancelled before it started: nothing is created, nothing is sent.
    if (opts.signal?.aborted) return reject(new RequestAborted());
    // pveproxy gzips answers over 1 KiB for clients that accept it: a 10,000-guest inventory is
    // ~0.7 MB on the wire instead of 3.4 MB.
    const headers: Record<string, string> = { 'Accept-Encoding': 'gzip', ...req.headers };
    if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
    const outgoing = request({
      agent,
      host: req.host,
      port: req.port,
      path: req.path,
      method: req.method,
      headers,
    });
    const onAbort = () => finish(new RequestAborted());
    const timer = setTimeout(() => finish(new RequestTimedOut(opts.timeoutMs)), opts.timeoutMs);
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    outgoing.on('error', (err) => finish(err));
    outgoing.on('response', (res) => {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > opts.maxBytes)
        return finish(new ResponseTooLargeError(opts.maxBytes));
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > opts.maxBytes) return finish(new ResponseTooLargeError(opts.maxBytes));
        chunks.push(chunk);
      });
      res.on('end', () => {
        // 'end' after a destroy (timeout, too large) changes nothing: finish() settles once.
        const answer = (body: Buffer) =>
          finish(undefined, {
            status: res.statusCode ?? 0,
            statusText: reasonPhrase(res.statusMessage ?? ''),
            body: body.toString('utf8'),
          });
        const raw = Buffer.concat(chunks);
        if (!/^\s*gzip\s*$/i.test(String(res.headers['content-encoding'] ?? ''))) return answer(raw);
        // Off the main thread, and capped: a small gzip can inflate to gigabytes.
        gunzip(raw, { maxOutputLength: opts.maxBytes }, (err, body) => {
          if (!err) return answer(body);
          finish(
            (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
              ? new ResponseTooLargeError(opts.maxBytes)
              : Object.assign(new Error(`the gzip-compressed answer is corrupt: ${err.message}`), {
                  code: 'EBADGZIP',
                }),
          );
        });
      });
      // The server closed the connection mid-body (a truncated answer): a transport failure.
      res.on('aborted', () =>
        finish(
          Object.assign(new Error('the connection closed before the answer was complete'), {
            code: 'ECONNRESET',
          }),
        ),
      );
      res.on('error', (err) => finish(err));
    });
    outgoing.end(req.body);
  });
}

/**
 * Node reads the reason phrase as Latin-1; PVE writes its messages (the only error text before 8.3)
 * as UTF-8 bytes, so "Gerät" would arrive as "GerÃ¤t". Decode as UTF-8 when the bytes are valid UTF-8.
 */
function reasonPhrase(latin1: string): string {
  if (!/[\x80-\xff]/.test(latin1)) return latin1;
  const utf8 = Buffer.from(latin1, 'latin1').toString('utf8');
  return utf8.includes('\uFFFD') ? latin1 : utf8;
}
