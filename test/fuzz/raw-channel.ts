import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface RawAnswer {
  jsonrpc?: unknown;
  id?: unknown;
  result?: Record<string, unknown>;
  error?: { code?: unknown; message?: unknown; data?: unknown };
}

/**
 * A bare JSON-RPC peer on an in-memory link to a real server: no SDK Client in between, so the server
 * sees exactly what a broken client would send (arguments: null, name: [[...]]) and nothing checks
 * or rewrites it on the way.
 */
export class RawChannel {
  private seq = 0;
  private readonly pending = new Map<string, (answer: RawAnswer) => void>();

  private constructor(private readonly transport: InMemoryTransport) {}

  static async connect(server: Server): Promise<RawChannel> {
    const [ours, theirs] = InMemoryTransport.createLinkedPair();
    const channel = new RawChannel(ours);
    ours.onmessage = (message) => {
      const id = (message as { id?: unknown }).id;
      const waiter = typeof id === 'string' ? channel.pending.get(id) : undefined;
      if (!waiter) return; // notifications and requests from the server are not what we test here
      channel.pending.delete(id as string);
      waiter(message as RawAnswer);
    };
    await server.connect(theirs);
    await ours.start();
    return channel;
  }

  /** Sends `{jsonrpc, id, method, params}` (params left out when undefined) and waits for the answer. */
  request(method: unknown, params: unknown, timeoutMs = 15_000): Promise<RawAnswer> {
    const id = `raw-${++this.seq}`;
    const message: Record<string, unknown> = { jsonrpc: '2.0', id, method };
    if (params !== undefined) message.params = params;
    return new Promise<RawAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new Error(
            `no answer to ${typeof method === 'string' ? method : 'a request'} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.pending.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      this.transport.send(message as JSONRPCMessage).catch((err: unknown) => {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(err instanceof Error ? err : new Error(String(err)));
      });
    });
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
