import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';

/** Counts MCP requests that have arrived and not yet been answered, across every session. */
export class InflightCounter {
  private count = 0;
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.count;
  }

  add(): void {
    this.count++;
  }

  done(): void {
    this.count = Math.max(0, this.count - 1);
    if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves true once nothing is in flight, or false after `timeoutMs`. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

/**
 * Wraps an SDK server transport to see requests come in and their responses go out. Graceful shutdown
 * waits on this rather than on HTTP responses, because with legacy SSE a tool call's HTTP POST is
 * answered 202 at once and the result travels later over the event stream.
 */
export class TrackedTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;
  private readonly pending = new Set<RequestId>();

  constructor(
    private readonly inner: Transport,
    private readonly counter: InflightCounter,
  ) {}

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  async start(): Promise<void> {
    this.inner.onmessage = (message, extra) => {
      if (isJSONRPCRequest(message) && !this.pending.has(message.id)) {
        this.pending.add(message.id);
        this.counter.add();
      }
      this.onmessage?.(message, extra);
    };
    this.inner.onerror = (error) => this.onerror?.(error);
    this.inner.onclose = () => {
      for (const _ of this.pending) this.counter.done();
      this.pending.clear();
      this.onclose?.();
    };
    await this.inner.start();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    try {
      await this.inner.send(message, options);
    } finally {
      const answered = isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message);
      if (answered && message.id !== undefined && this.pending.delete(message.id)) this.counter.done();
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
