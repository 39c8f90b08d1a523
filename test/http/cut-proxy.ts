import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CutProxy {
  url: string;
  /** Streams cut so far. */
  cuts: number;
  /** Every request that went through: method, and the Last-Event-ID it carried. */
  seen: Array<{ method: string; lastEventId?: string }>;
  close(): Promise<void>;
}

/**
 * A tiny HTTP proxy in front of the server that plays a network failure: the response to the first
 * POST whose body matches `cutWhen` is forwarded until its first SSE event with an id (the priming
 * event) and then both sockets are destroyed, client side and server side, as when a connection drops.
 * Everything else passes through untouched.
 */
export async function startCutProxy(target: string, cutWhen: RegExp): Promise<CutProxy> {
  const state = { cuts: 0, seen: [] as CutProxy['seen'], armed: true };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const lastEventId = req.headers['last-event-id'];
      state.seen.push({
        method: req.method ?? 'GET',
        ...(typeof lastEventId === 'string' ? { lastEventId } : {}),
      });
      const cut = state.armed && req.method === 'POST' && cutWhen.test(body.toString());
      if (cut) state.armed = false;
      const up = http.request(new URL(req.url ?? '/', target), {
        method: req.method,
        headers: req.headers,
        agent: false,
      });
      up.on('response', (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        let cutting = false;
        upRes.on('data', (chunk: Buffer) => {
          if (cutting) return; // nothing after the first event reaches the client
          res.write(chunk);
          if (cut && /^id: /m.test(chunk.toString()) && !res.destroyed) {
            cutting = true;
            state.cuts++;
            // Let the event reach the client, then drop both connections.
            setTimeout(() => {
              res.socket?.destroy();
              up.destroy();
            }, 20);
          }
        });
        upRes.on('end', () => res.end());
        upRes.on('error', () => res.destroy());
      });
      up.on('error', () => res.destroy());
      res.on('close', () => up.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get cuts() {
      return state.cuts;
    },
    seen: state.seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
