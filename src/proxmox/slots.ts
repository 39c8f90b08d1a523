import { RequestAborted, RequestTimedOut } from './request-errors.js';

/**
 * At most `size` requests in flight per cluster; the rest wait their turn (first come, first served).
 * This is what bounds the connections to one cluster: Node's https.Agent counts a connection only once
 * it is handed over, and ours are handed over after the TLS check (cluster-agent.ts), so a burst of
 * 40 requests would otherwise open 40 connections to pveproxy at once. Waiting counts against the
 * call's own time limit, and a cancelled call leaves the queue.
 */
export class Slots {
  private busy = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  /** Resolves with the release function once a slot is free. */
  acquire(timeoutMs: number, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(new RequestAborted());
    if (this.busy < this.size) {
      this.busy++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        cleanup();
        resolve(this.releaser());
      };
      const leave = (err: Error) => {
        cleanup();
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(err);
      };
      const onAbort = () => leave(new RequestAborted());
      const timer = setTimeout(() => leave(new RequestTimedOut(timeoutMs)), timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next in line; only when nobody waits does it free up.
      if (next) next();
      else this.busy--;
    };
  }
}
