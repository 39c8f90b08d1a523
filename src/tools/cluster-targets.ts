import type { ClusterHandle } from '../clusters/registry.js';
import { ProxmoxError } from '../proxmox/errors.js';
import type { ToolContext } from './types.js';
import { describeError } from './error-result.js';

export interface ClusterFailure {
  cluster: string;
  error: string;
}

/**
 * Runs `fn` for every target cluster concurrently. One cluster failing (down, slow, bad token) is
 * reported beside the others' results; it never fails the whole call. When there is only one target,
 * its error is rethrown so the call becomes a plain error result; when every target failed, the call
 * is an error result too, leading with the failures (an empty answer would look like "nothing there").
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
    else {
      logFailure(ctx, c.name, s.reason);
      failures.push({ cluster: c.name, error: describeError(s.reason, c.config) });
    }
  });
  if (results.length === 0 && failures.length > 0) throw new AllClustersFailed(failures);
  return { results, failures };
}

/**
 * A failure inside a fan-out becomes a line of the answer; the log gets it too, or a bug there would
 * never be seen. A Proxmox error is expected (down, refused, bad token): its message. Anything else is
 * a bug: its stack. The logger scrubs known secrets.
 */
function logFailure(ctx: ToolContext, cluster: string, reason: unknown): void {
  const error =
    reason instanceof ProxmoxError
      ? `${reason.code}: ${reason.message}`
      : reason instanceof Error
        ? (reason.stack ?? reason.message)
        : String(reason);
  ctx.logger.warn(`cluster "${cluster}" failed in a cluster: "*" call; its error is in the answer`, {
    cluster,
    error,
  });
}

/** Every target of a fan-out failed: nothing was read, so there is no data to show. */
export class AllClustersFailed extends ProxmoxError {
  constructor(readonly failures: ClusterFailure[]) {
    super(
      'HTTP_ERROR',
      `All ${failures.length} clusters failed; nothing was read:\n` +
        failures.map((f) => `- ${f.cluster}: ${f.error}`).join('\n'),
      { cluster: '*', method: 'GET', path: '' },
    );
    this.name = 'AllClustersFailed';
  }
}

/** Said before the data when some clusters failed, so the rows are not taken for the whole picture. */
export function failuresLead(failures: ClusterFailure[], targets: number): string {
  return failures.length
    ? `${failures.length} of ${targets} clusters failed (${failures.map((f) => f.cluster).join(', ')}): the results below are from the others only; why, at the end.\n\n`
    : '';
}

export function failuresText(failures: ClusterFailure[]): string {
  return failures.length
    ? '\n\nFailed clusters:\n' + failures.map((f) => `- ${f.cluster}: ${f.error}`).join('\n')
    : '';
}
