import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { DeadlineError, formatMs, withDeadline } from './budget.js';
import { settingName, type ProbeContext } from './context.js';
import type { CheckResult } from './report.js';

export interface DnsOutcome {
  result: CheckResult;
  addresses: string[];
}

/** Resolves the cluster's host the way the client will (getaddrinfo, so /etc/hosts counts). */
export async function probeDns(ctx: ProbeContext, timeoutMs: number): Promise<DnsOutcome> {
  const host = ctx.cluster.host.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    return {
      result: { id: 'dns', status: 'ok', summary: `${host} is an IP address; nothing to resolve` },
      addresses: [host],
    };
  }
  const started = Date.now();
  try {
    const found = await withDeadline(lookup(host, { all: true }), timeoutMs);
    const addresses = found.map((a) => a.address);
    return {
      result: {
        id: 'dns',
        status: 'ok',
        summary: `${host} → ${addresses.join(', ')}`,
        durationMs: Date.now() - started,
      },
      addresses,
    };
  } catch (err) {
    const code = err instanceof DeadlineError ? 'timeout' : ((err as NodeJS.ErrnoException).code ?? 'error');
    const why =
      code === 'ENOTFOUND'
        ? 'no such host name'
        : code === 'EAI_AGAIN'
          ? 'the DNS server did not answer (temporary failure)'
          : code === 'timeout'
            ? `no answer from DNS within ${formatMs(timeoutMs)}`
            : code;
    return {
      result: {
        id: 'dns',
        status: 'fail',
        summary: `cannot resolve ${host}: ${why} (${code})`,
        fix: [
          `Check the host name in ${settingName(ctx, 'url')} (a typo?), or use the node's IP address.`,
          'A name that works in your browser but not here may come from another DNS server or a VPN.',
        ],
        durationMs: Date.now() - started,
      },
      addresses: [],
    };
  }
}
