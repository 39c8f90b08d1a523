import type { ToolOutcome } from './events.js';
import { metrics } from './events.js';

/** The label a value outside the known set gets: a client can name any tool or cluster. */
export const UNKNOWN_LABEL = 'unknown';
/** The cluster label of an event that concerns no cluster (auth refused, arguments invalid). */
export const NO_CLUSTER = 'none';
/** The cluster label of a call fanned out over several clusters (`cluster: "*"`). */
export const ALL_CLUSTERS = '*';

/**
 * A finished tools/call: the cluster label is the one resolved cluster, `*` for a fan-out, `none` when
 * none was resolved (bad arguments, unknown cluster: the client's text never becomes a label).
 */
export function toolCallDone(
  tool: string,
  clusters: ReadonlyArray<{ name: string }> | undefined,
  outcome: ToolOutcome,
  startedMs: number,
): void {
  const cluster = !clusters?.length ? NO_CLUSTER : clusters.length > 1 ? ALL_CLUSTERS : clusters[0]!.name;
  metrics.toolCall(tool, cluster, outcome, (performance.now() - startedMs) / 1000);
}
