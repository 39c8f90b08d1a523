import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { kind: 'json'; value: unknown }
  | { kind: 'too-large'; limit: number }
  | { kind: 'invalid-json'; detail: string };

/**
 * Reads a request body up to `limit` bytes and parses it as JSON.
 *
 * An oversized body is not buffered, but it is read to the end (up to a few times the limit) before
 * the caller answers 413: closing a socket the client is still writing to resets the connection, and
 * the client would see "ECONNRESET" instead of the 413 that says what is wrong.
 */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const drainCap = limit * 4 + 64 * 1024;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > drainCap) return Promise.resolve({ kind: 'too-large', limit });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult) => {
      done = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > drainCap) finish({ kind: 'too-large', limit });
    });
    req.once('end', () => {
      if (done) return;
      if (size > limit) return finish({ kind: 'too-large', limit });
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        finish({ kind: 'json', value: JSON.parse(text) as unknown });
      } catch (err) {
        finish({ kind: 'invalid-json', detail: err instanceof Error ? err.message : String(err) });
      }
    });
    req.once('error', (err) => {
      if (!done) reject(err);
    });
  });
}

export function formatBytes(n: number): string {
  const mib = 1024 * 1024;
  if (n >= mib && n % mib === 0) return `${n / mib} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}
