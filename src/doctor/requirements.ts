import { grantCommandPair } from '../proxmox/grant-advice.js';
import type { PrivilegeNeed } from './report.js';

/**
 * What the tools need, as ACL path + privilege. Checked against GET /access/permissions, which PVE
 * computes for exactly these paths (plus every ACL path), inheritance and privilege separation included.
 */
export type Requirement = Omit<PrivilegeNeed, 'granted' | 'onlyOn'>;

export const READ_REQUIREMENTS: readonly Requirement[] = [
  {
    path: '/nodes',
    privilege: 'Sys.Audit',
    usedBy: 'node status and usage (list_nodes, get_cluster_resources)',
    role: 'PVEAuditor',
  },
  {
    path: '/vms',
    privilege: 'VM.Audit',
    usedBy: 'VMs and containers (get_cluster_resources, get_guest)',
    role: 'PVEAuditor',
  },
  {
    path: '/storage',
    privilege: 'Datastore.Audit',
    usedBy: 'storage (get_cluster_resources)',
    role: 'PVEAuditor',
  },
];

/** No built-in role grants snapshots without also granting reconfiguration (PVEVMAdmin): a custom one. */
export const SNAPSHOT_ROLE = 'MCPSnapshot';
export const SNAPSHOT_ROLE_COMMAND = `pveum role add ${SNAPSHOT_ROLE} --privs VM.Snapshot,VM.Snapshot.Rollback`;

export const WRITE_REQUIREMENTS: readonly Requirement[] = [
  {
    path: '/vms',
    privilege: 'VM.PowerMgmt',
    usedBy: 'guest_action (start, shutdown, stop, reboot, suspend, resume)',
    role: 'PVEVMUser',
  },
  {
    path: '/vms',
    privilege: 'VM.Snapshot',
    usedBy: 'snapshots through proxmox_api_call',
    role: SNAPSHOT_ROLE,
  },
];

/** `granted` for one requirement in a /access/permissions answer (path → privilege → propagate). */
export function evaluate(req: Requirement, effective: Record<string, string[]>): PrivilegeNeed {
  if (effective[req.path]?.includes(req.privilege)) return { ...req, granted: 'yes' };
  // Only on some guests or storages (or through a pool): the tools see those and nothing else.
  const sub = Object.entries(effective)
    .filter(
      ([p, privs]) =>
        privs.includes(req.privilege) &&
        (p.startsWith(`${req.path}/`) || (req.path !== '/nodes' && p.startsWith('/pool/'))),
    )
    .map(([p]) => p);
  return sub.length ? { ...req, granted: 'partly', onlyOn: sub } : { ...req, granted: 'no' };
}

/**
 * The pveum commands that grant what is missing. A privilege-separated token gets the intersection of
 * its own ACLs and its user's; a token without separation gets the user's. We cannot see which kind
 * this is, so both grants are given, except for root@pam, which already has everything.
 */
export function grantCommands(missing: readonly PrivilegeNeed[], user: string, token: string): string[] {
  const byRole = new Map<string, Set<string>>();
  for (const m of missing) {
    const paths = byRole.get(m.role) ?? new Set<string>();
    paths.add(m.path);
    byRole.set(m.role, paths);
  }
  const out: string[] = byRole.has(SNAPSHOT_ROLE) ? [SNAPSHOT_ROLE_COMMAND] : [];
  for (const [role, paths] of byRole) {
    // PVEAuditor on / covers every read path at once.
    const targets = role === 'PVEAuditor' && paths.size > 1 ? ['/'] : [...paths];
    for (const p of targets) out.push(...grantCommandPair(p, role, user, token));
  }
  return out;
}
