import type { ClusterHandle } from '../clusters/registry.js';
import type { ToolContext } from './types.js';
import { describeError } from './error-result.js';

export interface ClusterFailure {
  cluster: string;
  error: string;
}

/**
 * Runs `fn` for every target cluster concurrently. One cluster failing (down, slow, bad token) is
 * reported beside the others' results; it never fails the whole call. When there is only one target,
 * its error is rethrown so the call becomes a plain error result.
 */
export async function forEachCluster<T>(
  ctx: ToolContext,
  fn: (cluster: ClusterHandle) => Promise<T>,
): Promise<{ results: Array<{ cluster: string; value: T }>; failures: ClusterFailure[] }> {
  if (ctx.clusters.length === 1) {
    const only = ctx.clusters[0]!;
    return { results: [{ cluster: only.name, value: await fn(only) }], failures: [] };
  }
  const settled = await Promise.allSettled(ctx.clusters.map((c) => fn(c)));
  const results: Array<{ cluster: string; value: T }> = [];
  const failures: ClusterFailure[] = [];
  settled.forEach((s, i) => {
    const c = ctx.clusters[i]!;
    if (s.status === 'fulfilled') results.push({ cluster: c.name, value: s.value });
    else failures.push({ cluster: c.name, error: describeError(s.reason, c.config) });
  });
  return { results, failures };
}

export function failuresText(failures: ClusterFailure[]): string {
  return failures.length
    ? '\n\nFailed clusters:\n' + failures.map((f) => `- ${f.cluster}: ${f.error}`).join('\n')
    : '';
}
