import type { ProxmoxClient } from '../proxmox/client.js';
import {
  ProxmoxError,
  ProxmoxHttpError,
  ProxmoxNetworkError,
  ProxmoxTimeoutError,
  ProxmoxTlsError,
} from '../proxmox/errors.js';
import { DeadlineError, formatMs } from './budget.js';
import { settingName, type ProbeContext } from './context.js';
import type { CheckResult } from './report.js';

export interface TokenOutcome {
  result: CheckResult;
  pveVersion?: string;
}

/**
 * GET /version through the real client: the same TLS connector, header and error mapping as every
 * tool, so a pass here is a pass for the tools.
 */
export async function probeToken(
  ctx: ProbeContext,
  client: ProxmoxClient,
  timeoutMs: number,
): Promise<TokenOutcome> {
  const started = Date.now();
  try {
    const v = await client.request<{ version?: string; release?: string; repoid?: string }>(
      'GET',
      '/version',
      {},
      { timeoutMs },
    );
    const version = v?.version ?? '(unknown)';
    return {
      pveVersion: version,
      result: {
        id: 'token',
        status: 'ok',
        summary: `accepted ${ctx.token}; Proxmox VE ${version}${v?.repoid ? ` (${v.repoid})` : ''}`,
        durationMs: Date.now() - started,
      },
    };
  } catch (err) {
    return {
      result: { id: 'token', ...tokenFailure(ctx, err, timeoutMs), durationMs: Date.now() - started },
    };
  }
}

/** Shared by the API probes: what a failed authenticated request means here. */
export function tokenFailure(
  ctx: ProbeContext,
  err: unknown,
  timeoutMs: number,
  what = 'GET /version',
): { status: 'fail'; summary: string; fix?: string[] } {
  if (err instanceof ProxmoxHttpError && err.status === 401) {
    const noTicket = err.reason === 'No ticket';
    return {
      status: 'fail',
      summary: noTicket
        ? `401 No ticket: no credentials reached Proxmox (a proxy dropping the Authorization header?)`
        : `token rejected: 401 ${err.reason || 'Unauthorized'}`,
      fix: noTicket
        ? ['Connect to the node directly, or let the proxy pass the Authorization header.']
        : [
            `Proxmox did not accept ${ctx.token} with the configured secret. Check, on a node:`,
            `  pveum user token list ${ctx.cluster.user}`,
            `that the token "${ctx.cluster.tokenId}" exists (the user is "${ctx.cluster.user}", the token id is only the part after "!"),`,
            'is not expired and its user is enabled; and that the secret is the UUID `pveum user token add` printed',
            `(${settingName(ctx, 'token_secret')}). A lost secret cannot be shown again: remove and re-add the token.`,
          ],
    };
  }
  if (err instanceof ProxmoxTimeoutError || err instanceof DeadlineError) {
    return {
      status: 'fail',
      summary: `no answer to ${what} within ${formatMs(timeoutMs)}: the node or pveproxy is slow or hanging`,
      fix: [
        'Retry; if it persists check the node (systemctl status pveproxy, load, storage that hangs).',
        `If the cluster is merely slow, raise ${settingName(ctx, 'timeout_ms')}.`,
      ],
    };
  }
  if (err instanceof ProxmoxTlsError) {
    return { status: 'fail', summary: `TLS refused, no request sent: ${err.tlsReason}` };
  }
  if (err instanceof ProxmoxNetworkError) {
    return { status: 'fail', summary: `cannot reach the API: ${err.message}` };
  }
  if (err instanceof ProxmoxHttpError) {
    return {
      status: 'fail',
      summary: `${what} answered ${err.status} ${err.detail}`,
      fix: ['Is this URL a Proxmox VE node (the API is https on port 8006), not a proxy or another service?'],
    };
  }
  if (err instanceof ProxmoxError) {
    return {
      status: 'fail',
      summary: err.message,
      fix: ['Is this URL a Proxmox VE node (the API is https on port 8006), not a proxy or another service?'],
    };
  }
  return { status: 'fail', summary: err instanceof Error ? err.message : String(err) };
}
