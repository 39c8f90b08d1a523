import type { ClusterHandle } from '../clusters/registry.js';
import type { RequestContext } from '../proxmox/client.js';
import { ProxmoxError } from '../proxmox/errors.js';

/** A guest's row in /cluster/resources: where it lives and how it is doing. */
export interface GuestRow {
  vmid: number;
  type: 'qemu' | 'lxc';
  node: string;
  status: string;
  name?: string;
  template?: number;
  cpu?: number;
  maxcpu?: number;
  mem?: number;
  maxmem?: number;
  disk?: number;
  maxdisk?: number;
  uptime?: number;
  tags?: string;
  pool?: string;
  lock?: string;
  hastate?: string;
}

/**
 * Assistants know a VMID, rarely its node: VMIDs are unique per cluster, so /cluster/resources
 * says where a guest lives and whether it is a VM or a container. An unknown VMID is an error that
 * says how to find guests (and that a token without VM.Audit sees none).
 */
export async function findGuest(
  cluster: ClusterHandle,
  vmid: number,
  opts: { signal?: AbortSignal; context?: RequestContext },
): Promise<GuestRow> {
  const rows = await cluster.client.request<Array<Record<string, unknown>>>(
    'GET',
    '/cluster/resources',
    { type: 'vm' },
    opts,
  );
  const row = (Array.isArray(rows) ? rows : []).find(
    (r) => Number(r.vmid) === vmid && (r.type === 'qemu' || r.type === 'lxc'),
  );
  if (!row) {
    throw new ProxmoxError(
      'NOT_FOUND',
      `No guest with VMID ${vmid} on cluster "${cluster.name}". get_cluster_resources with type "vm" lists the guests (VMID, name, node, status); if it is empty, the API token lacks VM.Audit. A guest on another cluster needs the cluster argument (list_clusters shows them).`,
      { cluster: cluster.name, method: 'GET', path: '/cluster/resources' },
    );
  }
  return {
    ...row,
    vmid,
    type: row.type as 'qemu' | 'lxc',
    node: String(row.node),
    status: String(row.status ?? 'unknown'),
  };
}

/** "VM 100 (web01)" / "container 200 (dns)": how guests are named in messages. */
export function guestLabel(g: Pick<GuestRow, 'vmid' | 'type' | 'name'>): string {
  return `${g.type === 'qemu' ? 'VM' : 'container'} ${g.vmid}${g.name ? ` (${g.name})` : ''}`;
}
