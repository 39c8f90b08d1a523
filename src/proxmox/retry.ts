import { setTimeout as sleep } from 'node:timers/promises';
import { abortedError } from './error-mapping.js';
import { ProxmoxError, ProxmoxHttpError, ProxmoxNetworkError } from './errors.js';

/**
 * Bounded retries for idempotent reads. A GET that failed in a way that says "try again" (the
 * connection dropped, a proxy or a node in between was briefly unavailable) is sent again at most
 * twice, after ~100 ms and ~300 ms (jittered, so many clients do not retry in step), and only while
 * the call's one deadline leaves room. Everything else fails at once:
 * - writes (POST/PUT/DELETE), whatever the failure: the first one may have been carried out;
 * - 401/403 and every other 4xx: the answer will not change, and PVE delays each auth failure by 3 s;
 * - timeouts: a hung cluster must cost one timeout, not three;
 * - a refused connection: an immediate, definite answer (nothing listens on the port, or a firewall
 *   rejects); a second try 100 ms later meets the same, and a node that is down should fail fast with
 *   the "is pveproxy running?" advice rather than after a backoff;
 * - a call the caller cancelled.
 *
 * Ours rather than undici's RetryHandler / retry interceptor (checked in undici 7.30): it resumes a
 * body cut off mid-answer with a `Range` request and fails when the server answers 200 instead of 206,
 * as PVE does, where we must send the whole GET again; with its default throwOnError a status that
 * stays transient ends as RequestRetryError, losing PVE's reason phrase and body; and the rules that
 * matter here (the call's one deadline, cancellation, jitter, the log line and the attempt count the
 * audit log reports) would all live in its `retry` callback anyway. Kept above the pool, each attempt
 * is a fresh dispatch that undici queues and bounds like any other request.
 */

/** 502/503: a proxy or pveproxy briefly unavailable; 595/596: pveproxy could not reach the target node. */
const TRANSIENT_STATUSES = new Set([502, 503, 595, 596]);
/** The connection closed before or while the answer came (a keep-alive socket the server dropped...). */
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);

/** Nominal delays before the 1st and 2nd retry; their count is the bound. */
export const RETRY_DELAYS_MS: readonly number[] = [100, 300];
/** A retry is only worth sending if at least this much of the deadline is left after the backoff. */
const MIN_ATTEMPT_MS = 250;

export function isRetryable(method: string, err: unknown): boolean {
  if (method !== 'GET') return false;
  if (err instanceof ProxmoxHttpError) return TRANSIENT_STATUSES.has(err.status);
  if (err instanceof ProxmoxNetworkError) return TRANSIENT_NETWORK_CODES.has(err.syscallCode ?? '');
  return false;
}

/**
 * One budget for a whole call, retries and backoff included; cancelled by the caller's signal too.
 * Just a number until a backoff needs a signal to sleep on: AbortSignal.timeout() plus
 * AbortSignal.any() cost more per request than the rest of the client (measured in test/bench).
 */
export class Deadline {
  private readonly endsAt: number;
  private sleepSignal: AbortSignal | undefined;

  constructor(
    readonly timeoutMs: number,
    /** The caller's own cancellation, if any. */
    readonly caller?: AbortSignal,
  ) {
    this.endsAt = Date.now() + timeoutMs;
  }

  /** Fires when the time is up or the caller aborts: what a backoff sleeps on. */
  get signal(): AbortSignal {
    if (!this.sleepSignal) {
      const timeout = AbortSignal.timeout(Math.max(0, this.remainingMs()));
      this.sleepSignal = this.caller ? AbortSignal.any([this.caller, timeout]) : timeout;
    }
    return this.sleepSignal;
  }

  get timedOut(): boolean {
    return this.remainingMs() <= 0;
  }

  get aborted(): boolean {
    return this.caller?.aborted ?? false;
  }

  remainingMs(): number {
    return this.endsAt - Date.now();
  }
}

export interface RetryInfo {
  /** 1 for the first retry. */
  retry: number;
  /** How many attempts there can be at most (1 + the retry bound). */
  maxAttempts: number;
  delayMs: number;
  error: ProxmoxError;
}

export interface RetryOptions {
  method: string;
  deadline: Deadline;
  /** Told before each retry (for the log). */
  onRetry?: (info: RetryInfo) => void;
  /** Incremented for every attempt sent, so the caller can report how many there were. */
  attempts?: { count: number };
  delaysMs?: readonly number[];
  random?: () => number;
}

/** Runs `attempt`, again after a backoff while the failure is transient and the deadline allows. */
export async function withRetries<T>(attempt: () => Promise<T>, o: RetryOptions): Promise<T> {
  const delays = o.delaysMs ?? RETRY_DELAYS_MS;
  const random = o.random ?? Math.random;
  for (let retry = 0; ; retry++) {
    if (o.attempts) o.attempts.count++;
    try {
      return await attempt();
    } catch (err) {
      const nominal = delays[retry];
      if (nominal === undefined || !isRetryable(o.method, err) || !(err instanceof ProxmoxError)) throw err;
      if (o.deadline.aborted || o.deadline.timedOut) throw err;
      // Full range [0.5, 1.5) × nominal: the mean stays at the nominal delay.
      const delayMs = Math.round(nominal * (0.5 + random()));
      // Not enough time left for a useful attempt: the transient error says more than a timeout would.
      if (o.deadline.remainingMs() - delayMs < MIN_ATTEMPT_MS) throw err;
      o.onRetry?.({ retry: retry + 1, maxAttempts: delays.length + 1, delayMs, error: err });
      try {
        await sleep(delayMs, undefined, { signal: o.deadline.signal });
      } catch {
        throw o.deadline.aborted ? abortedError(err.facts) : err;
      }
    }
  }
}
