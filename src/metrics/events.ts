/**
 * What the server reports to /metrics, as calls from the code that knows it happened. Until a sink is
 * installed (`sse --metrics-port`, src/metrics/), every call is a no-op costing one property read, so
 * stdio and the tests pay nothing and prom-client is never loaded.
 *
 * Labels are bounded and never carry a secret or a person: tool names come from the registry, cluster
 * names from clusters.json, outcomes and reasons from the fixed unions below.
 */
export type ToolOutcome = 'ok' | 'error' | 'refused';
export type RefusalReason = 'policy' | 'read-only' | 'role' | 'not-confirmed' | 'auth';

export interface MetricsSink {
  toolCall(tool: string, cluster: string, outcome: ToolOutcome, seconds: number): void;
  /** One HTTP exchange with a Proxmox cluster; status 0 when no answer came (network, timeout). */
  upstream(cluster: string, status: number, seconds: number): void;
  /** A request refused by us (policy, read-only, a person's role, no confirmation, failed auth). */
  refusal(reason: RefusalReason, cluster?: string): void;
  sessionOpened(kind: 'streamable' | 'sse'): void;
  sessionClosed(kind: 'streamable' | 'sse'): void;
}

let sink: MetricsSink | undefined;

export function setMetricsSink(next: MetricsSink | undefined): void {
  sink = next;
}

export const metrics: MetricsSink = {
  toolCall: (...a) => sink?.toolCall(...a),
  upstream: (...a) => sink?.upstream(...a),
  refusal: (...a) => sink?.refusal(...a),
  sessionOpened: (...a) => sink?.sessionOpened(...a),
  sessionClosed: (...a) => sink?.sessionClosed(...a),
};
