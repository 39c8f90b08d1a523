import { connect } from 'node:net';
import { formatMs } from './budget.js';
import { settingName, type ProbeContext } from './context.js';
import type { CheckResult } from './report.js';

/** One TCP connection to each resolved address in turn, until one answers. */
export async function probeTcp(
  ctx: ProbeContext,
  addresses: string[],
  timeoutMs: number,
): Promise<CheckResult> {
  const { port } = ctx.cluster;
  const started = Date.now();
  const failures: Array<{ address: string; code: string }> = [];
  for (const address of addresses) {
    const left = timeoutMs - (Date.now() - started);
    if (left <= 0) break;
    const code = await tryConnect(address, port, left);
    if (code === undefined) {
      return {
        id: 'tcp',
        status: 'ok',
        summary: `connected to ${hostPort(address, port)} in ${formatMs(Date.now() - started)}`,
        durationMs: Date.now() - started,
      };
    }
    failures.push({ address, code });
  }
  const first = failures[0] ?? { address: addresses[0] ?? ctx.cluster.host, code: 'ETIMEDOUT' };
  const at = hostPort(first.address, port);
  const summary =
    first.code === 'ECONNREFUSED'
      ? `connection to ${at} refused: nothing listens on port ${port}`
      : first.code === 'ETIMEDOUT'
        ? `no answer from ${at} within ${formatMs(timeoutMs)}: host down, wrong address, or a firewall drops port ${port}`
        : `cannot connect to ${at} (${first.code})`;
  const fix =
    first.code === 'ECONNREFUSED'
      ? [
          `The Proxmox VE API listens on port 8006 (https). Check the port in ${settingName(ctx, 'url')}`,
          'and that pveproxy runs on the node: systemctl status pveproxy.',
        ]
      : [
          `Check the address in ${settingName(ctx, 'url')}, that the node is up, and that no firewall`,
          `between here and ${ctx.cluster.host} blocks TCP port ${port} (try: nc -vz ${ctx.cluster.host} ${port}).`,
        ];
  return {
    id: 'tcp',
    status: 'fail',
    summary: `${summary} (${first.code})`,
    fix,
    durationMs: Date.now() - started,
  };
}

function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Resolves undefined when connected, else the error code ('ETIMEDOUT' when the time ran out). */
function tryConnect(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (code: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(code);
    };
    const timer = setTimeout(() => done('ETIMEDOUT'), timeoutMs);
    socket.once('connect', () => done(undefined));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? 'error'));
  });
}
