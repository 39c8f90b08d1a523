// Types for balancer.mjs (plain JavaScript so the bench runs it with node, no build step).
import type { IncomingMessage } from 'node:http';

export interface Balancer {
  url: string;
  /** Requests forwarded to each replica, by index. */
  served: number[];
  /** Requests sent again on a new connection after a kept-alive one was closed under them, by index. */
  retried: number[];
  close(): Promise<void>;
}

export function startBalancer(upstreams: string[], pick: (req: IncomingMessage) => number): Promise<Balancer>;
export function roundRobin(replicas: number): () => number;
export function clientIp(replicas: number): (req: IncomingMessage) => number;
