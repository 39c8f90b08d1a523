import type { Logger } from '../../logger.js';
import type { Refusal } from './security.js';

export const REFUSED_TOKEN_LIMIT = { max: 20, windowMs: 10_000, maxAddresses: 10_000 };

export interface RefusedTokenLimits {
  /** Refused tokens one address may send in a window; the next ones get 429. */
  max: number;
  windowMs: number;
  /** Addresses remembered at once; the oldest window is forgotten first. */
  maxAddresses: number;
  now?: () => number;
}

interface Window {
  start: number;
  count: number;
}

/**
 * A client whose fresh tokens this server keeps refusing (usually a mismatched audience or issuer)
 * refreshes on every 401 and tries again, without end: hammering this server and the authorization
 * server. Past `max` refused tokens from one connecting address within a window, the refusal is a 429
 * with Retry-After instead of a 401, which the SDK clients do not answer with a refresh, and the
 * message says what to check. Only tokens that would never work count: a valid token always passes,
 * an expired one always gets its 401 (the normal cue to refresh, also for the other clients of a
 * reverse proxy sharing its address), and a request without a token is the start of sign-in.
 */
export class RefusedTokenLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly now: () => number;

  constructor(
    private readonly limits: RefusedTokenLimits,
    private readonly logger: Logger,
  ) {
    this.now = limits.now ?? Date.now;
  }

  get size(): number {
    return this.windows.size;
  }

  /** Counts one refused token from `address`; the 429 to answer instead of the 401 when over the limit. */
  refused(address: string, why: string, advice: string): Refusal | undefined {
    const now = this.now();
    let w = this.windows.get(address);
    if (!w || now - w.start >= this.limits.windowMs) {
      if (w) this.windows.delete(address);
      this.makeRoom(now);
      w = { start: now, count: 0 };
      this.windows.set(address, w);
    }
    w.count++;
    if (w.count <= this.limits.max) return undefined;
    const retryAfter = Math.max(1, Math.ceil((w.start + this.limits.windowMs - now) / 1000));
    const seconds = this.limits.windowMs / 1000;
    if (w.count === this.limits.max + 1)
      this.logger.warn(
        `OAuth: ${address} sent more than ${this.limits.max} tokens this server refuses within ${seconds} s ` +
          `(the last: ${why}); answering 429 instead of 401 for ${retryAfter} s so its client stops ` +
          `refreshing in a loop. ${advice}`,
      );
    return {
      status: 429,
      message:
        `Too Many Requests: more than ${this.limits.max} requests from this address within ${seconds} s ` +
        `carried access tokens this server refuses (the last: ${why}). Retry after ${retryAfter} s. ${advice}`,
      headers: { 'retry-after': String(retryAfter) },
    };
  }

  /** Bounded memory: forget finished windows, then the oldest ones. */
  private makeRoom(now: number): void {
    if (this.windows.size < this.limits.maxAddresses) return;
    for (const [address, w] of this.windows)
      if (now - w.start >= this.limits.windowMs) this.windows.delete(address);
    for (const address of this.windows.keys()) {
      if (this.windows.size < this.limits.maxAddresses) break;
      this.windows.delete(address);
    }
  }
}
