import {
  ProxmoxError,
  ProxmoxHttpError,
  ProxmoxNetworkError,
  ProxmoxTimeoutError,
} from '../proxmox/errors.js';

/**
 * Writes whose failure leaves their effect unknown. retry.ts never repeats a write for the same
 * reason: the request went out, and PVE may have carried it out although no answer came back.
 * - a timeout: the request was sent (the connect phase has its own ETIMEDOUT, below);
 * - the connection closed after sending (reset, socket closed, broken pipe);
 * - 502/503/504: a proxy or load balancer in front of PVE answered, and may have forwarded it.
 * DNS, refused connections, connect timeouts and TLS failures happen before anything is sent.
 */
const SENT_THEN_LOST = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'EPIPE']);
const PROXY_STATUSES = new Set([502, 503, 504]);

export function writeMayHaveRun(err: unknown): err is ProxmoxError {
  if (!(err instanceof ProxmoxError) || err.facts.method === 'GET') return false;
  if (err instanceof ProxmoxTimeoutError) return true;
  if (err instanceof ProxmoxNetworkError) return SENT_THEN_LOST.has(err.syscallCode ?? '');
  if (err instanceof ProxmoxHttpError) return PROXY_STATUSES.has(err.status);
  return false;
}

/** PVE's task types (the UPID's type field) for the guest endpoints a write most often hits. */
const TASK_TYPES: Array<[RegExp, (kind: 'qm' | 'vz', m: RegExpExecArray) => string]> = [
  [/^\/status\/(start|stop|shutdown|reboot|suspend|resume|reset)$/, (k, m) => `${k}${m[1]}`],
  [/^\/snapshot$/, (k) => `${k}snapshot`],
  [/^\/snapshot\/[^/]+\/rollback$/, (k) => `${k}rollback`],
  [/^\/snapshot\/[^/]+$/, (k) => `${k}delsnapshot`],
  [/^\/clone$/, (k) => `${k}clone`],
  [/^\/migrate$/, (k) => (k === 'qm' ? 'qmigrate' : 'vzmigrate')],
  [/^$/, (k) => `${k}destroy`],
];

/**
 * The read that tells whether a write happened: the node's task list filtered to the guest and the
 * task type (source=all, so a task still running is listed too), and the guest's own status.
 */
export function settlingRead(method: string, path: string): string {
  const guest = /^\/nodes\/([^/]+)\/(qemu|lxc)\/(\d+)(\/.*)?$/.exec(path);
  if (guest) {
    const [, node, kind, vmid, rest = ''] = guest;
    // A configuration change (PUT is synchronous; POST on qemu runs as a qmconfig task): read it back.
    if (rest === '/config') {
      return `GET ${path} (the current configuration: compare it with what was sent)${method === 'POST' ? `, or GET /nodes/${node}/tasks?vmid=${vmid}&typefilter=qmconfig&source=all` : ''}`;
    }
    const prefix = kind === 'qemu' ? 'qm' : 'vz';
    const entry = TASK_TYPES.find(([re]) => re.test(rest));
    const type = entry ? entry[1](prefix, entry[0].exec(rest)!) : undefined;
    // A DELETE of the guest itself is its destruction; other DELETEs under it are not tasks we know.
    const typeFilter = type && (rest !== '' || method === 'DELETE') ? `&typefilter=${type}` : '';
    return `GET /nodes/${node}/tasks?vmid=${vmid}${typeFilter}&source=all (a task listed there since the call means it was carried out) or the guest's status, GET /nodes/${node}/${kind}/${vmid}/status/current`;
  }
  const onNode = /^\/nodes\/([^/]+)\/(qemu|lxc)$/.exec(path);
  if (onNode && method === 'POST') {
    return `GET /nodes/${onNode[1]}/tasks?typefilter=${onNode[2] === 'qemu' ? 'qmcreate' : 'vzcreate'}&source=all, or GET /cluster/resources?type=vm for the new guest`;
  }
  const node = /^\/nodes\/([^/]+)/.exec(path)?.[1];
  if (node) return `GET /nodes/${node}/tasks?source=all (the node's recent tasks), or read ${path} back`;
  return `GET /cluster/tasks (recent tasks), or read ${path} back`;
}

/** The advice for a write that may have been carried out: never "retry". */
export function describeUncertainWrite(err: ProxmoxError, cause: string): string {
  const { method, path, cluster } = err.facts;
  return [
    `${method} ${path} on cluster "${cluster}": ${cause}; it MAY have been carried out.`,
    `Do not send it again before checking: ${settlingRead(method, path)}.`,
  ].join(' ');
}
