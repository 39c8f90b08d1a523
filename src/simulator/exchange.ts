import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { PveVersion } from './version.js';

/**
 * The HTTPS front end's interceptor hook: code that stands between a request and the engine's answer
 * without the engine knowing what it is for. The engine ships none; the test controls (faults, garbage,
 * latency, request recording in simulator/testing/) are interceptors that only tests and benchmarks add.
 */

/** What the front end writes with its usual headers (PVE's Server header, gzip, Connection: close on errors). */
export interface Answer {
  status: number;
  reason: string;
  body: string;
  contentType?: string;
  /** Absolute time (ms) before which the answer must not leave: PVE delays auth failures. */
  notBefore?: number;
}

/** One request on its way through the interceptors. */
export interface Exchange {
  readonly method: string;
  /** Percent-decoded, without the query: '/api2/json/nodes/pve1/tasks/UPID:pve1:…/status'. */
  readonly path: string;
  /** The raw query string (without '?'). */
  readonly query: string;
  readonly headers: IncomingHttpHeaders;
  /** Date.now() when the request arrived. */
  readonly arrived: number;
  readonly version: PveVersion;
  /** The raw response, for an interceptor that breaks the exchange itself (hangs, resets, dribbles). */
  readonly res: ServerResponse;
  /** Reads the request body once; the engine's answer reads the same text. Rejects when over the limit. */
  body(): Promise<string>;
  /** The body once read, else undefined. */
  readonly bodyText: string | undefined;
  /** Writes an answer now through the front end's writer; the interceptor then returns undefined. */
  send(answer: Answer): void;
  /** Registers a timer so closing the simulator clears it. */
  track(timer: NodeJS.Timeout): void;
  /** A pause on a tracked timer: closing the simulator clears it (the exchange then just ends). */
  sleep(ms: number): Promise<void>;
}

/**
 * Returns the answer to write, or undefined when it answered (or chose never to answer) through `res` or
 * `send` itself. `next` runs the remaining interceptors and then the engine.
 */
export type Interceptor = (
  exchange: Exchange,
  next: () => Promise<Answer | undefined>,
) => Promise<Answer | undefined>;
