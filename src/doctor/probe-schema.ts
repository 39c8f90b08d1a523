import type { ProxmoxClient } from '../proxmox/client.js';
import { ProxmoxHttpError } from '../proxmox/errors.js';
import { DeadlineError, formatMs } from './budget.js';
import type { CheckResult } from './report.js';

export const APIDOC_PATH = '/pve-docs/api-viewer/apidoc.js';

/**
 * The API schema every PVE node serves without credentials. Without it proxmox_api_describe and the
 * pre-flight checks of proxmox_api_call have nothing to work from; the rest still works, so a failure
 * here is a warning.
 */
export async function probeSchema(client: ProxmoxClient, timeoutMs: number): Promise<CheckResult> {
  const started = Date.now();
  const impact = 'proxmox_api_describe and the parameter checks of proxmox_api_call will not work';
  try {
    const body = await client.fetchPublic(APIDOC_PATH, { timeoutMs });
    const durationMs = Date.now() - started;
    if (!/apiSchema/.test(body)) {
      return {
        id: 'schema',
        status: 'warn',
        summary: `${APIDOC_PATH} answered, but not with the API schema; ${impact}`,
        durationMs,
      };
    }
    return {
      id: 'schema',
      status: 'ok',
      summary: `${APIDOC_PATH} reachable (${Math.round(body.length / 1024)} KiB)`,
      durationMs,
    };
  } catch (err) {
    const why =
      err instanceof ProxmoxHttpError
        ? `${err.status} ${err.reason}`
        : err instanceof DeadlineError || (err as { code?: string }).code === 'TIMEOUT'
          ? `no answer within ${formatMs(timeoutMs)}`
          : err instanceof Error
            ? err.message
            : String(err);
    return {
      id: 'schema',
      status: 'warn',
      summary: `${APIDOC_PATH} not reachable (${why}); ${impact}`,
      fix:
        err instanceof ProxmoxHttpError && err.status === 404
          ? ['The pve-docs package serves it; on the node: apt install pve-docs']
          : undefined,
      durationMs: Date.now() - started,
    };
  }
}
