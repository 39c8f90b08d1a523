import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricsSink } from './events.js';
import { ALL_CLUSTERS, NO_CLUSTER, UNKNOWN_LABEL } from './labels.js';

export interface PrometheusSinkOptions {
  /** The configured cluster names: the only cluster label values besides none, * and unknown. */
  clusters: readonly string[];
  /** Every tool's name: the only tool label values besides unknown. */
  tools: readonly string[];
  /** Node's own figures (memory, event loop lag, GC, handles) with the process_ and nodejs_ prefixes. */
  defaultMetrics?: boolean;
}

export interface PrometheusSink {
  sink: MetricsSink;
  /** Our own registry, not prom-client's global one: two servers in one process do not mix. */
  registry: Registry;
}

// Tool calls include waits on tasks (minutes); PVE answers are mostly milliseconds.
const CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const UPSTREAM_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The events of events.ts as Prometheus series. Every label value comes from a closed set (configured
 * clusters, the tool catalog, the event unions), so the number of series is bounded whatever clients
 * send, and no label can carry a person, a token, a path or an argument.
 */
export function createPrometheusSink(opts: PrometheusSinkOptions): PrometheusSink {
  const registry = new Registry();
  const clusters = new Set(opts.clusters);
  const tools = new Set(opts.tools);
  const cluster = (name: string | undefined) =>
    name === undefined || name === NO_CLUSTER
      ? NO_CLUSTER
      : name === ALL_CLUSTERS || clusters.has(name)
        ? name
        : UNKNOWN_LABEL;
  const tool = (name: string) => (tools.has(name) ? name : UNKNOWN_LABEL);

  const calls = new Counter({
    name: 'proxmox_mcp_tool_calls_total',
    help: 'MCP tools/call requests answered, by tool, cluster and outcome (ok, error, refused)',
    labelNames: ['tool', 'cluster', 'outcome'] as const,
    registers: [registry],
  });
  const callSeconds = new Histogram({
    name: 'proxmox_mcp_tool_call_duration_seconds',
    help: 'Time to answer a tools/call, by tool and outcome',
    labelNames: ['tool', 'outcome'] as const,
    buckets: CALL_BUCKETS,
    registers: [registry],
  });
  const upstream = new Histogram({
    name: 'proxmox_mcp_upstream_request_duration_seconds',
    help: 'HTTP exchanges with the Proxmox VE API (each attempt), by cluster and status class (none: no answer)',
    labelNames: ['cluster', 'status_class'] as const,
    buckets: UPSTREAM_BUCKETS,
    registers: [registry],
  });
  const sessions = new Gauge({
    name: 'proxmox_mcp_open_sessions',
    help: 'MCP sessions open on this replica, by transport (streamable: Streamable HTTP, sse: legacy SSE)',
    labelNames: ['transport'] as const,
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'proxmox_mcp_refusals_total',
    help: 'Requests refused by this server, by reason (policy, read-only, role, not-confirmed, auth) and cluster',
    labelNames: ['reason', 'cluster'] as const,
    registers: [registry],
  });
  // Present from the first scrape, so a dashboard shows 0 rather than no data.
  sessions.set({ transport: 'streamable' }, 0);
  sessions.set({ transport: 'sse' }, 0);
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const sink: MetricsSink = {
    toolCall(name, clusterName, outcome, seconds) {
      calls.inc({ tool: tool(name), cluster: cluster(clusterName), outcome });
      callSeconds.observe({ tool: tool(name), outcome }, seconds);
    },
    upstream(clusterName, status, seconds) {
      upstream.observe({ cluster: cluster(clusterName), status_class: statusClass(status) }, seconds);
    },
    refusal(reason, clusterName) {
      refusals.inc({ reason, cluster: cluster(clusterName) });
    },
    sessionOpened(kind) {
      sessions.inc({ transport: kind });
    },
    sessionClosed(kind) {
      sessions.dec({ transport: kind });
    },
  };
  return { sink, registry };
}

export function statusClass(status: number): string {
  const hundreds = Math.floor(status / 100);
  return hundreds >= 2 && hundreds <= 5 ? `${hundreds}xx` : 'none';
}
