import net from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { TOKEN } from './helpers.js';

/**
 * A TCP client that speaks HTTP by hand, for the clients no library lets us be: one that stops
 * reading, sends its headers or body a byte at a time, or never finishes a request.
 */
export interface RawClient {
  socket: net.Socket;
  /** Everything received so far (latin1, so byte counts match). */
  received(): string;
  /** Resolves once the server closed or reset the connection. */
  closed: Promise<void>;
  write(text: string | Buffer): Promise<void>;
  /** Resolves once `pattern` has arrived. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

export async function rawClient(base: string): Promise<RawClient> {
  const url = new URL(base);
  const socket = net.connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let text = '';
  let wake: () => void = () => {};
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => {
    text += d;
    wake();
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  void closed.then(() => wake());
  return {
    socket,
    received: () => text,
    closed,
    write: (data) =>
      new Promise<void>((resolve, reject) => socket.write(data, (err) => (err ? reject(err) : resolve()))),
    async waitFor(pattern, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = pattern.exec(text);
        if (m) return m;
        if (socket.destroyed || Date.now() > deadline)
          throw new Error(`never received ${String(pattern)}; got: ${text.slice(0, 300)}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
  };
}

/** Request head with the bearer token; `extra` lines are appended as given. */
export function head(method: string, path: string, extra: string[] = []): string {
  return [
    `${method} ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    `Authorization: Bearer ${TOKEN}`,
    ...extra,
    '',
    '',
  ].join('\r\n');
}

/** The V8 heap after a full collection: what is really retained, not what is waiting to be freed. */
export function retainedHeapMiB(): number {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
